"""Tokens made before scopes and expiry: they expire 90 days after this migration (time
to make new ones), and keep every right only if their user holds a role or is a
superuser; a plain member's old token becomes read-only (a member makes a check-in or
submission token anew)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

GRACE = dt.timedelta(days=90)


def scope_and_expire(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + GRACE)
    staff = RoleGrant.objects.filter(revoked_at__isnull=True).values("user_id")
    ApiToken.objects.filter(user__in=staff).update(scope="full")
    ApiToken.objects.filter(user__is_superuser=True).update(scope="full")


def unscope(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    # Before scopes every token carried every right of its user.
    ApiToken.objects.update(scope="full")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_apitoken_scope_expiry_revocation")]

    operations = [migrations.RunPython(scope_and_expire, unscope)]
