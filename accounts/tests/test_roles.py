from accounts import policy
from accounts.models import RoleGrant
from accounts.policy import Action
from audit.models import AuditEntry


def test_a_secretary_grants_a_role_within_their_committee(world, client):
    from accounts.models import User

    newcomer = User.objects.create_user("tuyengiao_lamha", password="pw")
    client.force_login(world.secretary)
    response = client.post(
        f"/accounts/roles/unit/{world.cell.pk}/",
        {"username": "tuyengiao_lamha", "role": "propaganda"},
    )
    assert response.status_code == 302
    assert policy.can(newcomer, Action.VIEW, world.cell)
    assert not policy.can(newcomer, Action.VIEW, world.cell2)
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor == world.secretary and entry.changes["role"] == [None, "propaganda"]


def test_granting_twice_or_to_nobody_explains_why(world, client):
    grants = RoleGrant.objects.count()
    client.force_login(world.secretary)
    body = client.post(
        f"/accounts/roles/unit/{world.ward.pk}/", {"username": "bithu", "role": "committee"}
    ).content.decode()
    assert "đã có vai trò" in body
    body = client.post(
        f"/accounts/roles/unit/{world.ward.pk}/", {"username": "khongai", "role": "committee"}
    ).content.decode()
    assert "Không có người dùng" in body
    assert RoleGrant.objects.count() == grants


def test_an_office_clerk_cannot_grant_roles(world, client):
    client.force_login(world.clerk)
    assert client.get(f"/accounts/roles/unit/{world.ward.pk}/").status_code == 403


def test_revoking_a_grant_takes_effect_at_once(world, client):
    grant = RoleGrant.objects.get(user=world.ward_clerk)
    client.force_login(world.secretary)
    assert client.post(f"/accounts/roles/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    client.force_login(world.ward_clerk)
    assert client.get(f"/units/{world.ward.pk}/").status_code == 404


def test_api_tokens_act_as_their_user(world, client):
    client.force_login(world.secretary)
    body = client.post("/accounts/tokens/", {"name": "bảng tính"}).content.decode()
    raw = body.split('id="new-token">')[1].split("<")[0]
    response = client.get(f"/api/v1/units/{world.ward.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["member_total"] == 2
    assert (
        client.get(f"/api/v1/units/{world.city.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/units/{world.ward.pk}", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 401
    )
    client.post("/accounts/tokens/", {"revoke": "abc"})  # malformed: ignored, no error
    assert client.get("/accounts/tokens/").status_code == 200
