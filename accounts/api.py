import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import ApiToken

LAST_USED_PRECISION = dt.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """Bearer tokens from /accounts/tokens/; the request then acts as the token's user."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # A write per call would double the cost of a check-in burst; minutes are enough.
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
