"""Secrets never reach logs or pages: webhook keys, tokens, signatures, phone numbers."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = {"key", "access_token", "sign", "token", "secret"}


def mask(value: str, keep: int = 4) -> str:
    if not value:
        return ""
    if len(value) <= keep * 2:
        return "*" * len(value)
    return f"{value[:keep]}…{value[-keep:]}" if keep else "***"


def mask_url(url: str) -> str:
    """The URL with every secret query value replaced by ``***`` (host and path kept)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*"), fragment=""))


def url_secrets(url: str) -> list[str]:
    """The secret values in a webhook URL (its key or access token)."""
    try:
        query = parse_qsl(urlsplit(url).query)
    except ValueError:
        return [url]
    return [v for k, v in query if k.lower() in SECRET_PARAMS and v]


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def scrub(text: str, *secrets: str) -> str:
    """``text`` (an error message) with any of ``secrets`` and secret query values removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return re.sub(r"((?:key|access_token|sign|secret)=)[^&\s'\"]+", r"\1***", text)
