"""With DEBUG off the site refuses to start on a key anyone could know, and a rotated key
keeps the old one only as a fallback."""

import os
import secrets
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from conferences import checkin
from nghiquyet import settings as project_settings

REPO = project_settings.BASE_DIR


def _load_settings(**env):
    """Import the settings module in a fresh interpreter with exactly these variables."""
    variables = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "",
        "SECRET_KEY_FALLBACKS": "",
        **env,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from nghiquyet import settings as s; print(len(s.SECRET_KEY_FALLBACKS))",
        ],
        cwd=REPO,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
    )


STRONG = secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "is empty"),
        ("change-me-in-production", "published example"),
        ("dev-only-insecure-key", "published example"),
        ("test-only-not-secret", "published example"),
        ("django-insecure-" + secrets.token_urlsafe(50), "published example"),
        (secrets.token_urlsafe(20), "shorter than 50"),
        ("abcd" * 20, "fewer than 5 distinct"),
    ],
    ids=["empty", "example", "old-default", "old-test", "django-insecure", "short", "repetitive"],
)
def test_settings_refuse_a_weak_or_published_key_when_debug_is_off(key, why):
    loaded = _load_settings(SECRET_KEY=key)
    assert loaded.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in loaded.stderr
    assert why in loaded.stderr and "token_urlsafe" in loaded.stderr
    if key:
        assert key not in loaded.stderr  # the refusal never prints the key itself


def test_a_weak_fallback_key_is_refused_as_well():
    loaded = _load_settings(SECRET_KEY=STRONG, SECRET_KEY_FALLBACKS="change-me-in-production")
    assert loaded.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY_FALLBACKS is a published example" in loaded.stderr


def test_a_strong_key_with_its_fallbacks_is_accepted():
    old = secrets.token_urlsafe(50)
    older = secrets.token_urlsafe(50)
    loaded = _load_settings(SECRET_KEY=STRONG, SECRET_KEY_FALLBACKS=f"{old}, {older}")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "2"


def test_a_developer_with_debug_on_needs_no_key():
    loaded = _load_settings(DEBUG="true")
    assert loaded.returncode == 0, loaded.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_writes_a_fresh_random_key_into_env_and_keeps_the_rest_of_the_example(tmp_path):
    keys = []
    for clone in ("one", "two"):
        folder = tmp_path / clone
        folder.mkdir()
        for name in ("Makefile", ".env.example"):
            shutil.copy(REPO / name, folder / name)
        made = subprocess.run(
            ["make", "--no-print-directory", ".env", f"PYTHON={sys.executable}"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        lines = (folder / ".env").read_text().splitlines()
        example = (folder / ".env.example").read_text().splitlines()
        assert len(lines) == len(example)
        changed = [(a, b) for a, b in zip(example, lines, strict=True) if a != b]
        assert [a for a, _b in changed] == ["SECRET_KEY="]
        keys.append(changed[0][1].removeprefix("SECRET_KEY="))
    assert all(project_settings.secret_key_problem(key) is None for key in keys)
    assert keys[0] != keys[1]
    assert "DEBUG=false" in example


def test_a_qr_code_signed_before_a_rotation_still_works_while_the_old_key_is_a_fallback(
    settings,
):
    point = SimpleNamespace(conference_id=7, pk=3)
    old, new = secrets.token_urlsafe(50), secrets.token_urlsafe(50)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = old, []
    token = checkin.token_make(point)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new, [old]
    assert checkin.token_read(token, 7).bridge_point_id == 3

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(checkin.CheckinError, match="không hợp lệ"):
        checkin.token_read(token, 7)
