"""Due reminders: which items have a light that nobody has been told about yet, and whom to tell.

Levels and recipients (standards.md §3.2, 江津):

* green  → the lead department's handler (主办人; the unit's 整改办 for plan/report dates);
* yellow → also the responsible leader (分管领导; the secretary for plan/report dates);
* red    → also the unit's secretary (主要负责人).

Green and yellow are told once per item; red again every ``red_repeat_days`` of the
item's jurisdiction's light rule (the configured default without one). The
``Delivery`` unique constraint (item, level, day, user, channel) makes a second run on
the same day a no-op, even when two runs race.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Membership, Role, User
from zhenggai.supervision.lights import (
    SPECS,
    RuleValues,
    annotate_lights,
    base_queryset,
    per_jurisdiction_q,
    rules_by_jurisdiction,
)
from zhenggai.supervision.models import (
    Delivery,
    DeliveryStatus,
    ItemKind,
    Light,
    NotificationPreference,
)

LEVELS = (Light.RED, Light.YELLOW, Light.GREEN)
LEVEL_WORDS = {Light.RED: _("红灯·逾期"), Light.YELLOW: _("黄灯·临期"), Light.GREEN: _("绿灯·预警")}

#: Per kind: the columns each due row needs to name recipients and write the message.
COLUMNS = {
    ItemKind.MEASURE: (
        "pk",
        "light",
        "text",
        "effective_deadline",
        "lead_department_id",
        "responsible_leader_id",
        "inspection__unit_id",
        "inspection__unit__name",
    ),
    ItemKind.MILESTONE: (
        "pk",
        "light",
        "title",
        "due_date",
        "measure__lead_department_id",
        "measure__responsible_leader_id",
        "measure__inspection__unit_id",
        "measure__inspection__unit__name",
    ),
    ItemKind.PLAN: ("pk", "light", "unit_name", "plan_due", None, None, "unit_id", "unit__name"),
    ItemKind.REPORT: (
        "pk",
        "light",
        "unit_name",
        "report_due",
        None,
        None,
        "unit_id",
        "unit__name",
    ),
}


@dataclass(slots=True)
class DueItem:
    kind: str
    pk: int
    level: str
    text: str
    deadline: dt.date | None
    department_id: int | None
    leader_id: int | None
    unit_id: int
    unit_name: str


def already_told(kind: str, today: dt.date, rules: dict[int, RuleValues], default: RuleValues) -> Q:
    """A delivery of this item at its current light: ever (green/yellow), or within the
    red repeat interval of the item's jurisdiction (its own light rule, else the default).
    """
    told = Delivery.objects.filter(item_kind=kind, item_id=OuterRef("pk"))
    once = Exists(told.filter(level=OuterRef("light"), level__in=[Light.GREEN, Light.YELLOW]))

    def red_within(rule: RuleValues) -> Q:
        since = today - dt.timedelta(days=rule.red_repeat_days)
        return Q(light=Light.RED) & Q(Exists(told.filter(level=Light.RED, day__gt=since)))

    return Q(once) | per_jurisdiction_q(rules, default, red_within, SPECS[kind].jurisdiction)


def due_queryset(kind: str, today: dt.date, rows: QuerySet | None = None) -> QuerySet:
    """Items of ``kind`` with a light and no reminder yet for it (a database query)."""
    rows = base_queryset(kind) if rows is None else rows
    rules = rules_by_jurisdiction()
    return (
        annotate_lights(rows, today, kind, rules)
        .filter(light__in=LEVELS)
        .exclude(already_told(kind, today, rules, RuleValues.defaults()))
    )


def due_items(kind: str, today: dt.date, rows: QuerySet | None = None) -> list[DueItem]:
    """The due items with what naming their recipients needs (plain tuples from the
    database; a million-row ledger yields a few hundred thousand of them)."""
    columns = COLUMNS[ItemKind(kind)]
    wanted = [c for c in columns if c]
    fetched = due_queryset(kind, today, rows).order_by().values_list(*wanted)
    if len(wanted) == len(columns):
        return [
            DueItem(kind, pk, level, text or "", deadline, dept, leader, unit, name or "")
            for pk, level, text, deadline, dept, leader, unit, name in fetched.iterator(5000)
        ]
    return [
        DueItem(kind, pk, level, text or "", deadline, None, None, unit, name or "")
        for pk, level, text, deadline, unit, name in fetched.iterator(5000)
    ]


class Recipients:
    """Who holds each role, loaded once per run for the units concerned."""

    def __init__(self, items: list[DueItem]) -> None:
        units = {i.unit_id for i in items}
        departments = {i.department_id for i in items if i.department_id}
        rows = Membership.objects.filter(
            Q(organisation_id__in=units, role__in=[Role.SECRETARY, Role.COORDINATOR])
            | Q(organisation_id__in=departments, role=Role.DEPARTMENT),
            user__is_active=True,
        ).values_list("organisation_id", "role", "user_id")
        self.by_org_role: dict[tuple[int, str], set[int]] = defaultdict(set)
        for org, role, user in rows:
            self.by_org_role[(org, role)].add(user)

    def for_item(self, item: DueItem) -> set[int]:
        level = item.level
        roles = self.by_org_role
        if item.kind in (ItemKind.PLAN, ItemKind.REPORT):
            people = set(roles.get((item.unit_id, Role.COORDINATOR), ()))
            if level != Light.GREEN:
                people |= roles.get((item.unit_id, Role.SECRETARY), set())
            return people
        people = set(roles.get((item.department_id, Role.DEPARTMENT), ()))
        if level != Light.GREEN and item.leader_id:
            people.add(item.leader_id)
        if level == Light.RED:
            people |= roles.get((item.unit_id, Role.SECRETARY), set())
        return people


def channels_of(user_ids: set[int]) -> dict[int, list[str]]:
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    emails = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    result = {}
    for uid in user_ids:
        pref = prefs.get(uid) or NotificationPreference(user_id=uid)
        result[uid] = pref.channels(has_email=bool(emails.get(uid)))
    return result


def message(item: DueItem, today: dt.date) -> tuple[str, str, str]:
    label = str(ItemKind(item.kind).label)
    words = LEVEL_WORDS[Light(item.level)]
    days = (item.deadline - today).days if item.deadline else None
    if days is None:
        when = _("长期坚持事项已较长时间未报送进展")
    elif days < 0:
        when = _("已逾期%(n)s天") % {"n": -days}
    else:
        when = _("距完成时限还有%(n)s天") % {"n": days}
    title = f"【{words}】{item.unit_name} {label}:{item.text[:40]}"
    body = _("%(label)s“%(text)s”完成时限%(date)s,%(when)s。") % {
        "label": label,
        "text": item.text[:100],
        "date": item.deadline.isoformat() if item.deadline else "—",
        "when": when,
    }
    return title, body, item_url(item)


def item_url(item: Any) -> str:
    if item.kind == ItemKind.MEASURE:
        return reverse("web:measure.detail", args=[item.pk])
    if item.kind == ItemKind.MILESTONE:
        from zhenggai.ledger.models import Milestone

        measure_id = (
            Milestone.objects.filter(pk=item.pk).values_list("measure_id", flat=True).first()
        )
        return reverse("web:measure.detail", args=[measure_id])
    return reverse("web:ledger", args=[item.pk])


def plan_deliveries(today: dt.date, kinds: tuple[str, ...] | None = None) -> list[int]:
    """Create the pending deliveries of every due item; returns their ids."""
    kinds = kinds or (ItemKind.MEASURE, ItemKind.MILESTONE, ItemKind.PLAN, ItemKind.REPORT)
    items = [item for kind in kinds for item in due_items(kind, today)]
    if not items:
        return []
    recipients = Recipients(items)
    per_item = {(i.kind, i.pk): recipients.for_item(i) for i in items}
    channels = channels_of(set().union(*per_item.values()))
    now = timezone.now()
    rows = []
    for item in items:
        title, body, url = message(item, today)
        org = item.department_id or item.unit_id
        for uid in sorted(per_item[(item.kind, item.pk)]):
            for channel in channels[uid]:
                rows.append(
                    Delivery(
                        item_kind=item.kind,
                        item_id=item.pk,
                        level=item.level,
                        day=today,
                        user_id=uid,
                        channel=channel,
                        organisation_id=org,
                        title=title[:200],
                        body=body,
                        url=url,
                        created_at=now,
                    )
                )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return list(
        Delivery.objects.filter(
            day=today, status=DeliveryStatus.PENDING, created_at=now
        ).values_list("pk", flat=True)
    )


def pending_ids() -> list[int]:
    """Deliveries left pending by an earlier run (a bot out of tokens, a throttled bot)."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts__lt=5).values_list(
            "pk", flat=True
        )
    )
