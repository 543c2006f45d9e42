"""Attaching the PDF or DOCX of a document; every file that is not one is refused."""

import io
import random
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from audit.models import AuditEntry
from documents.models import Attachment
from documents.tests.office_files import docx_bytes, zip_bytes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF 1.4 written by hand: Helvetica, one line of ASCII text."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PROGRAMME_TEXT = "Chuong trinh hanh dong thuc hien Nghi quyet 45-NQ/TW ve tri thuc"


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(PROGRAMME_TEXT))))
    writer.encrypt(user_password="matkhau", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client, document, content: bytes, name: str, content_type="application/octet-stream"):
    return client.post(
        f"/documents/{document.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


def stored_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


def refused(response, settings) -> str:
    """Back on the detail page with an error, and nothing kept."""
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/documents/")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    return response.content.decode()


def test_the_hand_written_pdf_is_a_real_pdf():
    reader = PdfReader(io.BytesIO(pdf_bytes(PROGRAMME_TEXT)), strict=True)
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == PROGRAMME_TEXT


def test_a_pdf_is_stored_privately_and_its_text_extracted(world, client, settings, programme):
    client.force_login(world.clerk)
    content = pdf_bytes(PROGRAMME_TEXT)
    response = upload(client, programme, content, "chuong-trinh-30.pdf")
    assert "Đã tải lên; nội dung đang được trích xuất để tìm kiếm." in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.content_type == PDF
    assert attachment.original_name == "chuong-trinh-30.pdf"
    assert attachment.size == len(content)
    assert attachment.uploaded_by == world.clerk
    assert (attachment.state, attachment.error) == (Attachment.State.DONE, "")
    assert attachment.text == PROGRAMME_TEXT
    [stored] = stored_files(settings)
    assert stored.read_bytes() == content
    assert stored.suffix == ".pdf"
    assert stored.name != "chuong-trinh-30.pdf"
    programme.refresh_from_db()
    assert "ve tri thuc" in programme.search_text
    assert AuditEntry.objects.filter(action="document.attach", actor=world.clerk).count() == 1


def test_a_docx_is_stored_and_its_paragraphs_and_tables_extracted(world, client, programme):
    document = docx.Document()
    document.add_paragraph("Phát huy vai trò của đội ngũ trí thức")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "95% đảng viên được quán triệt"
    out = io.BytesIO()
    document.save(out)
    client.force_login(world.clerk)
    upload(client, programme, out.getvalue(), "Kế hoạch.docx")
    attachment = Attachment.objects.get()
    assert attachment.content_type == DOCX
    assert attachment.state == Attachment.State.DONE
    assert attachment.text == (
        "Phát huy vai trò của đội ngũ trí thức\nChỉ tiêu | 95% đảng viên được quán triệt"
    )


def test_the_type_comes_from_the_content_not_the_name(world, client, programme):
    client.force_login(world.clerk)
    upload(client, programme, pdf_bytes(PROGRAMME_TEXT), "nham-ten.docx", DOCX)
    assert Attachment.objects.get().content_type == PDF


NOT_PDF_OR_DOCX = "Chỉ nhận tệp PDF hoặc DOCX; tệp này không phải như phần mở rộng của nó."


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PNG, "anh-chup.pdf", NOT_PDF_OR_DOCX),
        (random.Random(7).randbytes(4096), "ngau-nhien.pdf", NOT_PDF_OR_DOCX),
        (b"<html><script>alert(1)</script></html>", "trang.pdf", NOT_PDF_OR_DOCX),
        (zip_bytes({"xl/workbook.xml": b"<workbook/>"}), "bang-tinh.docx", NOT_PDF_OR_DOCX),
        (b"PK\x03\x04 not really a zip", "hong.docx", "Tệp bị hỏng, không đọc được."),
    ],
)
def test_a_file_that_is_not_pdf_or_docx_is_refused_with_nothing_stored(
    world, client, settings, programme, content, name, message
):
    client.force_login(world.clerk)
    page = refused(upload(client, programme, content, name), settings)
    assert f"{name}: {message}" in page
    assert "<script>alert(1)</script>" not in page


def test_an_empty_file_is_refused(world, client, settings, programme):
    client.force_login(world.clerk)
    page = refused(upload(client, programme, b"", "rong.pdf"), settings)
    assert "Hãy chọn một tệp PDF hoặc DOCX." in page


def test_no_file_at_all_is_refused(world, client, settings, programme):
    client.force_login(world.clerk)
    response = client.post(f"/documents/{programme.pk}/attachments/", {}, follow=True)
    assert "Hãy chọn một tệp PDF hoặc DOCX." in refused(response, settings)


def test_an_encrypted_pdf_is_kept_but_marked_unreadable(world, client, settings, programme):
    client.force_login(world.clerk)
    response = upload(client, programme, encrypted_pdf_bytes(), "mat-khau.pdf")
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.FAILED
    assert attachment.error == "Tệp PDF được đặt mật khẩu, không đọc được nội dung."
    assert attachment.text == ""
    assert len(stored_files(settings)) == 1
    page = client.get(response.redirect_chain[-1][0]).content.decode()
    assert "Không trích xuất được: Tệp PDF được đặt mật khẩu" in page


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes(PROGRAMME_TEXT)[:200],
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        b"%PDF-" + random.Random(3).randbytes(2000),
    ],
)
def test_a_broken_pdf_is_kept_but_marked_damaged(world, client, programme, content):
    client.force_login(world.clerk)
    upload(client, programme, content, "hong.pdf")
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.FAILED
    assert attachment.error == "Tệp PDF bị hỏng, không đọc được nội dung."
    programme.refresh_from_db()
    assert programme.search_text.startswith("30-CTr/TU")


def test_a_damaged_docx_is_kept_but_marked_damaged(world, client, programme):
    content = zip_bytes({"word/document.xml": b"<not-closed", "[Content_Types].xml": b"<x"})
    client.force_login(world.clerk)
    upload(client, programme, content, "hong.docx")
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.FAILED
    assert attachment.error == "Tệp DOCX bị hỏng, không đọc được nội dung."


def test_a_file_over_the_size_limit_is_refused(world, client, settings, programme):
    settings.MAX_UPLOAD_MB = 1
    content = pdf_bytes(PROGRAMME_TEXT) + b"%" + b"0" * int(1.2 * 1024 * 1024)
    client.force_login(world.clerk)
    page = refused(upload(client, programme, content, "lon.pdf"), settings)
    assert "Tệp quá lớn (1,2 MB); giới hạn là 1 MB." in page


def test_a_file_just_under_the_limit_is_accepted(world, client, settings, programme):
    settings.MAX_UPLOAD_MB = 1
    base = pdf_bytes(PROGRAMME_TEXT)
    content = base + b"%" + b"0" * (1024 * 1024 - len(base) - 1)
    assert len(content) == 1024 * 1024
    client.force_login(world.clerk)
    upload(client, programme, content, "vua.pdf")
    assert Attachment.objects.get().size == 1024 * 1024


def test_the_same_file_twice_is_refused(world, client, settings, programme):
    client.force_login(world.clerk)
    content = docx_bytes("Nội dung")
    upload(client, programme, content, "mot.docx")
    response = upload(client, programme, content, "hai.docx")
    assert "Tệp này đã được đính kèm văn bản." in response.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["mot.docx"]
    assert len(stored_files(settings)) == 1


def test_a_docx_zip_bomb_is_refused(world, client, settings, programme):
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b"\0" * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200 * 1024
    client.force_login(world.clerk)
    page = refused(upload(client, programme, bomb, "bom.docx", DOCX), settings)
    assert "Tệp nén bất thường (nén quá mức), có thể là tệp độc hại." in page


def test_a_docx_with_thousands_of_entries_is_refused(world, client, settings, programme):
    entries = {"word/document.xml": b"<w:document/>"}
    entries |= {f"word/media/{i}.xml": b"x" for i in range(1_100)}
    client.force_login(world.clerk)
    page = refused(upload(client, programme, zip_bytes(entries), "nhieu.docx"), settings)
    assert "Tệp nén bất thường" in page


def test_download_is_always_an_attachment_with_the_sniffed_type(world, client, programme):
    client.force_login(world.clerk)
    content = pdf_bytes(PROGRAMME_TEXT)
    upload(client, programme, content, "chương trình.pdf", "text/html")
    attachment = Attachment.objects.get()
    response = client.get(f"/documents/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''ch%C6%B0%C6%A1ng%20tr%C3%ACnh.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_a_ward_clerk_may_download_the_citys_file_but_not_upload_one(world, client, programme):
    client.force_login(world.clerk)
    upload(client, programme, docx_bytes("Nội dung"), "a.docx")
    attachment = Attachment.objects.get()
    client.force_login(world.ward_clerk)
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 200
    response = client.post(
        f"/documents/{programme.pk}/attachments/",
        {"file": SimpleUploadedFile("b.docx", docx_bytes("Khác"), content_type=DOCX)},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 1


def test_an_outsider_gets_404_on_download_and_upload(world, client, settings, programme):
    client.force_login(world.clerk)
    upload(client, programme, docx_bytes("Nội dung"), "a.docx")
    attachment = Attachment.objects.get()
    client.force_login(world.outsider)
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 404
    response = client.post(
        f"/documents/{programme.pk}/attachments/",
        {"file": SimpleUploadedFile("b.docx", docx_bytes("Khác"), content_type=DOCX)},
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_a_file_gone_from_disk_is_404_not_a_crash(world, client, settings, programme):
    client.force_login(world.clerk)
    upload(client, programme, docx_bytes("Nội dung"), "a.docx")
    attachment = Attachment.objects.get()
    stored_files(settings)[0].unlink()
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 404


def test_a_stored_path_outside_the_folder_is_never_served(world, client, settings, programme):
    client.force_login(world.clerk)
    upload(client, programme, docx_bytes("Nội dung"), "a.docx")
    secret = Path(settings.PRIVATE_MEDIA_ROOT) / "bi-mat.txt"
    secret.write_text("bí mật")
    Attachment.objects.update(stored_path="documents/../bi-mat.txt")
    attachment = Attachment.objects.get()
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 404


def test_downloading_needs_a_login(world, client, programme):
    client.force_login(world.clerk)
    upload(client, programme, docx_bytes("Nội dung"), "a.docx")
    attachment = Attachment.objects.get()
    client.logout()
    response = client.get(f"/documents/attachments/{attachment.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_pdf_locked_only_against_editing_is_read(world, client, programme):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(PROGRAMME_TEXT))))
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    client.force_login(world.clerk)
    upload(client, programme, out.getvalue(), "chi-khoa-sua.pdf")
    attachment = Attachment.objects.get()
    assert (attachment.state, attachment.text) == (Attachment.State.DONE, PROGRAMME_TEXT)
