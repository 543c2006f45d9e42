"""API tokens: chosen scope and expiry, refused once expired or revoked, a record kept of
each, the last use shown, and no full-rights token for a plain member."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.api import SCOPE_CALLS
from accounts.models import ApiToken, Scope
from audit.models import AuditEntry


def issue(client, **fields):
    body = client.post("/accounts/tokens/", {"name": "máy tính bảng", **fields}).content.decode()
    return body.split('id="new-token">')[1].split("<")[0] if 'id="new-token">' in body else body


def call(client, raw, path, ip="10.0.0.1"):
    return client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=ip)


def test_a_token_gets_the_chosen_scope_and_expiry_and_is_recorded(world, client):
    client.force_login(world.secretary)
    raw = issue(client, scope="read", days="30")
    token = ApiToken.objects.get()
    assert token.scope == "read" and token.digest == ApiToken.hash(raw)
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(
        minutes=1
    )
    entry = AuditEntry.objects.get(action="token.issue")
    assert entry.actor == world.secretary and entry.changes["scope"] == [None, "read"]
    assert entry.organization == world.ward


def test_the_default_expiry_is_ninety_days_and_a_year_is_the_most(world, client):
    client.force_login(world.secretary)
    page = client.get("/accounts/tokens/").content.decode()
    assert '<option value="90" selected>' in page
    assert "không phải là một trong" in issue(client, scope="read", days="400")
    assert not ApiToken.objects.exists()


def test_a_plain_member_cannot_mint_a_full_rights_token(world, client):
    client.force_login(world.member_user)
    page = client.get("/accounts/tokens/").content.decode()
    assert '<option value="submit"' in page and '<option value="checkin"' in page
    assert '<option value="full"' not in page
    issue(client, scope="full", days="90")
    assert not ApiToken.objects.exists()
    client.force_login(world.clerk)
    assert '<option value="full"' in client.get("/accounts/tokens/").content.decode()


def test_expired_revoked_and_unknown_tokens_are_refused(world, client):
    _t, expired = ApiToken.issue(world.clerk, "cũ", scope=Scope.READ, days=1)
    ApiToken.objects.filter(user=world.clerk).update(expires_at=timezone.now())
    response = call(client, expired, f"units/{world.city.pk}")
    assert response.status_code == 401 and "hết hạn" in response.json()["detail"]
    token, revoked = ApiToken.issue(world.clerk, "thu hồi", scope=Scope.READ)
    client.force_login(world.clerk)
    client.post("/accounts/tokens/", {"revoke": token.pk})
    response = call(client, revoked, f"units/{world.city.pk}")
    assert response.status_code == 401 and "thu hồi" in response.json()["detail"]
    assert call(client, "nq_khong_co", f"units/{world.city.pk}").status_code == 401


def test_revoking_keeps_the_token_on_record(world, client):
    token, _raw = ApiToken.issue(world.clerk, "bảng tính", scope=Scope.READ)
    client.force_login(world.clerk)
    client.post("/accounts/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.object_id == str(token.pk) and entry.actor == world.clerk
    page = client.get("/accounts/tokens/").content.decode()
    assert "Đã thu hồi" in page and "bảng tính" in page
    client.force_login(world.secretary)
    client.post("/accounts/tokens/", {"revoke": token.pk})  # not theirs: nothing happens
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_the_tokens_page_shows_when_and_where_a_token_was_last_used(world, client):
    _t, raw = ApiToken.issue(world.clerk, "bảng tính", scope=Scope.READ)
    assert call(client, raw, f"units/{world.city.pk}", ip="10.7.7.7").status_code == 200
    client.force_login(world.clerk)
    page = client.get("/accounts/tokens/").content.decode()
    assert "10.7.7.7" in page and "chưa dùng" not in page


def test_a_read_only_token_reads_but_never_writes(world, client, conference):
    _t, raw = ApiToken.issue(world.member_user, "đọc", scope=Scope.READ)
    assert call(client, raw, f"conferences/{conference.pk}").status_code == 200
    response = client.post(
        f"/api/v1/conferences/{conference.pk}/checkin",
        {"token": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and "chỉ được đọc" in response.json()["detail"]


def test_a_check_in_token_only_checks_in(world, client, conference, campaign):
    from conferences import checkin

    _t, raw = ApiToken.issue(world.member_user, "điểm danh", scope=Scope.CHECKIN)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}
    hall = conference.bridge_points.get(is_main=True)
    url = f"/api/v1/conferences/{conference.pk}/checkin"
    receipt = client.post(url, {"token": checkin.token_make(hall)}, **auth)
    assert receipt.status_code == 202
    assert call(client, raw, receipt.json()["url"].removeprefix("/api/v1/")).status_code == 200
    assert call(client, raw, f"conferences/{conference.pk}").status_code == 403
    submit = client.post(f"/api/v1/campaigns/{campaign.pk}/reports", {"sections": ["a"]}, **auth)
    assert submit.status_code == 403 and "điểm danh" in submit.json()["detail"]


def test_a_submission_token_only_submits(world, client, conference, campaign):
    from reports.tests.builders import essay

    _t, raw = ApiToken.issue(world.member_user, "nộp bài", scope=Scope.SUBMIT)
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {raw}",
        "HTTP_IDEMPOTENCY_KEY": "k1",
        "content_type": "application/json",
    }
    body = {"sections": [essay(1), essay(2)]}
    response = client.post(f"/api/v1/campaigns/{campaign.pk}/reports", body, **auth)
    assert response.status_code == 202, response.json()
    assert call(client, raw, response.json()["url"].removeprefix("/api/v1/")).status_code == 200
    assert call(client, raw, f"reports/{response.json()['report_id']}").status_code == 403
    checkin = client.post(f"/api/v1/conferences/{conference.pk}/checkin", {"token": "x"}, **auth)
    assert checkin.status_code == 403 and "nộp bài" in checkin.json()["detail"]


def test_a_full_token_does_what_its_users_roles_allow(world, client, conference):
    _t, raw = ApiToken.issue(world.secretary, "đầy đủ", scope=Scope.FULL)
    assert call(client, raw, f"conferences/{conference.pk}").status_code == 200
    hall = conference.bridge_points.get(is_main=True)
    response = client.post(
        f"/api/v1/conferences/bridge-points/{hall.pk}/marks",
        {"card_number": "010203", "status": "present"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    assert call(client, raw, f"units/{world.city.pk}").status_code == 404  # not its subtree


def test_every_call_a_narrow_scope_names_exists():
    for calls in SCOPE_CALLS.values():
        for _method, name in calls:
            assert reverse(f"api:{name}", args=[1]).startswith("/api/v1/")


def test_a_client_trying_many_bad_tokens_is_locked_for_a_while(world, client):
    _t, good = ApiToken.issue(world.clerk, "đúng", scope=Scope.READ)
    for i in range(20):
        assert call(client, f"nq_sai_{i}", "units/1", ip="10.3.3.3").status_code == 401
    response = call(client, good, f"units/{world.city.pk}", ip="10.3.3.3")
    assert response.status_code == 429 and int(response["Retry-After"]) == 60
    assert "Hãy thử lại sau 1 phút" in response.json()["detail"]
    assert call(client, good, f"units/{world.city.pk}", ip="10.3.3.4").status_code == 200
    lock = AuditEntry.objects.get(action="api.lockout")
    assert lock.object_repr == "10.3.3.3" and lock.ip is not None
