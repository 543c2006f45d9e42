"""Text out of uploaded PDF and DOCX files, for search and for learning reports.

The one path for every uploaded file: the request only sniffs it (type, size, macros)
and stores it; a job on the `files` queue reads it, and the job hands the file to a
child process (`documents.textreader`) with limits on memory, CPU seconds, wall-clock
time and pages. A file that breaks a limit gets a message; the worker never notices.
"""

import json
import logging
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from documents import textreader
from nghiquyet.uploads import UploadError, office_names
from vn.formats import format_int

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEXT = 2_000_000  # characters kept per file; a whole Party congress report fits
# Jobs that read files have a queue and a worker of their own: a slow file never holds up
# reminders, exports or imports.
FILES_QUEUE = "files"


def sniff_attachment(file) -> str:
    """The content type judged by content, never by the name; raises UploadError."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04") and "word/document.xml" in office_names(file):
        return DOCX
    raise UploadError(_("Chỉ nhận tệp PDF hoặc DOCX; tệp này không phải như phần mở rộng của nó."))


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int  # pages read (PDF)
    total: int  # pages in the file (PDF)

    @property
    def note(self) -> str:
        """What the reader should know about the text: empty unless pages were left."""
        if self.total <= self.pages:
            return ""
        return _("Tệp quá dài: chỉ đọc %(n)s trang đầu trong %(total)s trang.") % {
            "n": format_int(self.pages),
            "total": format_int(self.total),
        }


def extract_text(path: Path, content_type: str) -> Extracted:
    """Plain text of the file, read within the limits of settings.FILE_READING; raises
    UploadError with a Vietnamese reason. Call it from a job, never from a request."""
    limits = settings.FILE_READING
    command = [
        sys.executable,
        "-m",
        "documents.textreader",
        str(path),
        "pdf" if content_type == PDF else "docx",
        str(limits["pages"]),
        str(MAX_TEXT),
        str(limits["memory_mb"]),
        str(limits["cpu_seconds"]),
    ]
    too_slow = UploadError(
        _("Không đọc được trong thời gian cho phép: tệp quá nặng hoặc quá phức tạp.")
    )
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=limits["wall_seconds"],
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child already
        raise too_slow from None
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise too_slow
    if done.returncode == textreader.OUT_OF_MEMORY:
        raise UploadError(_("Tệp cần quá nhiều bộ nhớ để đọc; không đọc được nội dung."))
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else {}
    except ValueError:
        answer = {}
    if "problem" in answer:
        raise UploadError(_problem(answer["problem"], content_type))
    if "text" not in answer:
        logger.error(
            "text reader exited %s on %s: %s", done.returncode, path.name, done.stderr[-2000:]
        )
        raise UploadError(_("Không đọc được nội dung tệp."))
    # A PDF string may hold NULs, which no text column takes (PostgreSQL) nor search needs.
    text = answer["text"].replace("\x00", "")[:MAX_TEXT]
    return Extracted(text, answer["pages"], answer["total"])


def _problem(code: str, content_type: str) -> str:
    if code == textreader.ENCRYPTED:
        return _("Tệp PDF được đặt mật khẩu, không đọc được nội dung.")
    if content_type == PDF:
        return _("Tệp PDF bị hỏng, không đọc được nội dung.")
    return _("Tệp DOCX bị hỏng, không đọc được nội dung.")
