"""A token bucket persisted in the database, so that every process shares one budget."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhenggai.supervision.models import RateBucket


def take(key: str, *, capacity: float, per_second: float, now: dt.datetime | None = None) -> bool:
    """Take one token from bucket ``key``; ``False`` when it is empty (nothing is taken)."""
    moment = now or timezone.now()
    with transaction.atomic():
        bucket, _ = RateBucket.objects.select_for_update().get_or_create(
            key=key, defaults={"tokens": capacity, "updated_at": moment}
        )
        elapsed = max(0.0, (moment - bucket.updated_at).total_seconds())
        tokens = min(capacity, bucket.tokens + elapsed * per_second)
        allowed = tokens >= 1.0
        bucket.tokens = tokens - 1.0 if allowed else tokens
        bucket.updated_at = moment
        bucket.save(update_fields=["tokens", "updated_at"])
    return allowed


def count_up(key: str, *, limit: int, now: dt.datetime | None = None) -> bool:
    """A plain counter (per-number daily SMS cap): ``False`` once ``limit`` is reached."""
    moment = now or timezone.now()
    with transaction.atomic():
        bucket, _ = RateBucket.objects.select_for_update().get_or_create(
            key=key, defaults={"tokens": 0.0, "updated_at": moment}
        )
        if bucket.tokens >= limit:
            return False
        bucket.tokens += 1
        bucket.updated_at = moment
        bucket.save(update_fields=["tokens", "updated_at"])
    return True
