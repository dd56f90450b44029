"""Production settings: secret key from the environment, HTTPS-only cookies."""

from __future__ import annotations

import os

from zhenggai.settings.env import ConfigError, env_bool

# Production settings with production mode switched off would fall back to a generated
# secret key; a contradiction in the configuration stops start-up instead.
if not env_bool("ZHENGGAI_PRODUCTION_MODE", True):
    raise ConfigError(
        "ZHENGGAI_PRODUCTION_MODE",
        "生产配置下不能关闭生产模式",
        "cannot be switched off with the production settings",
    )
os.environ.setdefault("ZHENGGAI_PRODUCTION_MODE", "1")

from zhenggai.settings.base import *  # noqa: E402,F403
from zhenggai.settings.env import env_int  # noqa: E402

PRODUCTION = True
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("ZHENGGAI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("ZHENGGAI_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Tasks are stored in the database and run by ``zhenggai db_worker`` processes.
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
