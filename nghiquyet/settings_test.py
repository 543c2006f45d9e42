"""Thin override for the test suite: fast hashing, no real secrets needed."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from nghiquyet.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The live-server thread and the test runner must not keep connections past a test, or
# PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
