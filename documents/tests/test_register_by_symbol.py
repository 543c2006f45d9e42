"""An office clerk registers a document by typing its symbol the way it is printed."""

import pytest

from documents.models import Document, Kind

PARTY = {"issuer_name": "Thành ủy Hà Nam", "term": "17"}
STATE = {"issuer_name": "Ủy ban nhân dân tỉnh Hà Nam", "term": ""}


def post(client, owner, symbol_raw, **fields):
    data = {
        "owner": owner.pk,
        "symbol_raw": symbol_raw,
        "kind": "",
        "issued_on": "15/03/2024",
        "plenum": "",
        "title": "Về đẩy mạnh chuyển đổi số trong các cơ quan đảng",
        **PARTY,
        **fields,
    }
    return client.post("/documents/new/", data)


def registered(response) -> Document:
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/"
    return document


def test_a_resolution_typed_with_a_stray_space_is_stored_canonical_and_as_typed(world, client):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, "23- NQ/TU"))
    assert document.symbol == "23-NQ/TU"
    assert document.symbol_raw == "23- NQ/TU"
    assert document.kind == Kind.RESOLUTION
    assert (document.number, document.type_code, document.issuer_code) == (23, "NQ", "TU")
    assert document.system == "party"
    assert document.term == 17
    assert document.issued_on.isoformat() == "2024-03-15"
    assert document.owner == world.city
    assert document.created_by == world.clerk


def test_the_detail_page_shows_the_canonical_symbol_and_what_was_typed(world, client):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, "23- NQ/TU"))
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Nghị quyết 23-NQ/TU" in page
    assert "23- NQ/TU" in page  # "Như đã nhập"
    assert "15/03/2024" in page
    assert "Không đọc được số, ký hiệu" not in page


@pytest.mark.parametrize(
    ("typed", "symbol", "kind"),
    [
        ("30-Ctr/TU", "30-CTr/TU", Kind.PROGRAMME),
        ("25-CTr/TƯ", "25-CTr/TW", Kind.PROGRAMME),
        ("12-CTHĐ/TU", "12-CTr/TU", Kind.PROGRAMME),
        ("09-kh/ĐU", "09-KH/ĐU", Kind.PLAN),
        ("05-TT/TU", "05-TT/TU", Kind.PARTY_CIRCULAR),
    ],
)
def test_party_symbols_are_read_leniently_and_name_their_kind(world, client, typed, symbol, kind):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, typed))
    assert (document.symbol, document.symbol_raw, document.kind) == (symbol, typed, kind)


def test_a_state_decision_needs_no_term(world, client):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, "89/QĐ-UBND", **STATE))
    assert document.symbol == "89/QĐ-UBND"
    assert document.kind == Kind.DECISION
    assert document.system == "state"
    assert document.term is None
    assert document.year is None


def test_a_decree_keeps_the_year_written_in_its_symbol(world, client):
    client.force_login(world.clerk)
    document = registered(
        post(client, world.city, "30/2020/NĐ-CP", issuer_name="Chính phủ", term="")
    )
    assert document.symbol == "30/2020/NĐ-CP"
    assert document.kind == Kind.DECREE
    assert (document.year, document.number, document.type_code) == (2020, 30, "NĐ")


def test_a_state_circular_is_a_thong_tu_not_a_party_thong_tri(world, client):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, "05/2020/TT-BNV", **STATE))
    assert document.kind == Kind.CIRCULAR


def test_a_party_qd_without_a_kind_asks_the_clerk_to_choose(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "339-QĐ/TW", issuer_name="Bộ Chính trị")
    assert response.status_code == 200
    assert "Hãy chọn loại văn bản" in response.content.decode()
    assert "Quy định hoặc Quyết định" in response.content.decode()
    assert not Document.objects.exists()


def test_a_party_qd_with_a_chosen_kind_is_registered(world, client):
    client.force_login(world.clerk)
    document = registered(
        post(client, world.city, "339-QĐ/TW", kind=Kind.REGULATION, issuer_name="Bộ Chính trị")
    )
    assert (document.symbol, document.kind) == ("339-QĐ/TW", Kind.REGULATION)


def test_a_party_document_without_a_term_asks_for_the_khoa(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "23-NQ/TU", term="")
    assert response.status_code == 200
    assert "Văn bản của Đảng đánh số theo nhiệm kỳ: hãy nhập khóa." in response.content.decode()
    assert not Document.objects.exists()


def test_no_symbol_and_no_kind_asks_for_the_kind(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "")
    assert response.status_code == 200
    assert "Hãy chọn loại văn bản" in response.content.decode()
    assert not Document.objects.exists()


def test_a_date_in_the_future_is_refused(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "23-NQ/TU", issued_on="01/01/2999")
    assert response.status_code == 200
    assert "Ngày ban hành không được sau ngày hôm nay." in response.content.decode()
    assert not Document.objects.exists()


def test_a_date_in_the_wrong_order_is_refused(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "23-NQ/TU", issued_on="2024/15/03")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_blank_title_is_refused(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "23-NQ/TU", title="   ")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_clerk_cannot_register_for_a_unit_of_another_province(world, client):
    client.force_login(world.clerk)
    response = post(client, world.other, "23-NQ/TU")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_ward_clerk_may_not_register_for_the_city(world, client):
    client.force_login(world.ward_clerk)
    response = post(client, world.city, "23-NQ/TU")
    assert response.status_code == 200
    assert not Document.objects.exists()
    document = registered(post(client, world.ward, "05-KH/ĐU", issuer_name="Đảng ủy phường"))
    assert document.owner == world.ward


def test_an_inspector_cannot_open_the_registration_form(world, client):
    client.force_login(world.inspector)
    assert client.get("/documents/new/").status_code == 403
    assert post(client, world.city, "23-NQ/TU").status_code == 403
    assert not Document.objects.exists()


def test_the_propaganda_board_registers_what_its_campaigns_study_but_not_for_others(world, client):
    client.force_login(world.propaganda)
    document = registered(post(client, world.city, "23-NQ/TU"))
    assert document.owner == world.city
    assert post(client, world.other, "01-NQ/TU").status_code == 200
    assert Document.objects.count() == 1


def test_the_symbol_preview_shows_the_canonical_symbol_and_the_type_name(world, client):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": "23- NQ/TU"}).content.decode()
    assert "<b>23-NQ/TU</b>" in page
    assert "Nghị quyết" in page
    assert "cơ quan TU" in page
    assert "Không đọc được" not in page


@pytest.mark.parametrize(
    ("typed", "canonical", "type_name"),
    [
        ("30-Ctr/TU", "30-CTr/TU", "Chương trình hành động"),
        ("25-CTr/TƯ", "25-CTr/TW", "Chương trình hành động"),
        ("89/QĐ-UBND", "89/QĐ-UBND", "Quyết định"),
        ("30/2020/NĐ-CP", "30/2020/NĐ-CP", "Nghị định"),
    ],
)
def test_the_symbol_preview_reads_each_family(world, client, typed, canonical, type_name):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": typed}).content.decode()
    assert f"<b>{canonical}</b> — {type_name}" in page


def test_the_symbol_preview_shows_the_year_of_a_decree(world, client):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": "30/2020/NĐ-CP"}).content.decode()
    assert "năm 2020" in page


def test_the_symbol_preview_asks_to_choose_the_kind_of_a_party_qd(world, client):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": "339-QĐ/TW"}).content.decode()
    assert "Quy định / Quyết định" in page
    assert "hãy chọn loại văn bản" in page


def test_the_symbol_preview_warns_about_unreadable_text(world, client):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": "số abc/xyz"}).content.decode()
    assert "Không đọc được số, ký hiệu này; văn bản vẫn được lưu như đã nhập." in page
    assert "<b>" not in page


def test_the_symbol_preview_says_nothing_about_an_empty_field(world, client):
    client.force_login(world.clerk)
    page = client.get("/documents/symbol/", {"symbol_raw": "   "}).content.decode()
    assert "Không đọc được" not in page
    assert "Đọc được" not in page


def test_the_symbol_preview_needs_a_login(client):
    response = client.get("/documents/symbol/", {"symbol_raw": "23-NQ/TU"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_edit_page_does_not_call_a_readable_symbol_unreadable(world, client):
    client.force_login(world.clerk)
    document = registered(post(client, world.city, "23-NQ/TU"))
    page = client.get(f"/documents/{document.pk}/edit/").content.decode()
    assert 'value="23-NQ/TU"' in page
    assert "Không đọc được số, ký hiệu này" not in page
