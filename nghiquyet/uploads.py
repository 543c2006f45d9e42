"""Uploaded files: size cap, zip-bomb guard, the macro rule and private storage, for every app.

Files are kept under settings.PRIVATE_MEDIA_ROOT with random names, outside any web
root, and only ever served through views that ask the access policy.
"""

import secrets
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from vn.formats import format_decimal, format_int

MB = 1024 * 1024
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100
RATIO_CHECKED_FROM = MB  # small parts (styles, themes) may compress well; they are harmless
MAX_ZIP_ENTRIES = 1_000
CONTENT_TYPES = "[content_types].xml"
# Parts that carry code (VBA projects, ActiveX controls) and the content types that
# declare it (.docm, .xlsm, .dotm …), in lower case; Office treats part names so.
MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")
MACRO_FOLDER = "activex/"
MACRO_TYPES = ("macroenabled", "vbaproject", "activex", "vbadata")


class UploadError(Exception):
    """A problem with an uploaded file; the message is for the user, in Vietnamese."""


def check_size(size: int) -> None:
    limit = settings.MAX_UPLOAD_MB
    if size > limit * MB:
        raise UploadError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": format_decimal(size / MB, 1), "limit": format_int(limit)}
        )
    if size == 0:
        raise UploadError(_("Tệp rỗng."))


def zip_names(file: BinaryIO) -> set[str]:
    """The entry names of an Office package, after refusing archives that would inflate
    out of proportion. Only the central directory is read; zipfile never inflates an
    entry past the size declared there, so bounding those bounds any later reader."""
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise UploadError(_("Tệp bị hỏng, không đọc được.")) from None
    finally:
        file.seek(0)
    bomb = (
        len(entries) > MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED
        or any(
            entry.file_size > RATIO_CHECKED_FROM
            and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
            for entry in entries
        )
    )
    if bomb:
        raise UploadError(_("Tệp nén bất thường (nén quá mức), có thể là tệp độc hại."))
    return {entry.filename for entry in entries}


def office_names(file: BinaryIO) -> set[str]:
    """The entry names of an Office package (DOCX, XLSX), after the zip-bomb guard and
    the macro rule. Every upload path that takes an Office file calls this one function,
    so a file with a VBA project or ActiveX controls is refused wherever it is sent."""
    names = zip_names(file)
    lowered = {name.lower() for name in names}
    coded = any(
        name.rsplit("/", 1)[-1] in MACRO_PARTS
        or name.startswith(MACRO_FOLDER)
        or f"/{MACRO_FOLDER}" in name
        for name in lowered
    )
    if not coded and CONTENT_TYPES in lowered:
        declared = _content_types(file, next(n for n in names if n.lower() == CONTENT_TYPES))
        coded = any(marker in declared for marker in MACRO_TYPES)
    if coded:
        raise UploadError(
            _(
                "Tệp có chứa macro hoặc điều khiển ActiveX, không được nhận. Hãy lưu lại "
                "thành tệp thường (.docx, .xlsx) rồi tải lên."
            )
        )
    return names


def _content_types(file: BinaryIO, name: str) -> str:
    """The package's list of content types, lower-cased; a real one is a few kilobytes."""
    try:
        with zipfile.ZipFile(file) as archive, archive.open(name) as part:
            data = part.read(MB + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError):
        raise UploadError(_("Tệp bị hỏng, không đọc được.")) from None
    finally:
        file.seek(0)
    if len(data) > MB:
        raise UploadError(_("Tệp nén bất thường (nén quá mức), có thể là tệp độc hại."))
    return data.decode("utf-8", "replace").lower()


def store_private(chunks: Iterable[bytes], folder: str, suffix: str) -> str:
    """Save under a random name; returns the path relative to the private root."""
    target = Path(settings.PRIVATE_MEDIA_ROOT) / folder
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{suffix}"
    with (target / name).open("xb") as out:
        for chunk in chunks:
            out.write(chunk)
    return f"{folder}/{name}"


def private_file(stored_path: str, folder: str) -> Path | None:
    """The stored file, only if it lies directly inside `folder`; None when gone."""
    root = (Path(settings.PRIVATE_MEDIA_ROOT) / folder).resolve()
    path = (Path(settings.PRIVATE_MEDIA_ROOT) / stored_path).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path
