"""Granting and revoking roles, issuing and revoking API tokens. Every rule on who may do
it lives in accounts.policy; these functions ask it and write the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import ApiToken, RoleGrant
from audit.services import audit_record


def grant_refused() -> ValidationError:
    # One answer for every refusal, so the form never tells whether an account exists,
    # belongs to another subtree or is the grantor's own.
    return ValidationError(
        _("Không thể cấp vai trò này cho người đã chọn tại đơn vị này."), code="refused"
    )


@transaction.atomic
def role_grant(actor, *, user, organization, role: str) -> RoleGrant:
    if not policy.may_grant(actor, user, role, organization):
        raise grant_refused()
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
    if not policy.may_revoke(actor, grant):
        raise ValidationError(
            _("Bạn không thể thu hồi quyền này; việc đó thuộc cấp trên."), code="refused"
        )
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        actor,
        "role.revoke",
        grant.organization,
        {"user": [grant.user.username, None], "role": [grant.role, None]},
    )
    policy.forget(grant.user)


@transaction.atomic
def token_issue(actor, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for the actor; its raw value is returned once and never stored."""
    if scope not in policy.token_scopes_for(actor):
        raise ValidationError({"scope": _("Tài khoản của bạn không được tạo mã với phạm vi này.")})
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(
            {"days": _("Thời hạn từ 1 đến %(n)s ngày.") % {"n": ApiToken.MAX_DAYS}}
        )
    token, raw = ApiToken.issue(actor, name, scope=scope, days=days)
    audit_record(
        actor,
        "token.issue",
        token,
        {
            "name": [None, token.name],
            "scope": [None, token.scope],
            "expires_at": [None, token.expires_at.isoformat()],
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(actor, token: ApiToken) -> None:
    """Revoke one of the actor's tokens; the row stays, marked, for the audit trail."""
    if token.user_id != actor.pk or token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor, "token.revoke", token, {"revoked_at": [None, token.revoked_at.isoformat()]})
