"""A reader who chose English gets error pages and form errors in English, with nothing
left in Vietnamese (pages the crawl never reaches, since it follows links that work)."""

import pytest
from django.test import Client

from nghiquyet.tests.crawling import Languages, PageText

pytestmark = pytest.mark.urls("nghiquyet.tests.error_urls")


def _vietnamese(response) -> list[str]:
    body = response.content.decode()
    assert 'lang="en"' in body
    page = PageText()
    page.feed(body)
    languages = Languages([])
    return [phrase for piece in page.text for phrase in languages.vietnamese_in(piece)]


def _english_client(**options) -> Client:
    client = Client(**options)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("path", "status"),
    [("/broken/", 500), ("/suspicious/", 400), ("/forbidden/", 403), ("/no-such-page/", 404)],
)
def test_an_error_page_is_all_english(db, path, status):
    client = _english_client()
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    assert _vietnamese(response) == []


def test_a_form_posted_without_its_csrf_token_is_explained_in_english(db):
    response = _english_client(enforce_csrf_checks=True).post("/accounts/login/", {"u": "x"})
    assert response.status_code == 403
    assert _vietnamese(response) == []


def test_a_failed_sign_in_is_explained_in_english(world):
    response = _english_client().post("/accounts/login/", {"username": "an", "password": "wrong"})
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert _vietnamese(response) == []
