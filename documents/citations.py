"""How a generated text cites a registered document: "Nghị quyết số 23-NQ/TU ngày
01/09/2025 của Thành ủy Hà Nam về chuyển đổi số". The type is said once even when the
title repeats it, the title becomes the subject ("về …"), and the issuer is left out when
it is the unit the sentence is already about."""

import re

from documents.models import Document, Kind
from vn.formats import format_date

# A title naming the meeting that issued the document ("Hội nghị lần thứ 12 Ban Chấp
# hành …") stands where the issuer would: "… của Hội nghị lần thứ 12 …".
_MEETING = re.compile(
    r"^(?:hội nghị|đại hội|ban chấp hành|ban thường vụ|bộ chính trị|ban bí thư)\b", re.I
)
# Titles that already say how they relate to their subject take no "về".
_OWN_VERB = re.compile(r"^(?:về|thực hiện|triển khai|tổ chức|quán triệt)\b", re.I)


def _lower_first(text: str) -> str:
    """ "Chuyển đổi số" -> "chuyển đổi số", but "Hà Nội …" and "UBND …" stay."""
    words = text.split()
    if not words or words[0].isupper() and len(words[0]) > 1:
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]


def cite(document: Document, *, subject: str = "", titled: bool = True) -> str:
    kind = str(document.get_kind_display()) if document.kind != Kind.OTHER else "Văn bản"
    parts = [kind]
    if document.display_symbol:
        parts.append(f"số {document.display_symbol}")
    if document.issued_on:
        parts.append(f"ngày {format_date(document.issued_on)}")
    title = " ".join((document.title or "").split()).rstrip(" .;") if titled else ""
    if title.casefold().startswith(kind.casefold() + " "):
        title = title[len(kind) + 1 :]
    issuer = " ".join((document.issuer_name or "").split())
    if _MEETING.match(title):
        return " ".join([*parts, f"của {title}"])
    if issuer and issuer.casefold() != subject.casefold():
        parts.append(f"của {issuer}")
    if title:
        title = _lower_first(title)
        parts.append(title if _OWN_VERB.match(title) else f"về {title}")
    return " ".join(parts)
