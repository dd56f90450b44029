"""Flags and findings as plain template data: what pages and reports show.

:func:`view_flags` turns stored flags (and :func:`view_findings` unsaved findings,
e.g. in the import preview) into :class:`FlagView` values with the rule's title and
explanation, quoted spans with their place, related items with links only where the
viewing user may see the measure, and the dismissal. The templates
``quality/_flags.html`` and ``quality/check_report.html`` render them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import visible_measures
from zhenggai.quality.engine import Finding, Severity, get_rule
from zhenggai.quality.models import Flag, FlagStatus


def _source_labels() -> dict[str, str]:
    return {
        "measure": _("措施"),
        "stated": _("整改落实情况"),
        "problem": _("问题"),
        "report": _("报告"),
        "progress": _("进展报告"),
        "status": _("台账状态"),
        "evidence": _("佐证材料"),
    }


def place(problem: str | None, measure: int | None) -> str:
    """``问题(3)第2项``, ``问题(3)`` or empty."""
    if problem is None:
        return ""
    if measure is None:
        return _("问题(%(p)s)") % {"p": problem}
    return _("问题(%(p)s)第%(m)s项") % {"p": problem, "m": measure}


@dataclass(frozen=True)
class SpanView:
    text: str
    source: str
    source_label: str
    where: str
    file_name: str = ""
    sha256: str = ""
    content_type: str = ""
    uploaded_at: str = ""
    evidence_id: int | None = None


@dataclass(frozen=True)
class RelatedView:
    label: str
    problem: str | None
    measure: int | None
    measure_id: int | None
    external: bool
    unit: str = ""
    year: int | None = None
    similarity: str = ""


@dataclass(frozen=True)
class FlagView:
    """Everything a page needs to show one flag (or one unsaved finding, ``id`` None)."""

    id: int | None
    rule: str
    title: str
    explanation: str
    severity: str
    severity_label: str
    message: str
    where: str
    problem: str | None
    measure: int | None
    problem_id: int | None
    measure_id: int | None
    spans: tuple[SpanView, ...]
    related: tuple[RelatedView, ...]
    status: str = FlagStatus.OPEN
    status_label: str = ""
    is_current: bool = True
    dismissed_by: str = ""
    dismissed_at: dt.datetime | None = None
    dismiss_reason: str = ""
    can_dismiss: bool = False

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN


def _spans(data: Iterable[dict[str, Any]]) -> tuple[SpanView, ...]:
    labels = _source_labels()
    views = []
    for span in data:
        file = span.get("file") or {}
        views.append(
            SpanView(
                text=span.get("text", ""),
                source=span.get("source", ""),
                source_label=labels.get(span.get("source", ""), span.get("source", "")),
                where=place(span.get("problem"), span.get("measure")),
                file_name=file.get("name", ""),
                sha256=file.get("sha256", ""),
                content_type=file.get("content_type", ""),
                uploaded_at=file.get("uploaded_at", ""),
                evidence_id=file.get("evidence_id"),
            )
        )
    return tuple(views)


def _related(data: Iterable[dict[str, Any]], visible: set[int] | None) -> tuple[RelatedView, ...]:
    views = []
    for ref in data:
        external = ref.get("inspection_id") is not None
        label = place(ref.get("problem"), ref.get("measure"))
        if external:
            label = _("%(unit)s(%(year)s年)%(place)s") % {
                "unit": ref.get("unit", ""),
                "year": ref.get("year", ""),
                "place": label,
            }
        measure_id = ref.get("measure_id")
        if visible is not None and measure_id not in visible:
            measure_id = None
        similarity = ref.get("similarity")
        views.append(
            RelatedView(
                label=label,
                problem=ref.get("problem"),
                measure=ref.get("measure"),
                measure_id=measure_id,
                external=external,
                unit=ref.get("unit", ""),
                year=ref.get("year"),
                similarity=f"{similarity:.0%}" if similarity else "",
            )
        )
    return tuple(views)


def _base(rule_id: str, severity: str) -> dict[str, Any]:
    rule = get_rule(rule_id)
    return {
        "rule": rule_id,
        "title": str(rule.title),
        "explanation": str(rule.explanation),
        "severity": severity,
        "severity_label": str(Severity(severity).label),
    }


def anchor_of(flag: Flag) -> tuple[str | None, int | None, str]:
    """The anchor's problem number and measure position, and who dismissed the flag.

    Read from the columns :func:`~zhenggai.quality.selectors.flags_for_measure` adds
    when they are there, else from the related rows (``select_related`` by the caller).
    """
    values = flag.__dict__
    if "problem_number" in values:
        problem = values["problem_number"] if flag.problem_id else None
        measure = values["measure_position"] if flag.measure_id else None
        return problem, measure, values["dismissed_by_name"] or ""
    problem = flag.problem.number if flag.problem_id else None
    measure = flag.measure.position if flag.measure_id else None
    dismissed_by = flag.dismissed_by
    return (
        problem,
        measure,
        (dismissed_by.display_name or dismissed_by.username) if dismissed_by else "",
    )


def view_flags(flags: Sequence[Flag], user: Any = None) -> list[FlagView]:
    """Template data for stored flags; with ``user``, links only to measures they may see."""
    from zhenggai.quality.services import can_dismiss_flag

    visible: set[int] | None = None
    if user is not None:
        ids = {r.get("measure_id") for f in flags for r in f.related if r.get("measure_id")}
        visible = set(visible_measures(user).filter(pk__in=ids).values_list("pk", flat=True))
    views = []
    for flag in flags:
        problem, measure, dismissed_by = anchor_of(flag)
        views.append(
            FlagView(
                id=flag.pk,
                **_base(flag.rule, flag.severity),
                message=flag.message,
                where=place(problem, measure),
                problem=problem,
                measure=measure,
                problem_id=flag.problem_id,
                measure_id=flag.measure_id,
                spans=_spans(flag.spans),
                related=_related(flag.related, visible),
                status=flag.status,
                status_label=str(FlagStatus(flag.status).label),
                is_current=flag.is_current,
                dismissed_by=dismissed_by,
                dismissed_at=flag.dismissed_at,
                dismiss_reason=flag.dismiss_reason,
                can_dismiss=user is not None and flag.is_open and can_dismiss_flag(user, flag),
            )
        )
    return views


def view_findings(findings: Sequence[Finding]) -> list[FlagView]:
    """Template data for findings not stored (a report before import)."""
    return [
        FlagView(
            id=None,
            **_base(f.rule, f.severity),
            message=f.message,
            where=place(f.problem, f.measure),
            problem=f.problem,
            measure=f.measure,
            problem_id=None,
            measure_id=None,
            spans=_spans(s.to_json() for s in f.spans),
            related=_related((r.to_json() for r in f.related), None),
            status_label=str(FlagStatus.OPEN.label),
        )
        for f in findings
    ]


def flag_json(flag: Flag) -> dict[str, Any]:
    """A stored flag in the shape of :meth:`Finding.to_json`, plus ``id`` and ``status``."""
    return {
        "id": flag.pk,
        "rule": flag.rule,
        "title": str(get_rule(flag.rule).title),
        "severity": flag.severity,
        "problem": flag.problem.number if flag.problem_id else None,
        "measure": flag.measure.position if flag.measure_id else None,
        "related": flag.related,
        "spans": flag.spans,
        "message": flag.message,
        "status": flag.status,
        "dismiss_reason": flag.dismiss_reason,
    }
