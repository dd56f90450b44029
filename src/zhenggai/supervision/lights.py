"""红黄绿灯: the light of measures, milestones, plan and report due dates, in the database.

Decision (documented in docs/supervision.md): beyond ``green_days`` an item has **no**
light (``none``), as in standards.md §3.5 (江津: 21 days → none, 20 → 绿, 10 → 黄,
overdue → 红). A closed item is never red: it is ``closed``. A long-term (长期坚持)
measure whose last progress update (or creation) is older than ``stale_days`` is yellow
whatever its deadline, unless it is already red.

The *effective deadline* of a measure is its approved extension if any, else its
original deadline (``Coalesce(extended_deadline, deadline)``). Lights are a
``Case``/``When`` annotation over whole querysets; nothing is computed row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhenggai.ledger.models import Inspection, Measure, MeasureKind, MeasureStatus, Milestone
from zhenggai.supervision import conf
from zhenggai.supervision.models import ItemKind, Light, LightRule

__all__ = [
    "Light",
    "RuleValues",
    "annotate_lights",
    "effective_deadline",
    "extended_q",
    "overdue_q",
]


@dataclass(frozen=True)
class RuleValues:
    green_days: int
    yellow_days: int
    stale_days: int
    red_repeat_days: int

    @classmethod
    def defaults(cls) -> RuleValues:
        return cls(
            conf.get("ZHENGGAI_LIGHT_GREEN_DAYS"),
            conf.get("ZHENGGAI_LIGHT_YELLOW_DAYS"),
            conf.get("ZHENGGAI_LIGHT_STALE_DAYS"),
            conf.get("ZHENGGAI_LIGHT_RED_REPEAT_DAYS"),
        )

    @classmethod
    def of(cls, rule: LightRule) -> RuleValues:
        return cls(rule.green_days, rule.yellow_days, rule.stale_days, rule.red_repeat_days)


def rules_by_jurisdiction() -> dict[int, RuleValues]:
    """The configured per-jurisdiction rules (usually a handful of rows)."""
    return {r.jurisdiction_id: RuleValues.of(r) for r in LightRule.objects.all()}


def rule_for(jurisdiction_id: int | None) -> RuleValues:
    rule = LightRule.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return RuleValues.of(rule) if rule else RuleValues.defaults()


# ---------------------------------------------------------------- measures


def effective_deadline(prefix: str = "") -> Coalesce:
    return Coalesce(F(f"{prefix}extended_deadline"), F(f"{prefix}deadline"))


def _before(field_deadline: str, field_extended: str | None, day: dt.date) -> Q:
    """Effective deadline < ``day``, written so that each branch can use an index."""
    if field_extended is None:
        return Q(**{f"{field_deadline}__lt": day})
    return Q(**{f"{field_extended}__isnull": True, f"{field_deadline}__lt": day}) | Q(
        **{f"{field_extended}__lt": day}
    )


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """逾期: past the effective deadline and not closed."""
    return _before(f"{prefix}deadline", f"{prefix}extended_deadline", today) & ~Q(
        **{f"{prefix}status": MeasureStatus.CLOSED}
    )


def extended_q(today: dt.date, prefix: str = "") -> Q:
    """已延期: open, with an approved extension that has not run out — apart from 逾期."""
    return Q(**{f"{prefix}extended_deadline__gte": today}) & ~Q(
        **{f"{prefix}status": MeasureStatus.CLOSED}
    )


def _within(days: int, today: dt.date, field: str) -> Q:
    return Q(**{f"{field}__lte": today + dt.timedelta(days=days)})


def per_jurisdiction_q(
    rules: dict[int, RuleValues], default: RuleValues, build: callable, jur_field: str
) -> Q:
    """``build(rule)`` under each jurisdiction's rule, the default for the others."""
    if not rules:
        return build(default)
    q = ~Q(**{f"{jur_field}__in": list(rules)}) & build(default)
    for jurisdiction_id, rule in rules.items():
        q |= Q(**{jur_field: jurisdiction_id}) & build(rule)
    return q


@dataclass(frozen=True)
class Spec:
    """How to read one kind of item: its deadline, its closed test, its jurisdiction."""

    deadline: str
    closed: Q
    jurisdiction: str
    stale: bool = False


SPECS = {
    ItemKind.MEASURE: Spec(
        "effective_deadline",
        Q(status=MeasureStatus.CLOSED),
        "inspection__round__jurisdiction_id",
        stale=True,
    ),
    ItemKind.MILESTONE: Spec(
        "due_date",
        Q(done_on__isnull=False) | Q(measure__status=MeasureStatus.CLOSED),
        "measure__inspection__round__jurisdiction_id",
    ),
    ItemKind.PLAN: Spec("plan_due", Q(plan_approved_at__isnull=False), "round__jurisdiction_id"),
    ItemKind.REPORT: Spec("report_due", Q(report_date__isnull=False), "round__jurisdiction_id"),
}


def light_expression(
    kind: str,
    today: dt.date,
    rules: dict[int, RuleValues] | None = None,
    default: RuleValues | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The light of each row of ``kind`` as a ``Case``; rows need ``effective_deadline``
    annotated for measures (see :func:`annotate_lights`)."""
    spec = SPECS[ItemKind(kind)]
    rules = rules_by_jurisdiction() if rules is None else rules
    default = default or RuleValues.defaults()
    field = spec.deadline
    whens = [
        When(spec.closed & _stale_q(spec, rules, default, today, now), then=Value(Light.YELLOW)),
        When(spec.closed, then=Value(Light.CLOSED)),
        When(Q(**{f"{field}__lt": today}), then=Value(Light.RED)),
        When(
            per_jurisdiction_q(
                rules, default, lambda r: _within(r.yellow_days, today, field), spec.jurisdiction
            ),
            then=Value(Light.YELLOW),
        ),
        When(_stale_q(spec, rules, default, today, now), then=Value(Light.YELLOW)),
        When(
            per_jurisdiction_q(
                rules, default, lambda r: _within(r.green_days, today, field), spec.jurisdiction
            ),
            then=Value(Light.GREEN),
        ),
    ]
    return Case(*whens, default=Value(Light.NONE), output_field=CharField())


def _stale_q(
    spec: Spec,
    rules: dict[int, RuleValues],
    default: RuleValues,
    today: dt.date,
    now: dt.datetime | None,
) -> Q:
    if not spec.stale:
        return Q(pk__in=[])
    start = now or timezone.make_aware(dt.datetime.combine(today, dt.time.min))

    def build(rule: RuleValues) -> Q:
        cutoff = start - dt.timedelta(days=rule.stale_days)
        return Q(kind=MeasureKind.ONGOING) & (
            Q(last_progress_at__lt=cutoff) | Q(last_progress_at__isnull=True, created_at__lt=cutoff)
        )

    return per_jurisdiction_q(rules, default, build, spec.jurisdiction)


def base_queryset(kind: str) -> QuerySet:
    return {
        ItemKind.MEASURE: Measure.objects.all(),
        ItemKind.MILESTONE: Milestone.objects.all(),
        ItemKind.PLAN: Inspection.objects.all(),
        ItemKind.REPORT: Inspection.objects.all(),
    }[ItemKind(kind)]


def annotate_lights(
    rows: QuerySet,
    today: dt.date,
    kind: str = ItemKind.MEASURE,
    rules: dict[int, RuleValues] | None = None,
    name: str = "light",
) -> QuerySet:
    """``rows`` with ``light`` (and ``effective_deadline`` for measures) annotated."""
    if kind == ItemKind.MEASURE:
        rows = rows.annotate(effective_deadline=effective_deadline())
    return rows.annotate(**{name: light_expression(kind, today, rules)})


def light_counts(rows: QuerySet, today: dt.date, kind: str = ItemKind.MEASURE) -> dict[str, int]:
    """``{light: count}`` over ``rows`` in one aggregate query."""
    from django.db.models import Count

    counted = annotate_lights(rows.order_by(), today, kind).values("light").annotate(n=Count("pk"))
    result = {light.value: 0 for light in Light}
    for row in counted:
        result[row["light"]] = row["n"]
    return result


LIGHT_LABELS = {
    Light.RED: ("红", "逾期"),
    Light.YELLOW: ("黄", "临期"),
    Light.GREEN: ("绿", "预警"),
    Light.CLOSED: ("蓝", "已办结"),
    Light.NONE: ("", ""),
}
