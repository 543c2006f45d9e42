"""Sign-in events: written to the audit trail and counted by the throttle.

Django's own signals are the hook, so every way in (the sign-in page, the admin's) is
covered. A failed sign-in names an account that may not exist: the entry keeps the name
tried as its label and belongs to that account's unit when there is one. Each checked
failure and each lockout is an entry; attempts refused while locked are only logged.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import policy, throttle
from audit.services import audit_record

logger = logging.getLogger("nghiquyet.security")


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _unit_of_account(username: str) -> int | None:
    user = get_user_model().objects.filter(username=username).first()
    return policy.home_unit_id(user) if user is not None else None


@receiver(user_login_failed, dispatch_uid="accounts.signin_failed")
def signin_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    ip = _ip(request)
    unit = _unit_of_account(username)
    if throttle.login_wait(username, ip):
        # Refused without a password check: logged, not counted (the lock would grow) and
        # not written to the trail, which a locked-out script would otherwise fill forever.
        logger.warning("Sign-in as %r from %s refused: locked", username, ip)
        return
    locked = throttle.login_failed(username, ip)
    audit_record(None, "auth.login_failed", label=username, unit=unit)
    if locked:
        audit_record(
            None, "auth.lockout", label=username, changes={"seconds": [None, locked]}, unit=unit
        )


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    throttle.login_succeeded(user.get_username())
    audit_record(user, "auth.login", user)


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user, "auth.logout", user)
