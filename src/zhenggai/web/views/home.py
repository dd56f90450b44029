"""我的待办: what waits for this person, most urgent first, one click from the action."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import roles_of, scope_of, visible_inspections, visible_measures
from zhenggai.core.db import planned_each_time
from zhenggai.ledger.models import MeasureStatus, ReviewDecision
from zhenggai.web import clock
from zhenggai.web.lights import near_q, overdue_q
from zhenggai.web.queries import (
    MostOverdue,
    closure_queue,
    completion_rate,
    department_measures,
    leader_queue,
    unit_ids_with_role,
    urgent_first,
    with_ledger_columns,
)

#: Rows per section; the section says when there are more and links to the full list.
HOME_LIMIT = 20


@dataclass
class Section:
    key: str
    title: str
    hint: str
    empty: str
    action: str  # which buttons each row gets: update / leader / closure / watch / units
    rows: list[Any] = field(default_factory=list)
    more: bool = False


#: What each section says and which buttons its rows get, by key; ``_section`` adds rows.
SECTIONS: dict[str, Section] = {
    section.key: section
    for section in (
        # Section(key, title, hint, empty, action)
        Section(
            "returned",
            _("被退回或重新打开的措施"),
            _("审核人退回或重新打开了这些措施,请按意见补充后重新提交。"),
            _("没有被退回的措施。"),
            "update",
        ),
        Section(
            "update",
            _("本部门需要报送进展的措施"),
            _("逾期的在最前,其次是完成时限最近的。完成后上传佐证材料并提交审核。"),
            _("本部门暂无需要报送进展的措施。"),
            "update",
        ),
        Section(
            "leader",
            _("等待我审核的措施"),
            _("责任部门已提交完成情况,请您审核:通过后转主要负责人销号,退回须写明理由。"),
            _("没有等待您审核的措施。"),
            "leader",
        ),
        Section(
            "closure",
            _("等待我销号的措施"),
            _("分管领导已审核通过,请您确认销号或退回。"),
            _("没有等待销号的措施。"),
            "closure",
        ),
        Section(
            "urgent",
            _("逾期和临期的措施"),
            _("完成时限已过或在10天之内、尚未销号的措施,请督促责任部门。"),
            _("本单位没有逾期或临期的措施。"),
            "watch",
        ),
        Section(
            "unassigned",
            _("未指定牵头部门的措施"),
            _("这些措施还没有牵头部门,没有人会报送进展。"),
            _("所有措施都已指定牵头部门。"),
            "watch",
        ),
        Section(
            "units",
            _("所辖被巡察单位的整改情况"),
            _("逾期措施多的单位在前。完成率 =(已完成 + 阶段性完成)÷ 问题总数。"),
            _("本轮次尚未登记被巡察单位。"),
            "units",
        ),
        Section(
            "extensions",
            _("等待我审批的延期申请"),
            _("牵头部门申请延期;原完成时限不变,批准的延期时限记录在旁边。"),
            _("没有等待审批的延期申请。"),
            "watch",
        ),
        Section(
            "orders",
            _("被督办的措施"),
            _("巡察办下发了督办单,请在“督办”中反馈办理情况。"),
            _("本单位没有待反馈的督办单。"),
            "watch",
        ),
    )
}


def _section(key: str, rows: QuerySet) -> Section:
    """The section ``key`` with its rows, in one query (plus the page's prefetch).

    Fetches one row more than shown to know of more.
    """
    fetched = list(rows[: HOME_LIMIT + 1])
    return replace(SECTIONS[key], rows=fetched[:HOME_LIMIT], more=len(fetched) > HOME_LIMIT)


def _ledger_rows(measures: QuerySet) -> QuerySet:
    """The measures with what a row of "my work" shows: the unit, the lead department and
    the last review (a returned measure shows why); no second query."""
    return with_ledger_columns(
        measures, supporting=False, progress=False, evidence=False, flags=False
    )


def _department_sections(user: Any) -> list[Section]:
    mine = _ledger_rows(department_measures(user))
    sent_back = Q(last_decision__in=[ReviewDecision.RETURNED, ReviewDecision.REOPENED])
    returned = mine.filter(sent_back, status=MeasureStatus.IN_PROGRESS)
    to_update = mine.filter(status__in=[MeasureStatus.DRAFT, MeasureStatus.IN_PROGRESS]).filter(
        Q(last_decision__isnull=True) | ~sent_back
    )
    return [
        _section("returned", urgent_first(returned)),
        _section("update", urgent_first(to_update)),
    ]


def _coordinator_sections(user: Any) -> list[Section]:
    today = clock.today()
    units = unit_ids_with_role(user, Role.COORDINATOR)
    unit_measures = _ledger_rows(visible_measures(user).filter(inspection__unit_id__in=units))
    unassigned = unit_measures.filter(lead_department__isnull=True).exclude(
        status=MeasureStatus.CLOSED
    )
    return [
        _section("urgent", urgent_first(unit_measures.filter(overdue_q(today) | near_q(today)))),
        _section("unassigned", urgent_first(unassigned)),
    ]


def _office_section(user: Any) -> Section:
    with planned_each_time():
        section = _section("units", MostOverdue(visible_inspections(user), clock.today()))
    for row in section.rows:
        row.rate = completion_rate(row.problems_done, row.problems_partial, row.problems_total)
    return section


def _supervision_sections(user: Any, roles: set[str]) -> list[Section]:
    """Extensions waiting for this person's decision and supervision orders to answer."""
    from zhenggai.supervision.models import ExtensionStatus, OrderStatus

    sections: list[Section] = []
    visible = visible_measures(user)
    if roles & {Role.LEADER, Role.SECRETARY}:
        mine = Q(
            responsible_leader=user, inspection__unit_id__in=unit_ids_with_role(user, Role.LEADER)
        )
        mine |= Q(inspection__unit_id__in=unit_ids_with_role(user, Role.SECRETARY))
        pending = visible.filter(mine, extension_requests__status=ExtensionStatus.PENDING)
        sections.append(_section("extensions", urgent_first(_ledger_rows(pending.distinct()))))
    answering = unit_ids_with_role(user, Role.COORDINATOR) | unit_ids_with_role(
        user, Role.SECRETARY
    )
    if answering:
        ordered = visible.filter(
            inspection__unit_id__in=answering,
            supervision_orders__status__in=[OrderStatus.ISSUED, OrderStatus.RETURNED],
        )
        sections.append(_section("orders", urgent_first(_ledger_rows(ordered.distinct()))))
    return sections


def build_sections(user: Any, roles: set[str]) -> list[Section]:
    sections: list[Section] = []
    if Role.DEPARTMENT in roles:
        sections += _department_sections(user)
    if Role.LEADER in roles:
        queue = _ledger_rows(leader_queue(user)).order_by(
            F("deadline").asc(nulls_last=True), "submitted_at"
        )
        sections.append(_section("leader", queue))
    if Role.SECRETARY in roles:
        sections.append(_section("closure", urgent_first(_ledger_rows(closure_queue(user)))))
    if Role.COORDINATOR in roles:
        sections += _coordinator_sections(user)
    if Role.OFFICE in roles:
        sections.append(_office_section(user))
    sections += _supervision_sections(user, roles)
    return sections


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = roles_of(user)
    if not scope_of(user).has_business_access:
        return render(
            request,
            "web/home_admin.html",
            {"admin_roles": sorted(scope_of(user).admin_roles), "roles": roles},
        )
    context = {
        "sections": build_sections(user, roles),
        "is_inspector": Role.INSPECTOR in roles,
        "today": clock.today(),
    }
    if roles & {Role.COORDINATOR, Role.SECRETARY}:
        # The public's messages on published reports wait for the unit's answer (one COUNT).
        from zhenggai.documents.report.feedback import open_feedback_count

        context["feedback_open"] = open_feedback_count(user)
    return render(request, "web/home.html", context)
