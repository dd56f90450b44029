"""Fingerprints of the ledger state a report was composed from.

A report stores the SHA-256 of every ledger row it was composed from and the audit
chain's head at that moment; comparing a fresh fingerprint tells whether the ledger
changed since, and the audit head ties the report to the (hash-chained) history.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import QuerySet

from zhenggai.audit.models import AuditChainHead
from zhenggai.ledger.models import (
    Accountability,
    Category,
    Inspection,
    Institution,
    Measure,
    Problem,
    Recovery,
)


def _feed(digest: Any, label: str, rows: QuerySet[Any]) -> None:
    digest.update(label.encode())
    for row in rows:
        digest.update(json.dumps(row, default=str, ensure_ascii=False).encode("utf-8"))


def ledger_fingerprint(inspection: Inspection) -> str:
    """SHA-256 over every ledger row a report of ``inspection`` is composed from."""
    digest = hashlib.sha256()
    scoped = {"inspection_id": inspection.pk}
    _feed(
        digest,
        "inspection",
        Inspection.objects.filter(pk=inspection.pk).values_list(
            "unit_name",
            "team",
            "period_start",
            "period_end",
            "feedback_date",
            "report_date",
            "issuer",
            "organisation_text",
            "next_steps_text",
            "contact",
            "plan_approved_at",
        ),
    )
    _feed(
        digest,
        "category",
        Category.objects.filter(**scoped)
        .order_by("pk")
        .values_list("pk", "number", "position", "title"),
    )
    _feed(
        digest,
        "problem",
        Problem.objects.filter(**scoped)
        .order_by("pk")
        .values_list("pk", "category_id", "position", "text", "status", "is_public"),
    )
    _feed(
        digest,
        "measure",
        Measure.objects.filter(**scoped)
        .order_by("pk")
        .values_list(
            "pk",
            "problem_id",
            "position",
            "group",
            "text",
            "kind",
            "status",
            "deadline",
            "closed_at",
        ),
    )
    _feed(
        digest,
        "accountability",
        Accountability.objects.filter(**scoped).order_by("pk").values_list("pk", "form", "people"),
    )
    _feed(
        digest,
        "institution",
        Institution.objects.filter(**scoped).order_by("pk").values_list("pk", "title", "kind"),
    )
    _feed(
        digest,
        "recovery",
        Recovery.objects.filter(**scoped).order_by("pk").values_list("pk", "amount_yuan"),
    )
    return digest.hexdigest()


def audit_head() -> str:
    return (
        AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or "0" * 64
    )
