"""Settings for the test suite: a throw-away data directory, fast password hashing."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("ZHENGGAI_DATA_DIR", tempfile.mkdtemp(prefix="zhenggai-test-"))

from zhenggai.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns when STATIC_ROOT is missing, and the suite turns warnings into errors.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
