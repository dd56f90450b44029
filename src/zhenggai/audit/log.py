"""Writing and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenggai.audit.context import current_ip
from zhenggai.audit.models import AuditChainHead, AuditEntry


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    organisation_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    success: bool = True,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Runs inside the caller's transaction."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        entry = AuditEntry(
            at=at or timezone.now(),
            actor=actor_obj,
            actor_name=_actor_name(actor_obj),
            ip=current_ip.get(),
            action=action,
            object_type=type(obj).__name__ if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            organisation_id=organisation_id,
            success=success,
            before=before,
            after=after,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    # Control characters in names are escaped so that a crafted username cannot forge lines.
    return str(actor.username).encode("unicode_escape").decode("ascii")[:150]


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify_chain(batch: int = 2000) -> Iterator[ChainBreak]:
    """Yield every entry whose hash or link to its predecessor does not check out."""
    previous = "0" * 64
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        for entry in rows:
            if entry.prev_hash != previous:
                yield ChainBreak(entry.id, "link")
            if entry.compute_hash() != entry.hash:
                yield ChainBreak(entry.id, "hash")
            previous = entry.hash
            last_id = entry.id
