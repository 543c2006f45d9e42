"""Uploaded files: size cap, zip-bomb guard and private storage, for every app.

Files are kept under settings.PRIVATE_MEDIA_ROOT with random names, outside any web
root, and only ever served through views that ask the access policy.
"""

import secrets
import zipfile
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
