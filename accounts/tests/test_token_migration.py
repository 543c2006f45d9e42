"""Tokens made before scopes and expiry get an expiry, and every right only when their
user holds a role."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0003_apitoken_scope_expiry_revocation")]
AFTER = [("accounts", "0005_apitoken_expiry_required")]


@pytest.mark.django_db(transaction=True)
def test_old_tokens_expire_in_ninety_days_and_keep_full_rights_only_for_role_holders(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Token = executor.loader.project_state(BEFORE).apps.get_model("accounts", "ApiToken")
    staff = Token.objects.create(user_id=world.secretary.pk, name="a", digest="1" * 64)
    member = Token.objects.create(user_id=world.member_user.pk, name="b", digest="2" * 64)
    admin = Token.objects.create(user_id=world.admin.pk, name="c", digest="3" * 64)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from accounts.models import ApiToken

    scopes = dict(ApiToken.objects.values_list("pk", "scope"))
    assert scopes == {staff.pk: "full", member.pk: "read", admin.pk: "full"}
    soon = timezone.now() + dt.timedelta(days=90)
    for token in ApiToken.objects.all():
        assert abs(token.expires_at - soon) < dt.timedelta(minutes=5)
