"""Errors answer with a Vietnamese page in the site's layout and never show a traceback,
the exception's text or the settings."""

import pytest
from django.template import loader

pytestmark = pytest.mark.urls("nghiquyet.tests.error_urls")

LEAKS = ("Traceback", "secret detail", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "Exception")


def _page(response) -> str:
    body = response.content.decode()
    assert 'lang="vi"' in body and "/static/css/app.css" in body
    for leak in LEAKS:
        assert leak not in body
    return body


def test_a_server_error_shows_the_vietnamese_500_page_and_nothing_of_the_failure(client, db):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in _page(response)


def test_the_500_page_renders_without_a_request_context_or_the_database(
    django_assert_num_queries, db
):
    with django_assert_num_queries(0):
        body = loader.get_template("500.html").render()
    assert "Hệ thống gặp sự cố" in body and "Đăng xuất" not in body


def test_a_bad_request_shows_the_vietnamese_400_page(client, db):
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in _page(response)


def test_a_refusal_shows_the_vietnamese_403_page(client, db):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "Không có quyền" in _page(response)


def test_a_missing_page_shows_the_vietnamese_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Không tìm thấy" in _page(response)


def test_a_form_posted_without_its_csrf_token_gets_a_vietnamese_explanation(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    body = _page(response)
    assert "tải lại trang" in body
    assert "CSRF verification failed" not in body
