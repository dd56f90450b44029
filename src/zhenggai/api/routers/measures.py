"""Measures (list with the ledger's filters, read with ETag, create, PATCH with If-Match),
milestones and lights."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from pydantic import Field

from zhenggai.accounts.permissions import (
    get_inspection_for,
    get_measure_for,
    get_problem_for,
    inspection_measures,
    visible_measures,
)
from zhenggai.api import clock
from zhenggai.api.lights import Light, annotate, light_counts, overdue_q
from zhenggai.api.pagination import keyset_page, page_schema, sorts
from zhenggai.api.routers.common import (
    auth_user,
    check_version,
    department_by_id,
    departments_by_id,
    if_match_version,
    responses,
    user_by_id,
    with_etag,
)
from zhenggai.api.routers.ledger import PageQuery
from zhenggai.api.schemas.common import MAX_ID, Id
from zhenggai.api.schemas.measures import (
    LightCounts,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MilestoneDone,
    MilestoneIn,
    MilestoneOut,
)
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureStatus, Milestone
from zhenggai.ledger.services import plan

router = Router(tags=["measures"])

MeasurePage = page_schema(MeasureOut, "MeasurePage")
MilestonePage = page_schema(MilestoneOut, "MilestonePage")
MEASURE_SORTS = sorts(("id", int, False), ("deadline", dt.date, True))
PK = Path(..., ge=1, le=MAX_ID)
IF_MATCH = Header(None, alias="If-Match", description='The ETag read before, e.g. W/"3"')


class MeasureQuery(PageQuery):
    """The ledger's filters (DESIGN: category, status, department, leader, overdue)."""

    inspection: Id | None = None
    problem: Id | None = None
    category: Id | None = None
    status: MeasureStatus | None = None
    department: Id | None = Field(None, description="lead department")
    leader: Id | None = Field(None, description="responsible leader (user id)")
    overdue: bool | None = Field(None, description="only past their deadline and not closed")
    light: Light | None = None
    sort: Literal["id", "-id", "deadline", "-deadline"] = "id"


def filter_measures(rows: Any, query: MeasureQuery, today: dt.date) -> Any:
    simple = {
        "inspection_id": query.inspection,
        "problem_id": query.problem,
        "problem__category_id": query.category,
        "status": query.status,
        "lead_department_id": query.department,
        "responsible_leader_id": query.leader,
    }
    rows = rows.filter(**{k: v for k, v in simple.items() if v is not None})
    if query.overdue is not None:
        overdue = overdue_q(today)
        rows = rows.filter(overdue) if query.overdue else rows.exclude(overdue)
    rows = annotate(rows, today)
    if query.light is not None:
        rows = rows.filter(light=query.light)
    return rows


@router.get("/measures", response=responses({200: MeasurePage}))
def list_measures(request: HttpRequest, query: Query[MeasureQuery]) -> Any:
    """The measures the caller sees, filtered, in pages (keyset on (sort key, id)).

    Queries: the caller's memberships, the page of rows, their supporting departments.
    """
    rows = filter_measures(visible_measures(auth_user(request)), query, clock.today())
    page = keyset_page(
        rows.prefetch_related("supporting_departments"),
        sort=MEASURE_SORTS[query.sort],
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/measures/{pk}", response=responses({200: MeasureOut}))
def get_measure(request: HttpRequest, response: HttpResponse, pk: int = PK) -> Measure:
    """One measure; the ``ETag`` header (``W/"<version>"``) is what PATCH needs in If-Match.

    Its light comes in the same query as the measure.
    """
    today = clock.today()
    measure = get_measure_for(auth_user(request), pk, annotate=lambda rows: annotate(rows, today))
    return with_etag(response, measure)


@router.post("/measures", response=responses({201: MeasureOut}))
def create_measure(
    request: HttpRequest, response: HttpResponse, data: MeasureIn
) -> Status[Measure]:
    """Add a measure under a problem (整改办); it starts as a draft."""
    user = auth_user(request)
    problem = get_problem_for(user, data.problem)
    measure = plan.add_measure(
        problem=problem,
        text=data.text,
        kind=data.kind,
        group=data.group.strip(),
        responsible_leader=user_by_id(data.responsible_leader, "responsible_leader"),
        lead_department=department_by_id(data.lead_department, "lead_department"),
        supporting_departments=departments_by_id(
            data.supporting_departments, "supporting_departments"
        ),
        deadline=data.deadline,
        actor=user,
    )
    return Status(201, with_etag(response, measure))


NOT_NULL = ("text", "kind", "group", "goal", "owner_name", "note")


@router.patch("/measures/{pk}", response=responses({200: MeasureOut}, 412, 428))
def update_measure(
    request: HttpRequest,
    response: HttpResponse,
    data: MeasurePatch,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    """Change a measure (整改办). ``If-Match`` is required: 428 without it, 412 if stale.

    The version is checked again under the row lock by the service, so two clients
    racing with the same ETag cannot both win.
    """
    user = auth_user(request)
    measure = get_measure_for(user, pk)
    expected = if_match_version(if_match, required=True)
    check_version(measure, expected)
    changes = data.model_dump(exclude_unset=True)
    nulls = [name for name in NOT_NULL if name in changes and changes[name] is None]
    if nulls:
        raise DomainError(_("该项不能为空。"), "This field cannot be null.", field=nulls[0])
    supporting = changes.pop("supporting_departments", None)
    if "responsible_leader" in changes:
        changes["responsible_leader"] = user_by_id(
            changes["responsible_leader"], "responsible_leader"
        )
    if "lead_department" in changes:
        changes["lead_department"] = department_by_id(changes["lead_department"], "lead_department")
    updated = plan.update_measure(
        measure=measure,
        actor=user,
        expected_version=expected,
        supporting_departments=(
            departments_by_id(supporting, "supporting_departments")
            if supporting is not None
            else None
        ),
        **changes,
    )
    return with_etag(response, updated)


# ---------------------------------------------------------------- milestones


@router.get("/measures/{pk}/milestones", response=responses({200: MilestonePage}))
def list_milestones(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    measure = get_measure_for(auth_user(request), pk)
    page = keyset_page(
        Milestone.objects.filter(measure=measure),
        sort=MEASURE_SORTS["id"],
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/measures/{pk}/milestones", response=responses({201: MilestoneOut}))
def create_milestone(request: HttpRequest, data: MilestoneIn, pk: int = PK) -> Status[Milestone]:
    user = auth_user(request)
    measure = get_measure_for(user, pk)
    return Status(
        201,
        plan.add_milestone(measure=measure, title=data.title, due_date=data.due_date, actor=user),
    )


@router.post("/milestones/{pk}/complete", response=responses({200: MilestoneOut}))
def complete_milestone(request: HttpRequest, data: MilestoneDone, pk: int = PK) -> Milestone:
    """Mark a milestone done (the measure's departments or 整改办)."""
    user = auth_user(request)
    milestone = (
        Milestone.objects.filter(measure__in=visible_measures(user), pk=pk)
        .select_related("measure__inspection__unit")
        .first()
    )
    if milestone is None:
        raise Http404
    return plan.complete_milestone(milestone=milestone, actor=user, done_on=data.done_on)


# ---------------------------------------------------------------- lights


@router.get("/inspections/{pk}/lights", response=responses({200: LightCounts}))
def inspection_lights(request: HttpRequest, pk: int = PK) -> dict[str, Any]:
    """How many of the measures the caller sees in the inspection have each light."""
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    rows = inspection_measures(user, inspection)
    return {"inspection": inspection.pk, **light_counts(rows, clock.today())}
