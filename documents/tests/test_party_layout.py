"""Every DOCX and PDF the system writes is one a clerk can sign (guidance 36-HD/VPTW): the
masthead names the Party body above and the issuing committee, the number, the Party's
name and the place-and-date line; the signature block and the recipients close it; the
PDF carries what the DOCX carries, sections II and III included, and no name in the
masthead wraps."""

import datetime as dt
import io
import re

import docx
import pytest
from pypdf import PdfReader

from conferences.exports import attendance_pdf
from organizations.models import Organization
from programmes.letters import urging_letter
from programmes.models import Task
from programmes.tests.builders import document_for
from reporting import services
from reporting.exporters import exporter_for
from reporting.models import Kind, Snapshot

pytestmark = pytest.mark.django_db
ISSUED_ON = dt.date(2026, 6, 5)
LIMITATIONS = "Một số chi bộ tổ chức hội nghị chậm; nguyên nhân do cấp ủy chưa sát sao."
DIRECTIONS = "Tiếp tục đôn đốc đảng viên hoàn thành bài thu hoạch; tổ chức học bù."
MASTHEAD_LEFT = ["ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG ĐỊNH LONG", "*"]
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
DATE_LINE = "Định Long, ngày 05 tháng 06 năm 2026"


@pytest.fixture
def dinh_long(world):
    """The ward of the city of Hà Nội whose reports the trust review read."""
    Organization.objects.filter(pk=world.city.pk).update(name="Thành ủy Hà Nội")
    Organization.objects.filter(pk=world.ward.pk).update(name="Đảng bộ phường Định Long")
    world.city.refresh_from_db()
    world.ward.refresh_from_db()
    return world.ward


def _report(world, kind, campaign, **extra) -> Snapshot:
    subject = {"campaign": campaign} if kind in (Kind.CAMPAIGN, Kind.SIX_MONTH) else {}
    if kind != Kind.CAMPAIGN:
        subject["document"] = document_for(world)
    snapshot = services.snapshot_draft(
        world.secretary,
        world.ward,
        kind=kind,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 1),
        title="Kết quả học tập, quán triệt và thực hiện Nghị quyết số 23-NQ/TU",
        symbol="52-BC/ĐU",
        place="Định Long",
        signer="Nguyễn Văn Hùng",
        **subject,
    )
    services.snapshot_edit(
        world.secretary, snapshot, limitations=LIMITATIONS, directions=DIRECTIONS, **extra
    )
    return services.snapshot_issue(world.secretary, snapshot, issued_on=ISSUED_ON)


def _texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def _docx_text(document) -> list[str]:
    """Every paragraph, in the body and in table cells, in reading order."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(p.text for p in cell.paragraphs)
    return [" ".join(text.split()) for text in out if text.strip()]


def _pdf_lines(data: bytes) -> list[str]:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return [" ".join(line.split()) for page in pages for line in page.splitlines()]


def _flat(lines: list[str]) -> str:
    # Page numbers stand on their own line at the top of every page after the first.
    return " ".join(line for line in lines if not line.isdigit())


def _signature_table(document):
    return next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)


def _assert_pdf_masthead(lines: list[str], *extra: str) -> None:
    for expected in [*MASTHEAD_LEFT[:2], PARTY, DATE_LINE, *extra]:
        assert any(expected in line for line in lines), (expected, lines[:12])


@pytest.mark.parametrize("kind", Kind.values)
def test_every_report_kind_is_signed_off_in_docx_and_pdf_alike(
    world, dinh_long, campaign, conference, kind
):
    snapshot = _report(world, kind, campaign)
    document = _docx(exporter_for(kind, "docx").build(snapshot, lambda done, total: None))
    left, right = document.tables[0].rows[0].cells
    assert _texts(left) == [*MASTHEAD_LEFT, "Số 52-BC/ĐU"]
    assert not left.paragraphs[0].runs[0].bold and left.paragraphs[1].runs[0].bold
    assert _texts(right) == [PARTY, DATE_LINE]
    party = right.paragraphs[0].runs[0]
    assert party.bold and party.underline
    assert all(run.italic for run in right.paragraphs[-1].runs)
    body = [p.text for p in document.paragraphs if p.text.strip()]
    assert body[:2] == ["BÁO CÁO", snapshot.title]
    limits = body.index("II. HẠN CHẾ, NGUYÊN NHÂN")
    assert body[limits + 1] == LIMITATIONS
    assert body[body.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI") + 1] == DIRECTIONS
    recipients, signature = _signature_table(document).rows[0].cells
    assert _texts(signature) == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Văn Hùng"]
    assert _texts(recipients) == ["Nơi nhận:", "- Thành ủy Hà Nội (để báo cáo),", "- Lưu VP."]

    lines = _pdf_lines(exporter_for(kind, "pdf").build(snapshot, lambda done, total: None))
    _assert_pdf_masthead(lines, "Số 52-BC/ĐU", "T/M ĐẢNG ỦY", "Nguyễn Văn Hùng", "- Lưu VP.")
    flat = _flat(lines)
    assert f"II. HẠN CHẾ, NGUYÊN NHÂN {LIMITATIONS}" in flat
    assert f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI {DIRECTIONS}" in flat
    missing = [text for text in _docx_text(document) if text not in flat]
    assert not missing  # the PDF carries every line of the DOCX


def test_a_deputy_signs_for_the_secretary(world, dinh_long, campaign):
    snapshot = _report(world, Kind.CAMPAIGN, campaign, signs_as=Snapshot.SignsAs.DEPUTY)
    document = _docx(exporter_for(Kind.CAMPAIGN, "docx").build(snapshot, lambda d, t: None))
    signature = _signature_table(document).rows[0].cells[1]
    assert _texts(signature) == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ", "Nguyễn Văn Hùng"]
    lines = _pdf_lines(exporter_for(Kind.CAMPAIGN, "pdf").build(snapshot, lambda d, t: None))
    assert "K/T BÍ THƯ" in _flat(lines) and "PHÓ BÍ THƯ" in _flat(lines)


def test_the_urging_letter_in_docx_and_pdf(world, dinh_long):
    document = document_for(world)
    tasks = [
        Task(
            pk=1,
            content="Số hóa hồ sơ đảng viên",
            lead=world.cell,
            document=document,
            deadline=dt.date(2026, 5, 1),
        )
    ]
    letter = _docx(urging_letter(world.ward, tasks, ISSUED_ON))
    left, right = letter.tables[0].rows[0].cells
    assert _texts(left) == [
        *MASTHEAD_LEFT,
        "Số       -CV/ĐU",
        "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
    ]
    assert _texts(right) == [PARTY, DATE_LINE]
    recipients, signature = _signature_table(letter).rows[0].cells
    assert _texts(signature) == ["T/M ĐẢNG ỦY", "BÍ THƯ", "(Ký, ghi rõ họ tên)"]
    assert _texts(recipients) == ["Nơi nhận:", "- Như trên,", "- Lưu VP."]

    lines = _pdf_lines(urging_letter(world.ward, tasks, ISSUED_ON, fmt="pdf"))
    _assert_pdf_masthead(lines, "V/v đôn đốc thực hiện nhiệm vụ quá hạn", "T/M ĐẢNG ỦY")
    assert any(re.search(r"Số\s+-CV/ĐU", line) for line in lines)
    flat = _flat(lines)
    missing = [text for text in _docx_text(letter) if " ".join(text.split()) not in flat]
    assert missing == ["Số -CV/ĐU"] or not missing


def test_the_attendance_sheet_has_the_masthead_and_the_chairs_signature(
    world, dinh_long, conference
):
    from conferences import services as conferences

    conferences.conference_update(
        world.secretary, conference, chair="Nguyễn Văn Hùng", chair_title="Bí thư Đảng ủy phường"
    )
    hall = conference.bridge_points.get(is_main=True)
    lines = _pdf_lines(attendance_pdf(hall))
    day = conference.starts_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    date_line = f"Định Long, ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    for expected in [*MASTHEAD_LEFT[:2], PARTY, date_line, "NGƯỜI CHỦ TRÌ", "Nguyễn Văn Hùng"]:
        assert any(expected in line for line in lines), (expected, lines[:12])


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "Đảng bộ Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam phường Định Long",
            ["ĐẢNG ỦY CƠ QUAN ỦY BAN", "MẶT TRẬN TỔ QUỐC VIỆT NAM", "PHƯỜNG ĐỊNH LONG"],
        ),
        ("Đảng ủy Khối các cơ quan Trung ương", ["ĐẢNG ỦY KHỐI CÁC CƠ QUAN", "TRUNG ƯƠNG"]),
        ("Đảng bộ phường Định Long", ["ĐẢNG ỦY PHƯỜNG ĐỊNH LONG"]),
    ],
)
def test_a_long_name_is_broken_between_the_parts_of_the_name_never_inside_one(world, name, lines):
    from documents import layout

    unit = Organization.objects.get(pk=world.ward.pk)
    unit.name = name
    masthead = layout.masthead_for(unit, "Định Long", ISSUED_ON, "Số 01-BC/ĐU")
    assert [line.text for line in masthead.issuer] == lines
    widest = max(layout.text_mm(line.text, line.size, bold=True) for line in masthead.issuer)
    assert widest <= layout.HEAD_MM[0] - 1


def test_the_signature_never_stands_alone_on_a_page(world, dinh_long, campaign):
    snapshot = _report(world, Kind.CAMPAIGN, campaign)
    document = _docx(exporter_for(Kind.CAMPAIGN, "docx").build(snapshot, lambda d, t: None))
    last = next(p for p in document.paragraphs if p.text == DIRECTIONS)  # then the signature
    assert last.paragraph_format.keep_with_next
    signature = _signature_table(document).rows[0]
    assert signature._tr.trPr is not None and "cantSplit" in signature._tr.trPr.xml


def test_a_city_committee_reports_and_urges_with_nothing_above_it_in_docx_and_pdf(
    world, dinh_long, campaign
):
    snapshot = services.snapshot_draft(
        world.clerk,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 1),
        title="Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU",
        symbol="105-BC/TU",
        place="Hà Nội",
        signer="Trần Văn Bình",
    )
    services.snapshot_edit(world.clerk, snapshot, limitations=LIMITATIONS, directions=DIRECTIONS)
    snapshot = services.snapshot_issue(world.clerk, snapshot, issued_on=ISSUED_ON)
    document = _docx(exporter_for(Kind.CAMPAIGN, "docx").build(snapshot, lambda d, t: None))
    city_date = "Hà Nội, ngày 05 tháng 06 năm 2026"
    left, right = document.tables[0].rows[0].cells
    assert _texts(left) == ["THÀNH ỦY HÀ NỘI", "*", "Số 105-BC/TU"]
    assert left.paragraphs[0].runs[0].bold  # the issuer itself, with no body above it
    assert _texts(right) == [PARTY, city_date]
    recipients, signature = _signature_table(document).rows[0].cells
    assert _texts(signature) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Trần Văn Bình"]
    assert _texts(recipients) == ["Nơi nhận:", "- Lưu VP."]
    lines = _pdf_lines(exporter_for(Kind.CAMPAIGN, "pdf").build(snapshot, lambda d, t: None))
    assert lines[:5] == ["THÀNH ỦY HÀ NỘI", "*", "Số 105-BC/TU", PARTY, city_date]
    flat = _flat(lines)
    assert "T/M BAN THƯỜNG VỤ BÍ THƯ" in flat and "Trần Văn Bình" in flat
    assert "ĐẢNG BỘ THÀNH PHỐ" not in flat

    tasks = [
        Task(
            pk=1,
            content="Số hóa hồ sơ đảng viên",
            lead=world.ward,
            document=document_for(world),
            deadline=dt.date(2026, 5, 1),
        )
    ]
    letter = _pdf_lines(urging_letter(world.city, tasks, ISSUED_ON, fmt="pdf"))
    assert letter[:2] == ["THÀNH ỦY HÀ NỘI", "*"]
    assert re.fullmatch(r"Số\s+-CV/TU", letter[2])
    assert letter[3:6] == ["V/v đôn đốc thực hiện nhiệm vụ quá hạn", PARTY, city_date]
    assert "T/M BAN THƯỜNG VỤ BÍ THƯ (Ký, ghi rõ họ tên)" in _flat(letter)


def test_a_reader_who_chose_english_still_issues_vietnamese_documents(world, dinh_long, campaign):
    """A Party document is written in Vietnamese whatever language its clerk reads the
    pages in: the figures collected into the draft, the report and the urging letter."""
    from django.utils import translation

    with translation.override("en"):
        snapshot = _report(world, Kind.CAMPAIGN, campaign)
        report = _docx(exporter_for(Kind.CAMPAIGN, "docx").build(snapshot, lambda d, t: None))
        task = Task(
            pk=1, content="Số hóa hồ sơ", lead=world.cell, document=document_for(world),
            deadline=dt.date(2026, 5, 1),
        )  # fmt: skip
        letter = _docx(urging_letter(world.ward, [task], ISSUED_ON))
    assert _texts(_signature_table(report).rows[0].cells[1])[0] == "T/M ĐẢNG ỦY"
    assert _texts(_signature_table(letter).rows[0].cells[1])[0] == "T/M ĐẢNG ỦY"
    assert snapshot.figures["committee"] == "Đảng ủy"
    assert all("comrade" not in sentence for sentence in snapshot.figures.get("phrases", []))
