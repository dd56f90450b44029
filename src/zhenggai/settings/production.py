"""Production settings: secret key from the environment, HTTPS-only cookies."""

from __future__ import annotations

import os

os.environ.setdefault("ZHENGGAI_PRODUCTION_MODE", "1")

from zhenggai.settings.base import *  # noqa: E402,F403
from zhenggai.settings.env import env_bool, env_int  # noqa: E402

PRODUCTION = True
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("ZHENGGAI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("ZHENGGAI_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
