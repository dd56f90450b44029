"""Settings for the benchmark server: the normal settings plus ``Server-Timing``.

Used only by ``zhenggai bench`` for the server it starts; a deployment that wants the
header adds the same line to its own settings.
"""

from __future__ import annotations

from zhenggai.settings.base import *  # noqa: F403
from zhenggai.settings.base import MIDDLEWARE

MIDDLEWARE = ["zhenggai.scale.middleware.ServerTimingMiddleware", *MIDDLEWARE]
# The benchmark signs its personas in with a password only (no authenticator to ask).
ZHENGGAI_TOTP_ROLES: list[str] = []
