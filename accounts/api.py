import math

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from accounts import throttle
from accounts.models import ApiToken, Scope
from accounts.token_use import token_used
from audit.services import audit_record

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The calls a narrow token may make, by method and URL name (nghiquyet/api.py mounts the
# routers; a test checks that every name here exists). A read-only token makes safe
# calls only; a full token makes every call its user's roles allow.
SCOPE_CALLS: dict[str, set[tuple[str, str]]] = {
    Scope.CHECKIN: {("POST", "conference_checkin"), ("GET", "checkin_receipt")},
    Scope.SUBMIT: {("POST", "report_submit"), ("GET", "submission_receipt")},
}
SCOPE_REFUSALS = {
    Scope.READ: "Mã truy cập này chỉ được đọc (GET).",
    Scope.CHECKIN: "Mã truy cập này chỉ dùng để điểm danh.",
    Scope.SUBMIT: "Mã truy cập này chỉ dùng để nộp bài thu hoạch.",
}


class TokensLocked(HttpError):
    """Too many bad tokens from one client; answered 429 with Retry-After."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        minutes = math.ceil(wait / 60)
        super().__init__(
            429, f"Quá nhiều mã truy cập sai từ địa chỉ này. Hãy thử lại sau {minutes} phút."
        )


def scope_allows(scope: str, method: str, url_name: str | None) -> bool:
    if scope == Scope.FULL:
        return True
    if scope == Scope.READ:
        return method in SAFE_METHODS
    return (method, url_name) in SCOPE_CALLS.get(scope, set())


class TokenAuth(HttpBearer):
    """Bearer tokens from /accounts/tokens/; the request then acts as the token's user,
    limited to the token's scope. Unknown, revoked and expired tokens answer 401 and count
    against the client's address (accounts/throttle.py)."""

    def authenticate(self, request, token):
        ip = request.META.get("REMOTE_ADDR")
        wait = throttle.token_wait(ip)
        if wait:
            raise TokensLocked(wait)
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        now = timezone.now()
        if found is None or not found.user.is_active:
            self._refuse(ip, "Mã truy cập không hợp lệ.")
        elif found.revoked_at is not None:
            self._refuse(ip, "Mã truy cập đã bị thu hồi.")
        elif found.expires_at <= now:
            self._refuse(ip, "Mã truy cập đã hết hạn; hãy tạo mã mới.")
        match = request.resolver_match
        if not scope_allows(found.scope, request.method, match.url_name if match else None):
            raise HttpError(403, SCOPE_REFUSALS[found.scope])
        # A write per call would double the cost of a check-in burst: noted in the cache,
        # written in batches, at most once a minute per token.
        token_used(found.pk, ip, now)
        request.user = found.user
        return found.user

    @staticmethod
    def _refuse(ip: str | None, message: str):
        locked = throttle.token_failed(ip)
        if locked:
            audit_record(
                None,
                "api.lockout",
                label=throttle.client_of(ip),
                changes={"seconds": [None, locked]},
            )
        raise HttpError(401, message)
