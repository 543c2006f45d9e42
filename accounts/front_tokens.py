"""API tokens the front doors (nghiquyet/front.py: the check-in's, the submission's) may
accept without Django, kept in the shared cache by digest.

An entry is (token id, user id, expiry as a Unix time, scope) for a usable token whose
user is active, or NOT_HERE for any other digest: such a call goes to Django, which gives
every refusal its words. Each door asks `accounts.api.scope_allows` of the scope, as
Django's authentication does. A change to a token or to a user puts NOT_HERE
in its place at once and again once the change is committed, for a few seconds: a front
door that read the row just before cannot put the old entry back (entries are `add`ed),
and the next miss reads the row as it is now.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import ApiToken, User

SECONDS = 300  # an entry's life; a change is seen at once all the same
FORGOTTEN_SECONDS = 10
NOT_HERE = 0


def key(digest: str) -> str:
    return f"nq:apitoken:{digest}"


def entry(token_id, user_id, scope, expires_at, revoked_at, user_active):
    """What the cache keeps for a token row as the database has it."""
    usable = revoked_at is None and expires_at.timestamp() > time.time()
    if not usable or not user_active:
        return NOT_HERE
    return (token_id, user_id, expires_at.timestamp(), scope)


def _forget(digests) -> None:
    digests = list(digests)
    if not digests:
        return

    def forget():
        cache.set_many({key(digest): NOT_HERE for digest in digests}, FORGOTTEN_SECONDS)

    forget()
    transaction.on_commit(forget)


def _token_changed(sender, instance: ApiToken, created=False, **kwargs) -> None:
    if not created:
        _forget([instance.digest])


def _user_changed(sender, instance: User, created=False, update_fields=None, **kwargs) -> None:
    if not created and update_fields != frozenset({"last_login"}):  # not a sign-in
        _forget(ApiToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))


post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="front-token-saved")
post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="front-token-deleted")
post_save.connect(_user_changed, sender=User, dispatch_uid="front-token-user-saved")
post_delete.connect(_user_changed, sender=User, dispatch_uid="front-token-user-deleted")
