"""Settings for the test suite: a throw-away data directory, fast password hashing."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "ZHENGGAI_DATA_DIR" not in os.environ:
    _data_dir = tempfile.mkdtemp(prefix="zhenggai-test-")
    os.environ["ZHENGGAI_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

from zhenggai.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns when STATIC_ROOT is missing, and the suite turns warnings into errors.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
