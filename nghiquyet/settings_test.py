"""Thin override for the test suite: fast hashing, plain http, a key nobody knows."""

import os
import secrets

# A fresh key per run: settings refuse every published one once DEBUG is off.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from nghiquyet.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the live server speak plain http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The live-server thread and the test runner must not keep connections past a test, or
# PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests read their own writes at once; the figures cache has a test of its own.
FIGURES_CACHE_SECONDS = 0
# The replica alias as CI has it: the same test database, so the router's choice is what is
# tested. Dashboards read from it only in the tests that turn DASHBOARD_DATABASE on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DASHBOARD_DATABASE = ""
