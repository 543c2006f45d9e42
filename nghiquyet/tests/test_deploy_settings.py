"""`check --deploy` passes with the production environment documented in
docs/security.md, and fails with the laptop settings `make run` uses."""

import os
import re
import secrets
import subprocess
import sys

from nghiquyet.settings import BASE_DIR


def _documented_environment() -> dict[str, str]:
    text = (BASE_DIR / "docs" / "security.md").read_text(encoding="utf-8")
    block = re.search(r"```env\n(.*?)```", text, re.S)
    assert block is not None, "docs/security.md lost its ```env block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines() if "=" in line]
    return {name: value for name, value in pairs}


def _check_deploy(environment: dict[str, str]):
    # Every variable .env.example or the page names is set, so a developer's .env cannot
    # leak in.
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    page = (BASE_DIR / "docs" / "security.md").read_text(encoding="utf-8")
    names = re.findall(r"^#?\s*([A-Z_]+)=", example, re.M) + re.findall(r"`([A-Z_]{5,})`", page)
    blank = dict.fromkeys(names, "")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **blank, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_the_deploy_check():
    environment = _documented_environment()
    assert environment["DEBUG"] == "false" and environment["SECRET_KEY"].startswith("<")
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)  # the page shows how to make one
    checked = _check_deploy(environment)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_the_laptop_settings_of_make_run_fail_the_deploy_check():
    environment = _documented_environment()
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    environment.update(SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false")
    checked = _check_deploy(environment)
    assert checked.returncode != 0
    assert all(code in checked.stderr for code in ("W008", "W012", "W016"))


def test_the_production_layout_with_a_pooler_and_a_replica_passes_the_deploy_check():
    environment = _documented_environment()
    layout = (BASE_DIR / "docs" / "production.md").read_text(encoding="utf-8")
    block = re.search(r"```env\n(.*?)```", layout, re.S)
    assert block is not None, "docs/production.md lost its ```env block"
    for line in block.group(1).splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            environment[name] = value
    assert environment["REPLICA_DATABASE_URL"].startswith("postgres://")
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    checked = _check_deploy(environment)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
