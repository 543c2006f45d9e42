"""Granting and revoking roles. The grantor's own scope is checked by the caller's policy."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import RoleGrant
from audit.services import audit_record


@transaction.atomic
def role_grant(actor, *, user, organization, role: str) -> RoleGrant:
    if not organization.is_open:
        raise ValidationError(_("Không thể phân quyền trên đơn vị đã đóng."))
    if RoleGrant.objects.active().filter(user=user, organization=organization, role=role).exists():
        raise ValidationError(_("Người dùng này đã có vai trò đó tại đơn vị."))
    grant = RoleGrant.objects.create(
        user=user, organization=organization, role=role, granted_by=actor
    )
    audit_record(
        actor, "role.grant", organization, {"user": [None, user.username], "role": [None, role]}
    )
    policy.forget(user)
    return grant


@transaction.atomic
def role_revoke(actor, grant: RoleGrant) -> None:
    if grant.revoked_at is not None:
        return
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        actor,
        "role.revoke",
        grant.organization,
        {"user": [grant.user.username, None], "role": [grant.role, None]},
    )
    policy.forget(grant.user)
