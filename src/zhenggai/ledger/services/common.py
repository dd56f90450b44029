"""Helpers shared by the ledger services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils import timezone

from zhenggai.ledger.models import Measure, MeasureKind, MeasureStatus, Problem, ProblemStatus


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-able picture of some fields, for the audit log's before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, Model):
            value = value.pk
        data[name] = value
    return data


def derive_problem_status(statuses: list[tuple[str, str]]) -> ProblemStatus:
    """The problem's status from its measures' (kind, status) pairs (DESIGN §4).

    * 已完成 — every measure closed and none is long-term;
    * 阶段性完成 — every measure closed (long-term ones have closed their initial work);
    * 未开始 — no measure has moved past draft;
    * otherwise 整改中.
    """
    if not statuses or all(status == MeasureStatus.DRAFT for _, status in statuses):
        return ProblemStatus.NOT_STARTED
    if all(status == MeasureStatus.CLOSED for _, status in statuses):
        if any(kind == MeasureKind.ONGOING for kind, _ in statuses):
            return ProblemStatus.PARTIAL
        return ProblemStatus.DONE
    return ProblemStatus.IN_PROGRESS


def refresh_problem_status(problem: Problem) -> ProblemStatus:
    """Recompute and store the problem's derived status; returns it."""
    pairs = list(Measure.objects.filter(problem=problem).values_list("kind", "status"))
    status = derive_problem_status(pairs)
    if problem.status != status:
        problem.status = status
        problem.save(update_fields=["status"])
    return status


MEASURE_AUDIT_FIELDS = [
    "status",
    "kind",
    "text",
    "group",
    "deadline",
    "responsible_leader",
    "lead_department",
    "submitted_by",
    "submitted_at",
    "closed_at",
    "version",
    "goal",
    "owner_name",
    "note",
]
