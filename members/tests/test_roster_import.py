"""Importing a roster: the dry run, the apply, and upserts keyed by card number."""

import datetime as dt
import unicodedata

from django.utils import timezone

from audit.models import AuditEntry
from members.models import Member, MemberStatus, RosterImport, Transfer
from members.tests.roster_files import (
    AN,
    BINH,
    apply,
    changed,
    checked,
    csv_bytes,
    newcomer,
    status_url,
    xlsx,
)
from organizations.models import Organization

State = RosterImport.State


def _actions(record: RosterImport) -> dict[int, str]:
    return {row["row"]: row["action"] for row in record.rows}


def _written() -> tuple[int, int, int, list]:
    return (
        Member.objects.count(),
        AuditEntry.objects.count(),
        Transfer.objects.count(),
        sorted(Organization.objects.values_list("pk", "member_count")),
    )


def test_a_dry_run_reports_every_row_and_writes_nothing(world, client):
    client.force_login(world.clerk)
    before = _written()
    rows = [
        AN,
        changed(BINH, full_name="Trần Thị Bích"),
        newcomer("030405", "Hoàng Thị Thủy"),
        changed(newcomer("030406", "Lê Văn Bốn"), born="31/02/1980"),
    ]
    record = checked(client, world.ward, xlsx(rows))

    assert record.state == State.CHECKED
    assert (record.total_rows, record.created_count, record.updated_count) == (4, 1, 1)
    assert (record.unchanged_count, record.rejected_count) == (1, 1)
    assert _actions(record) == {2: "unchanged", 3: "update", 4: "create", 5: "reject"}
    assert record.rows[0]["row"] == 5, "rejects come first"
    assert record.rows[0]["details"] == [
        'Dòng 5, cột "Ngày sinh": Ngày "31/02/1980" không hợp lệ (định dạng dd/mm/yyyy).'
    ]
    assert record.rows[2]["details"] == ["Họ và tên: Trần Thị Bình → Trần Thị Bích"]
    assert _written() == before

    page = client.get(status_url(record)).content.decode()
    assert "Bị từ chối" in page and 'class="reject"' in page
    assert "Nhập 2 dòng" not in page, "no apply button while a row is rejected"
    assert "tải lên lại" in page


def test_applying_creates_the_members_counts_them_and_audits_each(world, client):
    client.force_login(world.clerk)
    rows = [
        newcomer("030405", "Hoàng Thị Thủy"),
        newcomer("030406", "Lê Văn Bốn"),
        newcomer("030407", "Đinh Văn Năm", unit="HNA-LH-KP1"),
    ]
    record = checked(client, world.ward, xlsx(rows))
    assert "Nhập 3 dòng" in client.get(status_url(record)).content.decode()

    response = apply(client, record)

    assert response.status_code == 302
    assert record.state == State.APPLIED and record.created_count == 3
    thuy = Member.objects.get(card_number="030405")
    assert (thuy.full_name, thuy.organization, thuy.status) == (
        "Hoàng Thị Thủy",
        world.cell2,
        MemberStatus.PROBATIONARY,
    )
    assert thuy.date_of_birth == dt.date(1990, 2, 3) and thuy.official_on is None
    assert thuy.sort_key and thuy.search_text == " hoang thi thuy 030405"
    assert Organization.objects.member_total(world.ward) == 5
    assert Organization.objects.member_total(world.city) == 6
    assert Organization.objects.get(pk=world.cell2.pk).member_count == 2
    created = AuditEntry.objects.filter(action="member.import_create")
    assert created.count() == 3 and {e.actor for e in created} == {world.clerk}
    entry = AuditEntry.objects.about(thuy).get()
    assert entry.changes["full_name"] == [None, "Hoàng Thị Thủy"]
    assert entry.changes["organization"] == [None, "Chi bộ khu phố 2"]
    summary = AuditEntry.objects.about(world.ward).get(action="roster.import")
    assert summary.changes["created"] == [None, 3]

    page = client.get(status_url(record)).content.decode()
    assert "Đã nhập xong" in page
    assert f"/members/unit/{world.ward.pk}/" in page


def test_re_importing_the_same_file_changes_nothing(world, client):
    client.force_login(world.clerk)
    content = xlsx([AN, BINH, newcomer("030405", "Hoàng Thị Thủy")])
    apply(client, checked(client, world.ward, content))
    before = _written()

    again = checked(client, world.ward, content)

    assert (again.unchanged_count, again.created_count, again.updated_count) == (3, 0, 0)
    assert set(_actions(again).values()) == {"unchanged"}
    assert "không có thay đổi nào" in client.get(status_url(again)).content.decode()
    apply(client, again)
    assert again.state == State.APPLIED
    assert _written() == before


def test_a_changed_name_updates_the_member(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([changed(BINH, full_name="trần thị  bích")]))
    assert _actions(record) == {2: "update"}

    apply(client, record)

    world.binh.refresh_from_db()
    assert world.binh.full_name == "Trần Thị Bích"
    assert "bich" in world.binh.search_text
    entry = AuditEntry.objects.about(world.binh).get()
    assert entry.action == "member.import_update"
    assert entry.changes == {"full_name": ["Trần Thị Bình", "Trần Thị Bích"]}
    assert Organization.objects.member_total(world.ward) == 2
    assert not Transfer.objects.exists()


def test_a_different_unit_code_transfers_the_member(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([changed(AN, unit="HNA-LH-KP2")]))
    assert record.rows[0]["details"] == ["Chuyển sinh hoạt: Chi bộ khu phố 1 → Chi bộ khu phố 2"]

    apply(client, record)

    world.an.refresh_from_db()
    assert world.an.organization == world.cell2
    transfer = Transfer.objects.get(member=world.an)
    assert (transfer.from_organization, transfer.to_organization) == (world.cell, world.cell2)
    assert transfer.transferred_on == timezone.localdate()
    assert transfer.note == "Nhập danh sách" and transfer.recorded_by == world.clerk
    assert Organization.objects.get(pk=world.cell.pk).member_count == 1
    assert Organization.objects.get(pk=world.cell2.pk).member_count == 1
    entry = AuditEntry.objects.about(world.an).get()
    assert entry.changes == {"organization": ["Chi bộ khu phố 1", "Chi bộ khu phố 2"]}


def test_one_bad_row_means_nothing_is_written_and_apply_is_refused(world, client):
    client.force_login(world.clerk)
    rows = [newcomer("030405", "Hoàng Thị Thủy"), changed(BINH, gender="Không rõ")]
    record = checked(client, world.ward, xlsx(rows))
    assert record.rejected_count == 1
    before = _written()

    response = apply(client, record)

    assert response.status_code == 302
    assert record.state == State.CHECKED
    assert _written() == before
    page = client.get(status_url(record)).content.decode()
    assert "không có dòng nào bị từ chối" in page


def test_rows_that_became_invalid_after_the_dry_run_stop_the_whole_apply(world, client):
    client.force_login(world.clerk)
    rows = [newcomer("030405", "Hoàng Thị Thủy"), newcomer("777777", "Vũ Thị Sáu")]
    record = checked(client, world.ward, xlsx(rows))
    assert record.rejected_count == 0
    # Meanwhile the card is given to someone in Ninh Bình.
    Member.objects.create(
        full_name="Người Khác",
        card_number="777777",
        gender="M",
        date_of_birth=dt.date(1980, 1, 1),
        status=MemberStatus.OFFICIAL,
        admitted_on=dt.date(2005, 1, 1),
        official_on=dt.date(2006, 1, 1),
        organization=world.other_cell,
    )
    before = _written()

    apply(client, record)

    assert record.state == State.CHECKED
    assert record.rejected_count == 1 and record.created_count == 1
    assert _written() == before
    assert not Member.objects.filter(card_number="030405").exists()


def test_a_failure_while_writing_leaves_no_half_import(world, client, monkeypatch):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy")]))
    before = _written()

    def broken(deltas):
        raise RuntimeError("disk full")

    monkeypatch.setattr("members.tasks.member_count_add", broken)
    apply(client, record)

    assert record.state == State.FAILED
    assert "chưa có gì được ghi" in record.error
    assert _written() == before
    assert "chưa có gì được ghi" in client.get(status_url(record)).content.decode()


def test_duplicate_card_numbers_in_a_file_reject_both_rows(world, client):
    client.force_login(world.clerk)
    rows = [
        newcomer("030405", "Hoàng Thị Thủy"),
        newcomer("040506", "Lê Văn Bốn"),
        newcomer("030405", "Hoàng Văn Thủy"),
    ]
    record = checked(client, world.ward, xlsx(rows))

    assert _actions(record) == {2: "reject", 3: "create", 4: "reject"}
    reasons = {row["row"]: row["details"] for row in record.rows}
    assert reasons[2] == ['Dòng 2, cột "Số thẻ đảng viên": Số thẻ "030405" trùng với dòng 4.']
    assert reasons[4] == ['Dòng 4, cột "Số thẻ đảng viên": Số thẻ "030405" trùng với dòng 2.']


def test_an_unknown_unit_code_is_rejected(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy", "KHONG-CO")]))

    assert record.rejected_count == 1
    assert record.rows[0]["details"] == [
        'Dòng 2, cột "Mã chi bộ": Mã chi bộ "KHONG-CO" không có trong hệ thống '
        "hoặc ngoài phạm vi quản lý của bạn."
    ]


def test_unit_codes_are_matched_regardless_of_case(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([changed(AN, unit="hna-lh-kp1")]))
    assert _actions(record) == {2: "unchanged"}


def test_rules_spanning_fields_name_the_column_they_concern(world, client):
    client.force_login(world.clerk)
    rows = [
        changed(newcomer("030405", "Hoàng Thị Thủy"), status="Chính thức"),
        newcomer("030406", "Lê Văn Bốn", unit="HNA-LH"),
        changed(newcomer("030407", "Đinh Văn Năm"), born="01/01/2010"),
        changed(newcomer("030408", "Vũ Thị Sáu"), full_name=""),
    ]
    record = checked(client, world.ward, xlsx(rows))

    reasons = {row["row"]: row["details"] for row in record.rows}
    assert reasons[2] == [
        'Dòng 2, cột "Ngày chính thức": Đảng viên chính thức cần có ngày chính thức.'
    ]
    assert reasons[3][0].startswith('Dòng 3, cột "Mã chi bộ": Đơn vị “Đảng bộ phường Lam Hạ”')
    assert reasons[4] == ['Dòng 4, cột "Ngày vào Đảng": Ngày vào Đảng phải khi đã đủ 18 tuổi.']
    assert reasons[5] == ['Dòng 5, cột "Họ và tên": Không được để trống.']


def test_a_member_who_has_left_is_rejected(world, client):
    Member.objects.filter(pk=world.binh.pk).update(
        left_on=dt.date(2024, 1, 1), left_reason="deceased"
    )
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([BINH]))

    assert record.rejected_count == 1
    assert "đã thôi sinh hoạt từ 01/01/2024" in record.rows[0]["details"][0]


def test_decomposed_unicode_names_are_stored_in_nfc(world, client):
    client.force_login(world.clerk)
    rows = [
        newcomer("030405", unicodedata.normalize("NFD", "Hoàng Thị Thuỷ")),
        changed(AN, full_name=unicodedata.normalize("NFD", "Nguyễn Văn An")),
    ]
    record = checked(client, world.ward, xlsx(rows))
    assert _actions(record) == {2: "create", 3: "unchanged"}

    apply(client, record)

    name = Member.objects.get(card_number="030405").full_name
    assert name == "Hoàng Thị Thủy" and unicodedata.is_normalized("NFC", name)


def test_excel_dates_and_loosely_written_choices_are_read(world, client):
    client.force_login(world.clerk)
    row = [
        "030405",
        "Hoàng Thị Thủy",
        "NỮ",
        dt.datetime(1990, 2, 3),
        "mien cong tac va sinh hoat",
        dt.datetime(2010, 3, 2),
        dt.datetime(2011, 3, 2),
        "HNA-LH-KP2",
    ]
    apply(client, checked(client, world.ward, xlsx([row, [None] * 8, changed(AN, gender="nam")])))

    thuy = Member.objects.get(card_number="030405")
    assert thuy.status == MemberStatus.EXEMPT and thuy.gender == "F"
    assert (thuy.date_of_birth, thuy.official_on) == (dt.date(1990, 2, 3), dt.date(2011, 3, 2))


def test_a_csv_with_a_bom_and_semicolons_is_read(world, client):
    client.force_login(world.clerk)
    content = csv_bytes([AN, newcomer("030405", "Hoàng Thị Thủy")], delimiter=";")
    assert content.startswith(b"\xef\xbb\xbf")

    record = checked(client, world.ward, content, "danh-sach.csv")

    assert _actions(record) == {2: "unchanged", 3: "create"}


def test_a_csv_without_a_bom_separated_by_tabs_is_read(world, client):
    client.force_login(world.clerk)
    content = csv_bytes([newcomer("030405", "Hoàng Thị Thủy")], delimiter="\t", bom=False)
    record = checked(client, world.ward, content, "danh-sach.txt")
    assert _actions(record) == {2: "create"}


def test_columns_are_found_by_name_in_any_order_and_extra_ones_are_ignored(world, client):
    client.force_login(world.clerk)
    header = ["STT", "MÃ CHI BỘ", "ho va ten", "Số thẻ đảng viên", "Giới tính", "Ngày sinh"]
    header += ["Trạng thái", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]
    row = ["1", "HNA-LH-KP2", "Hoàng Thị Thủy", "030405", "Nữ", "03/02/1990", "Dự bị"]
    row += ["02/09/2024", "", "mới chuyển đến"]
    record = checked(client, world.ward, xlsx([row], header=header))
    assert _actions(record) == {2: "create"}


def test_number_cells_and_blank_lines_keep_the_row_numbers_excel_shows(world, client):
    client.force_login(world.clerk)
    typed = changed(newcomer("030405", "Hoàng Thị Thủy"), card=30406, born=dt.date(1990, 2, 3))
    rows = [newcomer("030405", "Hoàng Thị Thủy"), [None] * 8, typed]

    record = checked(client, world.ward, xlsx(rows))

    assert _actions(record) == {2: "create", 4: "create"}
    apply(client, record)
    assert Member.objects.get(card_number="30406").date_of_birth == dt.date(1990, 2, 3)


def test_the_apply_writes_the_rows_the_check_read_without_reading_the_file_again(
    world, client, monkeypatch
):
    client.force_login(world.clerk)
    row = changed(newcomer("030405", "Hoàng Thị Thủy"), born=dt.date(1990, 2, 3))
    record = checked(client, world.ward, xlsx([row, changed(AN, full_name="Nguyễn Văn Ân")]))

    def not_again(*args, **kwargs):
        raise AssertionError("the file was read twice")

    monkeypatch.setattr("members.tasks.read_roster", not_again)
    apply(client, record)

    assert record.state == RosterImport.State.APPLIED, record.error
    assert Member.objects.get(card_number="030405").date_of_birth == dt.date(1990, 2, 3)
    assert Member.objects.get(card_number="010203").full_name == "Nguyễn Văn Ân"
