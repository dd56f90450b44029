"""Retention purge and the daily copy of the audit log (checks 17 and 18).

* :func:`purge` deletes the oldest entries, never one younger than
  ``ZHENGGAI_AUDIT_RETENTION_DAYS`` (at least 180 days, 网络安全法 第二十一条), and only a
  prefix of the chain, so what remains still verifies from a checkpoint.
* :func:`copy_days` writes each complete day (Asia/Shanghai) to ``audit-YYYY-MM-DD.jsonl``
  in a separate directory, with ``.sha256`` beside it, read-only, never rewritten.
* :func:`compare_copies` checks the database against those copies: an entry changed,
  re-hashed or deleted in the database (other than by the purge) is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from zhenggai.audit.guard import ENTRY_TABLE, maintenance
from zhenggai.audit.log import record
from zhenggai.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry


class RetentionError(ValueError):
    """A purge that would remove entries younger than the retention period."""


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    cutoff: dt.datetime
    first_id: int | None
    anchor: str | None


def retention_days(requested: int | None = None) -> int:
    floor = settings.ZHENGGAI_AUDIT_RETENTION_DAYS
    if requested is not None and requested < floor:
        raise RetentionError(f"retention of {requested} days is below the minimum of {floor} days")
    return max(requested or floor, floor)


@transaction.atomic
def purge(*, days: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Delete the entries older than the retention period that precede every younger one."""
    keep_days = retention_days(days)
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    first_kept = (
        AuditEntry.objects.filter(at__gte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    old = (
        AuditEntry.objects.all()
        if first_kept is None
        else AuditEntry.objects.filter(id__lt=first_kept)
    )
    last_old = old.order_by("-id").values("id", "hash").first()
    if last_old is None:
        return PurgeResult(0, cutoff, first_kept, None)
    count = old.count()
    if dry_run:
        return PurgeResult(count, cutoff, first_kept, last_old["hash"])
    with maintenance("purge"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ENTRY_TABLE} WHERE id <= %s", [last_old["id"]])
    entry = record(
        "audit.purged",
        after={
            "purged": count,
            "cutoff": cutoff.isoformat(),
            "first_id": first_kept,
            "anchor": last_old["hash"],
            "retention_days": keep_days,
        },
    )
    AuditCheckpoint.objects.create(
        created_at=timezone.now(),
        first_id=first_kept or entry.pk,
        anchor=last_old["hash"],
        purged=count,
        cutoff=cutoff,
    )
    return PurgeResult(count, cutoff, first_kept or entry.pk, last_old["hash"])


# ------------------------------------------------------------------ the daily copy


def entry_line(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, **entry.payload(), "prev_hash": entry.prev_hash, "hash": entry.hash}


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def _file(directory: Path, day: dt.date) -> Path:
    return directory / f"audit-{day.isoformat()}.jsonl"


def _days_to_copy(directory: Path, through: dt.date) -> Iterator[dt.date]:
    done = sorted(p.name[6:16] for p in directory.glob("audit-????-??-??.jsonl"))
    if done:
        day = dt.date.fromisoformat(done[-1]) + dt.timedelta(days=1)
    else:
        first = AuditEntry.objects.order_by("at").values_list("at", flat=True).first()
        if first is None:
            return
        day = timezone.localtime(first).date()
    while day <= through:
        yield day
        day += dt.timedelta(days=1)


def copy_days(directory: Path, *, through: dt.date | None = None) -> list[Path]:
    """Copy every complete day not yet copied (up to yesterday, or ``through``)."""
    directory.mkdir(parents=True, exist_ok=True)
    through = through or timezone.localdate() - dt.timedelta(days=1)
    written = []
    for day in _days_to_copy(directory, through):
        path = _file(directory, day)
        start, end = _day_bounds(day)
        rows = AuditEntry.objects.filter(at__gte=start, at__lt=end).order_by("id")
        digest = hashlib.sha256()
        # Exclusive creation: an existing copy is never overwritten.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for entry in rows.iterator(chunk_size=2000):
                line = json.dumps(
                    entry_line(entry), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True
                )
                handle.write(line + "\n")
                digest.update((line + "\n").encode("utf-8"))
        checksum = path.with_name(path.name + ".sha256")
        checksum.write_text(f"{digest.hexdigest()}  {path.name}\n", encoding="ascii")
        for item in (path, checksum):
            item.chmod(0o444)
        written.append(path)
    return written


@dataclass(frozen=True)
class CopyMismatch:
    entry_id: int | None
    file: str
    reason: str  # "checksum", "changed", "missing"


def compare_copies(directory: Path) -> Iterator[CopyMismatch]:
    """Every difference between the daily copies and the database."""
    cutoff = timezone.now() - dt.timedelta(days=retention_days())
    for path in sorted(directory.glob("audit-????-??-??.jsonl")):
        data = path.read_bytes()
        checksum = path.with_name(path.name + ".sha256")
        expected = checksum.read_text("ascii").split()[0] if checksum.exists() else ""
        if hashlib.sha256(data).hexdigest() != expected:
            yield CopyMismatch(None, path.name, "checksum")
            continue
        lines = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
        stored = AuditEntry.objects.in_bulk([line["id"] for line in lines])
        for line in lines:
            entry = stored.get(line["id"])
            if entry is None:
                if dt.datetime.fromisoformat(line["at"]) >= cutoff:
                    yield CopyMismatch(line["id"], path.name, "missing")
            elif entry.hash != line["hash"] or entry.compute_hash() != line["hash"]:
                yield CopyMismatch(line["id"], path.name, "changed")
