"""One macro rule for every Office upload: a DOCX or XLSX that carries a VBA project or
ActiveX controls, or declares itself macro-enabled, is refused wherever it is sent."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conferences.tests.attendance_files import filled
from conferences.uploads import attendance_import
from documents.models import Attachment
from documents.tests.office_files import docx_bytes
from members.models import RosterImport
from members.tests.roster_files import newcomer, xlsx
from nghiquyet.uploads import UploadError, office_names
from programmes import services as programmes
from programmes.appendix import read_appendix
from programmes.models import Evidence, Progress
from programmes.tests.appendix_files import boards_add, programme_make, realistic
from programmes.tests.builders import programme_for
from reports.models import Report

REFUSED = "Tệp có chứa macro hoặc điều khiển ActiveX"
DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def with_part(package: bytes, name: str, data: bytes = b"\xd0\xcf\x11\xe0" + bytes(60)) -> bytes:
    """The package with one more part, as Word or Excel adds it when a macro is saved."""
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def declared(package: bytes, main_part: str, content_type: str) -> bytes:
    """The package with its main part declared as `content_type` ([Content_Types].xml)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml":
                text = data.decode()
                start = text.index(f'PartName="/{main_part}"')
                old = text[start:].split('ContentType="', 1)[1].split('"', 1)[0]
                data = text.replace(old, content_type).encode()
            archive.writestr(entry, data)
    return out.getvalue()


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Số thẻ đảng viên", "Tình trạng"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DOCX = docx_bytes("Kế hoạch thực hiện Nghị quyết")
XLSX = workbook_bytes()


@pytest.mark.parametrize(
    "package",
    [
        with_part(DOCX, "word/vbaProject.bin"),
        with_part(DOCX, "word/vbaData.xml", b"<wne:vbaSuppData/>"),
        with_part(DOCX, "word/activeX/activeX1.xml", b"<ax:ocx/>"),
        with_part(DOCX, "word/activeX/activeX1.bin"),
        declared(DOCX, "word/document.xml", DOCM),
        with_part(XLSX, "xl/vbaProject.bin"),
        with_part(XLSX, "xl/activeX/activeX1.xml", b"<ax:ocx/>"),
        with_part(XLSX, "XL/VBAPROJECT.BIN"),
        declared(XLSX, "xl/workbook.xml", XLSM),
    ],
    ids=[
        "docx-vba",
        "docx-vbadata",
        "docx-activex",
        "docx-activex-bin",
        "docm-type",
        "xlsx-vba",
        "xlsx-activex",
        "xlsx-vba-upper-case",
        "xlsm-type",
    ],
)
def test_every_kind_of_office_code_is_refused(package):
    with pytest.raises(UploadError, match=REFUSED):
        office_names(io.BytesIO(package))


def test_plain_documents_and_workbooks_pass_the_rule():
    assert "word/document.xml" in office_names(io.BytesIO(DOCX))
    assert "xl/workbook.xml" in office_names(io.BytesIO(XLSX))


def test_a_list_of_content_types_too_big_to_be_real_is_refused():
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types>" + b" " * (2 * 1024 * 1024))
        archive.writestr("word/document.xml", b"<w:document/>")
    with pytest.raises(UploadError, match="nén quá mức"):
        office_names(package)


def test_a_document_attachment_with_a_macro_is_refused(world, client, settings):
    document = programme_for(world).document
    client.force_login(world.clerk)
    page = client.post(
        reverse("documents:attach", args=[document.pk]),
        {"file": SimpleUploadedFile("ke-hoach.docx", with_part(DOCX, "word/vbaProject.bin"))},
        follow=True,
    ).content.decode()
    assert REFUSED in page
    assert not Attachment.objects.exists()
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "documents").exists()


def test_progress_evidence_with_a_macro_is_refused(world, client):
    programme = programme_for(world)
    task = programmes.task_add(
        world.clerk,
        programme,
        content="Xây dựng kế hoạch chuyển đổi số",
        lead=world.ward,
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    client.force_login(world.secretary)
    page = client.post(
        reverse("programmes:task", args=[task.pk]),
        {
            "form": "progress",
            "p-percent": "60",
            "p-evidence": SimpleUploadedFile(
                "minh-chung.docx", declared(DOCX, "word/document.xml", DOCM)
            ),
        },
    ).content.decode()
    assert REFUSED in page
    assert not Progress.objects.exists() and not Evidence.objects.exists()


def test_a_learning_report_file_with_a_macro_is_refused(world, campaign, client):
    client.force_login(world.member_user)
    page = client.post(
        reverse("reports:upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile("bai.docx", with_part(DOCX, "word/activeX/activeX1.xml"))},
        follow=True,
    ).content.decode()
    assert REFUSED in page
    assert not Report.objects.exists()


def test_a_roster_with_a_macro_is_refused(world, client):
    content = with_part(xlsx([newcomer("030405", "Hoàng Thị Thủy")]), "xl/vbaProject.bin")
    client.force_login(world.clerk)
    page = client.post(
        reverse("members:import", kwargs={"unit_pk": world.ward.pk}),
        {"file": SimpleUploadedFile("danh-sach.xlsx", content)},
    ).content.decode()
    assert REFUSED in page
    assert not RosterImport.objects.exists()


def test_an_attendance_list_with_a_macro_is_refused(world, conference):
    hall = conference.bridge_points.get(is_main=True)
    content = declared(filled(hall, {"010203": "Có mặt"}), "xl/workbook.xml", XLSM)
    with pytest.raises(UploadError, match=REFUSED):
        attendance_import(world.secretary, hall, SimpleUploadedFile("diem-danh.xlsx", content))
    hall.refresh_from_db()
    assert hall.present == 0


def test_an_assignment_appendix_with_a_macro_is_refused(world):
    boards_add(world)
    programme = programme_make(world)
    content = with_part(realistic(), "xl/activeX/activeX1.xml", b"<ax:ocx/>")
    with pytest.raises(UploadError, match=REFUSED):
        read_appendix(SimpleUploadedFile("phu-luc.xlsx", content), programme, world.clerk)


def test_a_progress_sheet_with_a_macro_is_refused(world, client):
    programme = programme_for(world)
    programmes.task_add(
        world.clerk,
        programme,
        content="Nhiệm vụ 1",
        lead=world.ward,
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    client.force_login(world.secretary)
    url = reverse("programmes:progress-sheet", args=[world.ward.pk])
    sheet = with_part(client.get(url).content, "xl/vbaProject.bin")
    page = client.post(
        url, {"file": SimpleUploadedFile("tien-do.xlsx", sheet)}, follow=True
    ).content.decode()
    assert REFUSED in page
    assert not Progress.objects.exists()
