"""Text out of uploaded PDF and DOCX files, for search."""

from pathlib import Path

from django.utils.translation import gettext as _

from nghiquyet.uploads import UploadError, zip_names

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEXT = 2_000_000  # characters kept per file; a whole Party congress report fits


def sniff_attachment(file) -> str:
    """The content type judged by content, never by the name; raises UploadError."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04") and "word/document.xml" in zip_names(file):
        return DOCX
    raise UploadError(_("Chỉ nhận tệp PDF hoặc DOCX; tệp này không phải như phần mở rộng của nó."))


def extract_text(path: Path, content_type: str) -> str:
    """Plain text of the file; raises UploadError with a Vietnamese reason."""
    text = _pdf(path) if content_type == PDF else _docx(path)
    # A PDF string may hold NULs, which no text column takes (PostgreSQL) nor search needs.
    return text.replace("\x00", "")[:MAX_TEXT]


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        # An empty owner password is common and harmless; anything else is locked.
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadError(_("Tệp PDF được đặt mật khẩu, không đọc được nội dung."))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except UploadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise UploadError(_("Tệp PDF bị hỏng, không đọc được nội dung.")) from None
    except Exception as error:  # pypdf raises many kinds for damaged or exotic files
        if "crypt" in type(error).__name__.lower() or "AES" in str(error):
            raise UploadError(_("Tệp PDF được đặt mật khẩu, không đọc được nội dung.")) from None
        raise UploadError(_("Tệp PDF bị hỏng, không đọc được nội dung.")) from None


def _docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises KeyError, ValueError, lxml errors…
        raise UploadError(_("Tệp DOCX bị hỏng, không đọc được nội dung.")) from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(part for part in parts if part.strip())
