import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from nghiquyet import settings as project_settings


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_database_url_selects_the_engine():
    pg = project_settings.database_from_url("postgres://u:p%40ss@db.example:5433/nq")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "5433",
        "nq",
    )
    lite = project_settings.database_from_url("")
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert lite["NAME"].endswith("var/nghiquyet.sqlite3")
    with pytest.raises(ImproperlyConfigured):
        project_settings.database_from_url("mysql://x/y")


def test_malformed_settings_fail_loudly(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "twenty")
    with pytest.raises(ImproperlyConfigured, match="MAX_UPLOAD_MB"):
        project_settings.envint("MAX_UPLOAD_MB", 20)
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        project_settings.envbool("DEBUG", False)


def test_pages_speak_vietnamese_by_default_and_english_on_request(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="vi"' in body and "Đăng nhập" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body and "Log in" in body


def test_static_assets_are_vendored_not_fetched(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/htmx.min.js" in body
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in body and "Đăng nhập" in body


def _po_entries(path):
    """(msgid, msgstr, fuzzy) for each entry of a .po file, plural forms joined."""
    import re

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block:
            continue
        fuzzy = "#, fuzzy" in block

        def text(keyword, block=block):
            pattern = rf'^{keyword} "(.*)"\n((?:".*"\n?)*)'
            match = re.search(pattern, block + "\n", re.M)
            if not match:
                return ""
            return match.group(1) + "".join(re.findall(r'^"(.*)"$', match.group(2), re.M))

        msgstr = text("msgstr") or text(r"msgstr\[0\]")
        entries.append((text("msgid"), msgstr, fuzzy))
    return entries


def test_the_english_catalogue_is_complete_and_compiled():
    import gettext
    from pathlib import Path

    folder = Path(project_settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
    entries = [e for e in _po_entries(folder / "django.po") if e[0]]
    assert len(entries) > 300
    assert [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        msgid for msgid, msgstr, _ in entries
        if "\\" not in msgid and "%" not in msgid and compiled.gettext(msgid) != msgstr
    ]  # fmt: skip
    assert stale == [], "run `make messages` (or msgfmt) to recompile django.mo"
