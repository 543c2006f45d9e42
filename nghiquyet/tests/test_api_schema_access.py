"""The API's schema and docs page are for the system's users, not the public."""

import pytest

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_an_anonymous_caller_gets_401_for_the_schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "paths" not in response.content.decode()


def test_an_anonymous_browser_is_sent_to_the_login_page(client):
    for path in ("/api/v1/docs", "/api/v1/openapi.json"):
        response = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_wrong_token_is_refused_like_no_token(client):
    response = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer nq_guess")
    assert response.status_code == 401


def test_a_signed_in_user_and_a_token_holder_get_the_schema_and_docs(world, client):
    _token, raw = ApiToken.issue(world.propaganda, "t")
    with_token = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert with_token.status_code == 200 and "/api/v1/units/{unit_id}" in with_token.json()["paths"]
    client.force_login(world.member_user)
    assert client.get("/api/v1/openapi.json").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_a_missing_or_hidden_object_answers_404_in_vietnamese(world, client):
    _token, raw = ApiToken.issue(world.propaganda, "t")
    response = client.get(f"/api/v1/units/{world.other.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}
