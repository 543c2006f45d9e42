"""Signing in and out is in the audit trail, with the address, under the person's unit."""

from audit.models import AuditEntry


def test_signing_in_and_out_is_recorded_with_the_address(world, client):
    response = client.post(
        "/accounts/login/", {"username": "bithu", "password": "pw"}, REMOTE_ADDR="10.4.4.4"
    )
    assert response.status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="10.4.4.5")
    login = AuditEntry.objects.get(action="auth.login")
    assert (login.actor, login.ip, login.organization) == (world.secretary, "10.4.4.4", world.ward)
    logout = AuditEntry.objects.get(action="auth.logout")
    assert (logout.actor, logout.ip) == (world.secretary, "10.4.4.5")


def test_a_members_sign_in_belongs_to_their_cell(world, client):
    client.post("/accounts/login/", {"username": "an", "password": "pw"})
    assert AuditEntry.objects.get(action="auth.login").organization == world.cell
