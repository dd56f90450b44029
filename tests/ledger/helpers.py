"""Shared helpers for the ledger tests: an injected clock and audit-log assertions."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from tests.world import PNG, World, pdf_file
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import workflow

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def audit_mark() -> int:
    """The id of the newest audit entry; entries written later have larger ids."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def entries_since(mark: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=mark).order_by("id"))


def assert_transitions(mark: int, expected: list[tuple[str, Any, str, str]]) -> None:
    """The audit entries written since ``mark`` are exactly these (action, actor, before, after)."""
    got = [
        (e.action, e.actor_id, (e.before or {}).get("status"), (e.after or {}).get("status"))
        for e in entries_since(mark)
    ]
    assert got == [(action, actor.pk, before, after) for action, actor, before, after in expected]


def png_file(name: str = "现场照片.png") -> tuple[str, BytesIO]:
    return name, BytesIO(PNG)


def reload(measure: Measure) -> Measure:
    return Measure.objects.get(pk=measure.pk)


# ------------------------------------------------------------- bring a measure to a state


def to_in_progress(world: World, measure: Measure, *, evidence: bool = True) -> Measure:
    files = [pdf_file()] if evidence else []
    workflow.report_progress(
        measure=measure, actor=world.dept, text="已召开专题会议部署。", files=files, now=at(0)
    )
    return reload(measure)


def to_submitted(world: World, measure: Measure) -> Measure:
    to_in_progress(world, measure)
    workflow.submit_for_review(measure=measure, actor=world.dept, text="已全部完成。", now=at(1))
    return reload(measure)


def to_approved(world: World, measure: Measure) -> Measure:
    to_submitted(world, measure)
    workflow.leader_review(measure=measure, actor=world.leader, approve=True, now=at(2))
    return reload(measure)


def to_closed(world: World, measure: Measure) -> Measure:
    to_approved(world, measure)
    workflow.close_measure(measure=measure, actor=world.secretary, approve=True, now=at(3))
    return reload(measure)
