"""Writing and verifying the audit log."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from zhenggai.audit.context import current_ip
from zhenggai.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry


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
            # Hashed exactly as the database will give them back: UTC time, canonical address.
            at=(at or timezone.now()).astimezone(dt.UTC),
            actor=actor_obj,
            actor_name=_actor_name(actor_obj),
            ip=_client_address(current_ip.get()),
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


def escape_name(text: str) -> str:
    """Control and format characters (and the backslash) escaped, so that a crafted name
    cannot forge lines or reorder text in the log; Chinese names stay readable."""
    return "".join(
        ch if ch.isprintable() and ch != "\\" else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )[:150]


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    return escape_name(actor.username)


def _client_address(value: str | None) -> str | None:
    """A valid IP address in the form the database stores it, else ``None``.

    A unix-socket server passes an empty ``REMOTE_ADDR``; an IPv6 address may arrive in a
    non-canonical spelling. Either would be stored differently from what was hashed.
    """
    value = (value or "").strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return clean_ipv6_address(value) if ":" in value else value


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify_chain(batch: int = 2000) -> Iterator[ChainBreak]:
    """Yield every entry whose hash or link to its predecessor does not check out.

    The entry the chain head names must be in the log: deleting the newest entries
    leaves every remaining link intact, and only the head tells. After a retention purge
    the chain starts at the newest checkpoint's anchor, and that checkpoint must be the
    one a chained ``audit.purged`` entry names.
    """
    genesis = "0" * 64
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    head_seen = head in (None, genesis)
    previous = genesis
    if checkpoint is not None:
        previous = checkpoint.anchor
        attested = AuditEntry.objects.filter(
            action="audit.purged", after__anchor=checkpoint.anchor, after__purged=checkpoint.purged
        ).exists()
        if not attested:
            yield ChainBreak(checkpoint.first_id, "checkpoint")
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != previous:
                yield ChainBreak(entry.id, "link")
            if entry.compute_hash() != entry.hash:
                yield ChainBreak(entry.id, "hash")
            head_seen = head_seen or entry.hash == head
            previous = entry.hash
            last_id = entry.id
    if not head_seen:
        yield ChainBreak(last_id, "head")
