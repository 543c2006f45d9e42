"""Text of a learning report uploaded as DOCX or PDF, read in the request (reports are
a few pages; the cap keeps it so)."""

import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from documents.extraction import extract_text, sniff_attachment
from nghiquyet.uploads import MB, UploadError

MAX_FILE = 10 * MB


def text_of_upload(upload) -> str:
    """The plain text of an uploaded report; raises UploadError with the reason."""
    if upload.size > MAX_FILE:
        raise UploadError(
            _("Tệp quá lớn; bài thu hoạch tải lên tối đa %(n)s MB.") % {"n": MAX_FILE // MB}
        )
    if upload.size == 0:
        raise UploadError(_("Tệp rỗng."))
    content_type = sniff_attachment(upload)
    with tempfile.NamedTemporaryFile(suffix=".bin") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        text = extract_text(Path(copy.name), content_type).text
    if not text.strip():
        raise UploadError(
            _(
                "Không đọc được chữ trong tệp (có thể chỉ có hình ảnh hoặc bản quét). "
                "Hãy gõ nội dung vào các ô bên dưới."
            )
        )
    return text
