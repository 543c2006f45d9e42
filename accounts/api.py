from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import ApiToken


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
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user
