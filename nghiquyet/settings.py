"""Settings for nghiquyet, read from the environment (see .env.example)."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def _load_dotenv(path: Path) -> None:
    """Fill os.environ from a local .env file without overriding what is already set."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


_load_dotenv(BASE_DIR / ".env")


def envstr(name: str, default: str = "") -> str:
    """The variable, or `default` when it is unset or empty (as `NAME=` in .env)."""
    return os.environ.get(name) or default


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry; empty means the SQLite default."""
    if not url:
        url = f"sqlite:///{VAR_DIR / 'nghiquyet.sqlite3'}"
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:] if parts.path.startswith("//") else parts.path),
            # WAL lets pages read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": ""},
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": envint("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


# Keys that have been published (examples, old defaults, test settings) sign nothing.
KNOWN_KEYS = frozenset(
    {
        "change-me-in-production",
        "dev-only-insecure-key",
        "test-only-not-secret",
        "bench-only-not-secret",
        "secret",
        "changeme",
    }
)
NEW_KEY_HINT = (
    "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "(`make` writes one into .env)"
)


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign sessions, CSRF tokens and QR codes in production, if it cannot.
    The thresholds are those of Django's own deploy check (security.W009)."""
    if not key:
        return "is empty"
    if key in KNOWN_KEYS or key.startswith("django-insecure-"):
        return "is a published example key"
    if len(key) < 50:
        return "is shorter than 50 characters"
    if len(set(key)) < 5:
        return "has fewer than 5 distinct characters"
    return None


def secret_keys(debug: bool) -> tuple[str, list[str]]:
    """SECRET_KEY and SECRET_KEY_FALLBACKS (comma-separated old keys, still accepted for
    signatures during a rotation); with DEBUG off every one of them must be strong."""
    key = envstr("SECRET_KEY").strip()
    fallbacks = [k.strip() for k in envstr("SECRET_KEY_FALLBACKS").split(",") if k.strip()]
    if debug:
        return key or "dev-only-insecure-key", fallbacks
    for name, value in [("SECRET_KEY", key)] + [("SECRET_KEY_FALLBACKS", k) for k in fallbacks]:
        problem = secret_key_problem(value)
        if problem:
            raise ImproperlyConfigured(f"{name} {problem}; with DEBUG off {NEW_KEY_HINT}")
    return key, fallbacks


DEBUG = envbool("DEBUG", False)
SECRET_KEY, SECRET_KEY_FALLBACKS = secret_keys(DEBUG)
ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "treebeard",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "nghiquyet",
    "vn",
    "accounts",
    "audit",
    "organizations",
    "members",
    "documents",
    "campaigns",
    "conferences",
    "reports",
    "news",
    "programmes",
    "reporting",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nghiquyet.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nghiquyet.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nghiquyet.middleware.NulCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "nghiquyet.urls"
WSGI_APPLICATION = "nghiquyet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.menu.menu",
            ],
            "builtins": ["vn.templatetags.vn"],
        },
    },
]

DATABASES = {"default": database_from_url(envstr("DATABASE_URL"))}
# A streaming replica of the primary, read by the dashboards only (nghiquyet/routers.py).
if envstr("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = database_from_url(envstr("REPLICA_DATABASE_URL"))
DASHBOARD_DATABASE = "replica" if "replica" in DATABASES else ""
DATABASE_ROUTERS = ["nghiquyet.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = envstr("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "nghiquyet.redis_cache.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        # A file cache is shared by the web server and the worker on one machine.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Room for a day's portal readers (news/counting.py) beyond Django's 300.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    )
}

# A QR check-in that would wait longer than this in the queue is answered 503 with
# Retry-After instead (conferences/inbox.py); validity is judged when it arrives.
CHECKIN_MAX_WAIT_SECONDS = envint("CHECKIN_MAX_WAIT_SECONDS", 30)
# Likewise a learning report (reports/inbox.py): the page keeps the text and says when
# to hand it in again.
SUBMISSION_MAX_WAIT_SECONDS = envint("SUBMISSION_MAX_WAIT_SECONDS", 60)
# Dashboard figures per (campaign, unit) are shared for this many seconds (0: never cached).
FIGURES_CACHE_SECONDS = envint("FIGURES_CACHE_SECONDS", 20)

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # `files` reads uploaded PDF/DOCX on a worker of its own (scripts/run.sh), so a
        # heavy file never holds up reminders, exports or imports.
        "QUEUES": ["default", "files"],
    }
}
# Reading one uploaded PDF/DOCX, in a child process of the `files` worker.
FILE_READING = {
    "pages": envint("FILE_READING_PAGES", 300),
    "memory_mb": envint("FILE_READING_MEMORY_MB", 512),
    "cpu_seconds": envint("FILE_READING_CPU_SECONDS", 30),
    "wall_seconds": envint("FILE_READING_WALL_SECONDS", 60),
}

AUTH_USER_MODEL = "accounts.User"
# Refuses sign-ins while an account name or client address is locked (accounts/throttle.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["nghiquyet.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files live outside any web root and are only ever served through views.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"

MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", 20)

# Reminders and urging go out by email. With no EMAIL_HOST (a laptop, the demo) they are
# written to the console instead of being lost to a missing mail server.
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "nghiquyet <no-reply@localhost>")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Secure by default once DEBUG is off; `make run` turns https off for itself in .env.
# docs/security.md lists the production environment.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = envstr("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = envstr("SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only behind a proxy that terminates TLS and always sets the header (never trust it from
# clients): the name of the header that says "https", e.g. X-Forwarded-Proto.
_proxy_header = envstr("SECURE_PROXY_SSL_HEADER").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
