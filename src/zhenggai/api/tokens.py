"""Creating, listing, revoking and checking personal API tokens.

A token is ``zg_<prefix>_<secret>``. Only its SHA-256 is stored, so a lost token
cannot be shown again: revoke it and create another. Creation and revocation are
audited; use is audited as ``api.token_used`` at most once per token per
``ZHENGGAI_API_TOKEN_AUDIT_SECONDS`` (one conditional UPDATE decides, so that
concurrent requests on several servers still write one entry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.api.conf import setting
from zhenggai.api.models import ApiToken
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError

TOKEN_PREFIX = "zg_"


@dataclass(frozen=True)
class IssuedToken:
    """The stored row and the secret, which exists only in this object."""

    token: ApiToken
    secret: str


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _active(now: dt.datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@transaction.atomic
def create_token(
    *,
    user: Any,
    name: str,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> IssuedToken:
    """Issue a token for ``user``; the returned secret is never stored nor shown again.

    Refuses an empty name, an expiry in the past and more than
    ``ZHENGGAI_API_MAX_TOKENS`` active tokens. Audited as ``api.token_created``.
    """
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写令牌名称。"), "A token name is required.", field="name")
    if len(name) > 100:
        raise DomainError(_("令牌名称过长。"), "The token name is too long.", field="name")
    if expires_at is not None and expires_at <= now:
        raise DomainError(
            _("到期时间必须晚于现在。"), "The expiry must be in the future.", field="expires_at"
        )
    if not getattr(user, "is_active", False):
        raise DomainError(_("账号已停用。"), "The account is inactive.")
    active = ApiToken.objects.select_for_update().filter(_active(now), user=user).count()
    if active >= setting("ZHENGGAI_API_MAX_TOKENS"):
        raise DomainError(
            _("有效令牌过多,请先撤销不用的令牌。"),
            "Too many active tokens; revoke unused ones first.",
        )
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # 2**32 prefixes: rare
        prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_digest(raw),
        created_at=now,
        expires_at=expires_at,
    )
    record(
        "api.token_created",
        actor=user,
        obj=token,
        after={"name": name, "prefix": prefix, "expires_at": expires_at and expires_at.isoformat()},
        at=now,
    )
    return IssuedToken(token, raw)


@transaction.atomic
def revoke_token(*, user: Any, pk: int, now: dt.datetime | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (404 for anybody else's). Audited."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=pk).first()
    if token is None:
        raise Http404
    if token.revoked_at is not None:
        raise DomainError(_("该令牌已撤销。"), "The token is already revoked.")
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "api.token_revoked",
        actor=user,
        obj=token,
        after={"name": token.name, "prefix": token.prefix},
        at=token.revoked_at,
    )
    return token


def authenticate_token(raw: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The active token ``raw`` names, with its user, or ``None``. Marks the token used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, _secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not prefix or len(prefix) > 16:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(raw)):
        return None
    now = now or timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    mark_used(token, now)
    return token


def mark_used(token: ApiToken, now: dt.datetime) -> bool:
    """Record the use unless it was recorded within the interval; True if this call did."""
    interval = dt.timedelta(seconds=setting("ZHENGGAI_API_TOKEN_AUDIT_SECONDS"))
    if token.last_used_at is not None and now - token.last_used_at < interval:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - interval)
    with transaction.atomic():
        updated = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        if not updated:
            return False
        token.last_used_at = now
        record(
            "api.token_used",
            actor=token.user,
            obj=token,
            after={"prefix": token.prefix, "name": token.name},
            at=now,
        )
    return True
