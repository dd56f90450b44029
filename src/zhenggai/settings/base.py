"""Settings for the embedded default: SQLite and files under ``ZHENGGAI_DATA_DIR``.

Set ``ZHENGGAI_DATABASE_URL`` to a ``postgres://`` URL to use PostgreSQL instead.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zhenggai.settings.env import (
    env_bool,
    env_choice,
    env_data_dir,
    env_database_url,
    env_hex_key,
    env_int,
    env_list,
    env_str,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = env_bool("ZHENGGAI_PRODUCTION_MODE", False)

DATA_DIR = env_data_dir("ZHENGGAI_DATA_DIR", "./var")
SECRET_KEY = secret_key("ZHENGGAI_SECRET_KEY", DATA_DIR, production=PRODUCTION)
DEBUG = env_bool("ZHENGGAI_DEBUG", False)
ALLOWED_HOSTS = env_list("ZHENGGAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ZHENGGAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "zhenggai.core.admin_site.ZhenggaiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "zhenggai.core",
    "zhenggai.accounts",
    "zhenggai.audit",
    "zhenggai.ledger",
    "zhenggai.supervision",
    "zhenggai.documents",
    "zhenggai.quality",
    "zhenggai.web",
    "zhenggai.api",
    "zhenggai.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhenggai.web.security_middleware.SecurityHeadersMiddleware",
    "zhenggai.audit.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhenggai.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhenggai.audit.middleware.AccessAuditMiddleware",
]

ROOT_URLCONF = "zhenggai.urls"
WSGI_APPLICATION = "zhenggai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhenggai.web.context.navigation",
            ],
        },
    },
]

DATABASE_URL = env_database_url("ZHENGGAI_DATABASE_URL")
if DATABASE_URL:
    # Each gunicorn thread keeps its connection (and the statements prepared on it) for
    # ZHENGGAI_DB_CONN_MAX_AGE seconds; a health check before its first use in a request
    # replaces a connection the server dropped (docs/deployment.md, Connections).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("ZHENGGAI_DB_CONN_MAX_AGE", 3600, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "ZHENGGAI_DB_PREPARED_STATEMENTS", True
    ):
        # Server-side parameters and prepared statements: a statement run twice on a
        # connection is prepared, and PostgreSQL stops re-planning it. It halves the SQL
        # time of most pages; the office's per-inspection figures, whose generic plan is
        # slower, opt out with ``core.db.planned_each_time`` (docs/benchmarks.md,
        # findings 8 and 11). Turn it off behind a pooler in transaction mode.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "zhenggai.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["zhenggai.accounts.backends.AccountBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Password rules (docs/security.md, checks 1 and 2): length, character classes, common
# passwords (Django's list plus ours) and context words (user name, unit names).
ZHENGGAI_PASSWORD_MIN_LENGTH = env_int("ZHENGGAI_PASSWORD_MIN_LENGTH", 8, minimum=8)
ZHENGGAI_PASSWORD_MIN_CLASSES = env_int("ZHENGGAI_PASSWORD_MIN_CLASSES", 3, minimum=1)
ZHENGGAI_PASSWORD_MAX_AGE_DAYS = env_int("ZHENGGAI_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
ZHENGGAI_PASSWORD_CONTEXT_WORDS = env_list("ZHENGGAI_PASSWORD_CONTEXT_WORDS", [])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": ZHENGGAI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "zhenggai.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": ZHENGGAI_PASSWORD_MIN_CLASSES},
    },
    {"NAME": "zhenggai.accounts.passwords.ExtraCommonPasswordValidator"},
    {"NAME": "zhenggai.accounts.passwords.ContextWordsValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STORAGES = {
    # Evidence lives outside any static path and is served only by an authorising view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files", "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

SESSION_ENGINE = "zhenggai.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("ZHENGGAI_SESSION_SECONDS", 8 * 3600, minimum=60)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# ---------------------------------------------------------------- 等保 level 3 baseline
# Every value below is documented in docs/security.md with its default and its check.
#: Demo mode: accounts created by ``zhenggai demo`` skip TOTP and the first password change.
ZHENGGAI_DEMO = env_bool("ZHENGGAI_DEMO", False)
#: Lock an account name after N failures within the window, for the lock time (checks 3, 4).
ZHENGGAI_LOCKOUT_FAILURES = env_int("ZHENGGAI_LOCKOUT_FAILURES", 5, minimum=1)
ZHENGGAI_LOCKOUT_SECONDS = env_int("ZHENGGAI_LOCKOUT_SECONDS", 30 * 60, minimum=60)
ZHENGGAI_LOCKOUT_WINDOW_SECONDS = env_int("ZHENGGAI_LOCKOUT_WINDOW_SECONDS", 30 * 60, minimum=60)
#: ... and a client address after N failures (any names) within the same window.
ZHENGGAI_LOCKOUT_ADDRESS_FAILURES = env_int("ZHENGGAI_LOCKOUT_ADDRESS_FAILURES", 20, minimum=1)
#: Addresses of reverse proxies whose X-Forwarded-For is believed (else REMOTE_ADDR counts).
ZHENGGAI_TRUSTED_PROXIES = env_list("ZHENGGAI_TRUSTED_PROXIES", [])
#: Idle timeout; the absolute limit is SESSION_COOKIE_AGE (ZHENGGAI_SESSION_SECONDS) (check 5).
ZHENGGAI_SESSION_IDLE_SECONDS = env_int("ZHENGGAI_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
#: Roles whose sign-in needs a TOTP code (check 6); anyone who enrolled is asked too.
ZHENGGAI_TOTP_ROLES = env_list(
    "ZHENGGAI_TOTP_ROLES", ["office", "sysadmin", "secadmin", "auditadmin"]
)
ZHENGGAI_TOTP_ISSUER = env_str("ZHENGGAI_TOTP_ISSUER", "整改")
#: Personal fields (check 27): 64 hex characters, else derived from the secret key.
ZHENGGAI_FIELD_KEY = env_hex_key("ZHENGGAI_FIELD_KEY", 32)
ZHENGGAI_FIELD_CIPHER = env_choice("ZHENGGAI_FIELD_CIPHER", ["sm4", "aesgcm"], "sm4")
ZHENGGAI_FIELD_CIPHERS: list[str] = []
#: Audit rows younger than this are never purged (网络安全法 第二十一条: at least 180 days).
ZHENGGAI_AUDIT_RETENTION_DAYS = env_int("ZHENGGAI_AUDIT_RETENTION_DAYS", 180, minimum=180)
#: Evidence stored per inspected unit, all files together (check 21); 0 switches it off.
ZHENGGAI_UNIT_QUOTA_BYTES = env_int("ZHENGGAI_UNIT_QUOTA_BYTES", 10 * 1024**3, minimum=0)
#: The virus scanner every upload passes (check 24): a dotted path to a scanner class.
ZHENGGAI_AV_SCANNER = env_str(
    "ZHENGGAI_AV_SCANNER", "zhenggai.ledger.services.antivirus.SignatureScanner"
)
ZHENGGAI_CLAMD_ADDRESS = env_str("ZHENGGAI_CLAMD_ADDRESS", "/run/clamav/clamd.ctl")
#: Content-Security-Policy (check 25): only this site's scripts and styles, never framed.
ZHENGGAI_CSP = env_str(
    "ZHENGGAI_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

# Uploads: limits on evidence files (bytes). Larger requests are refused before saving.
ZHENGGAI_EVIDENCE_MAX_BYTES = env_int("ZHENGGAI_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Lifecycle defaults (DESIGN §4): plan due one month, report due two months after feedback.
ZHENGGAI_PLAN_DUE_MONTHS = env_int("ZHENGGAI_PLAN_DUE_MONTHS", 1, minimum=0)
ZHENGGAI_REPORT_DUE_MONTHS = env_int("ZHENGGAI_REPORT_DUE_MONTHS", 2, minimum=0)
ZHENGGAI_DEMO_PASSWORD = env_str("ZHENGGAI_DEMO_PASSWORD")
ZHENGGAI_PAGE_SIZE = env_int("ZHENGGAI_PAGE_SIZE", 50, minimum=5)

# Background work (DESIGN §5): tasks run inline on the embedded default; production
# settings switch to the database backend served by ``zhenggai db_worker``.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZHENGGAI_LOG_LEVEL", "INFO")},
}
