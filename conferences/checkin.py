"""Rotating, signed QR tokens for checking in at a bridge point.

The screen at a bridge point shows a QR code whose token names the conference and the
bridge point and carries the time it was made, signed with the site's secret. The screen
fetches a fresh one every ROTATE_SECONDS; a token older than MAX_AGE_SECONDS is refused, so
a photo of the screen forwarded to someone at home soon stops working, and each member can
use a given token once.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

import segno
from django.core import signing
from django.utils.translation import gettext as _

SALT = "conferences.checkin"
ROTATE_SECONDS = 20
MAX_AGE_SECONDS = 60


class CheckinError(Exception):
    """Why a check-in was refused; the message is for the member, in Vietnamese.

    `conflict` tells a bad token (fix the request) from a member already checked in."""

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.conflict = conflict


@dataclass(frozen=True)
class Ticket:
    conference_id: int
    bridge_point_id: int
    digest: str  # what is stored with the mark, to refuse a replay
    issued_at: dt.datetime  # when the screen made it; its age is judged on arrival only


def token_make(bridge_point) -> str:
    signer = signing.TimestampSigner(salt=SALT)
    return signer.sign_object({"c": bridge_point.conference_id, "b": bridge_point.pk})


def token_read(token: str, conference_id: int) -> Ticket:
    """The ticket in `token`, or CheckinError saying what is wrong with it."""
    token = (token or "").strip()
    if not token or len(token) > 300:
        raise CheckinError(_("Mã QR không hợp lệ."))
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise CheckinError(
            _("Mã QR đã hết hạn. Hãy quét lại mã đang hiển thị trên màn hình điểm cầu.")
        ) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise CheckinError(_("Mã QR không hợp lệ.")) from None
    if not isinstance(payload, dict) or not {"c", "b"} <= payload.keys():
        raise CheckinError(_("Mã QR không hợp lệ."))
    if payload["c"] != conference_id:
        raise CheckinError(_("Mã QR này thuộc một hội nghị khác."))
    digest = hashlib.sha256(token.encode()).hexdigest()
    issued = signing.b62_decode(token.rsplit(":", 2)[1])
    return Ticket(
        conference_id=payload["c"],
        bridge_point_id=payload["b"],
        digest=digest,
        issued_at=dt.datetime.fromtimestamp(issued, tz=dt.UTC),
    )


def qr_svg(url: str) -> str:
    """An SVG QR code for `url`, sized by the page (no fixed width or height)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=1, border=2, omitsize=True)
    return out.getvalue().decode()
