"""Every response carries a Content-Security-Policy that allows scripts and styles from
this site only, and no template needs more."""

import re

import pytest

from nghiquyet.settings import BASE_DIR

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _directives(response) -> list[str]:
    return [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/", "/no-such-page/", "/api/v1/units/", "/static/css/app.css"],
)
def test_every_response_carries_the_strict_policy(client, db, path):
    directives = _directives(client.get(path))
    assert all(d in directives for d in DIRECTIVES)
    assert not any("unsafe" in d for d in directives)


def test_a_signed_in_page_carries_it_too(world, client):
    client.force_login(world.secretary)
    response = client.get(f"/units/{world.ward.pk}/")
    assert response.status_code == 200
    assert "script-src 'self'" in _directives(response)


def _templates():
    """Templates a browser receives; `*_pdf.html` go to the PDF renderer, never a browser."""
    skip = {".venv", "var", "fixtures", "node_modules"}
    for path in sorted(BASE_DIR.rglob("*.html")):
        parts = set(path.relative_to(BASE_DIR).parts)
        if "templates" in parts and not parts & skip and not path.name.endswith("_pdf.html"):
            yield path


INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
}


def test_no_template_carries_inline_script_handlers_or_styles():
    found = []
    for path in _templates():
        name = str(path.relative_to(BASE_DIR))
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for kind, pattern in INLINE.items():
                if pattern.search(line):
                    found.append(f"{name}:{line_number}: {kind}")
    assert found == []


def test_htmx_injects_no_style_and_evaluates_nothing(client, db):
    body = client.get("/accounts/login/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
    assert config is not None
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert '"allowEval":false' in config.group(1)


def test_django_debug_pages_go_out_without_the_policy_only_with_debug_on(client, db, settings):
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/").headers
    assert "Content-Security-Policy" in client.get("/accounts/login/").headers
