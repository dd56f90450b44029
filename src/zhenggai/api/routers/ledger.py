"""Organisations, rounds, inspections, categories and problems."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from zhenggai.accounts.models import Organisation, OrganisationKind
from zhenggai.accounts.permissions import (
    get_inspection_for,
    get_problem_for,
    visible_inspections,
    visible_problems,
    visible_rounds,
)
from zhenggai.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page, page_schema, sorts
from zhenggai.api.routers.common import auth_user, responses, visible_organisations
from zhenggai.api.schemas.common import MAX_ID, Id
from zhenggai.api.schemas.ledger import (
    CategoryIn,
    CategoryOut,
    InspectionIn,
    InspectionOut,
    OrganisationOut,
    ProblemIn,
    ProblemOut,
    RoundIn,
    RoundOut,
)
from zhenggai.ledger.models import Category, Inspection, ProblemStatus, Round
from zhenggai.ledger.services import plan

router = Router()

OrganisationPage = page_schema(OrganisationOut, "OrganisationPage")
RoundPage = page_schema(RoundOut, "RoundPage")
InspectionPage = page_schema(InspectionOut, "InspectionPage")
CategoryPage = page_schema(CategoryOut, "CategoryPage")
ProblemPage = page_schema(ProblemOut, "ProblemPage")
ID_SORT = sorts(("id", int, False))
PK = Path(..., ge=1, le=MAX_ID)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the last page")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _page(rows: Any, query: PageQuery, sort: str = "id") -> dict[str, Any]:
    page = keyset_page(rows, sort=ID_SORT[sort], cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


# ---------------------------------------------------------------- organisations


class OrganisationQuery(PageQuery):
    kind: OrganisationKind | None = None
    parent: Id | None = None


@router.get("/organisations", response=responses({200: OrganisationPage}), tags=["organisations"])
def list_organisations(request: HttpRequest, query: Query[OrganisationQuery]) -> Any:
    """The organisations whose data the caller sees (jurisdictions, units, departments)."""
    rows = visible_organisations(auth_user(request))
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.parent:
        rows = rows.filter(parent_id=query.parent)
    return _page(rows, query)


@router.get(
    "/organisations/{pk}", response=responses({200: OrganisationOut}), tags=["organisations"]
)
def get_organisation(request: HttpRequest, pk: int = PK) -> Organisation:
    found = visible_organisations(auth_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- rounds


class RoundQuery(PageQuery):
    year: int | None = Field(None, ge=1949, le=2199)


@router.get("/rounds", response=responses({200: RoundPage}), tags=["rounds"])
def list_rounds(request: HttpRequest, query: Query[RoundQuery]) -> Any:
    rows = visible_rounds(auth_user(request))
    if query.year:
        rows = rows.filter(year=query.year)
    return _page(rows, query)


@router.get("/rounds/{pk}", response=responses({200: RoundOut}), tags=["rounds"])
def get_round(request: HttpRequest, pk: int = PK) -> Round:
    found = visible_rounds(auth_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.post("/rounds", response=responses({201: RoundOut}), tags=["rounds"])
def create_round(request: HttpRequest, data: RoundIn) -> Status[Round]:
    """Register a round (巡察办 of the jurisdiction)."""
    user = auth_user(request)
    jurisdiction = visible_organisations(user).filter(pk=data.jurisdiction).first()
    if jurisdiction is None:
        raise Http404
    rnd = plan.create_round(
        jurisdiction=jurisdiction,
        name=data.name.strip(),
        year=data.year,
        kind=data.kind,
        actor=user,
    )
    return Status(201, rnd)


# ---------------------------------------------------------------- inspections


class InspectionQuery(PageQuery):
    round: Id | None = None
    unit: Id | None = None


@router.get("/inspections", response=responses({200: InspectionPage}), tags=["inspections"])
def list_inspections(request: HttpRequest, query: Query[InspectionQuery]) -> Any:
    rows = visible_inspections(auth_user(request))
    if query.round:
        rows = rows.filter(round_id=query.round)
    if query.unit:
        rows = rows.filter(unit_id=query.unit)
    return _page(rows, query)


@router.get("/inspections/{pk}", response=responses({200: InspectionOut}), tags=["inspections"])
def get_inspection(request: HttpRequest, pk: int = PK) -> Inspection:
    return get_inspection_for(auth_user(request), pk)


@router.post("/inspections", response=responses({201: InspectionOut}), tags=["inspections"])
def create_inspection(request: HttpRequest, data: InspectionIn) -> Status[Inspection]:
    """Register the inspection of a unit in a round (巡察办); due dates default per settings."""
    user = auth_user(request)
    rnd = visible_rounds(user).select_related("jurisdiction").filter(pk=data.round).first()
    unit = visible_organisations(user).filter(pk=data.unit).first()
    if rnd is None or unit is None:
        raise Http404
    inspection = plan.create_inspection(
        round=rnd,
        unit=unit,
        unit_name=data.unit_name.strip(),
        team=data.team.strip(),
        period_start=data.period_start,
        period_end=data.period_end,
        feedback_date=data.feedback_date,
        plan_due=data.plan_due,
        report_due=data.report_due,
        actor=user,
    )
    return Status(201, inspection)


@router.post(
    "/inspections/{pk}/approve-plan",
    response=responses({200: InspectionOut}),
    tags=["inspections"],
)
def approve_plan(request: HttpRequest, pk: int = PK) -> Inspection:
    """The secretary approves the plan; draft measures start (整改中)."""
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    return plan.approve_plan(inspection=inspection, actor=user)


# ---------------------------------------------------------------- categories


@router.get(
    "/inspections/{pk}/categories",
    response=responses({200: CategoryPage}),
    tags=["categories"],
)
def list_categories(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    inspection = get_inspection_for(auth_user(request), pk)
    return _page(Category.objects.filter(inspection=inspection), query)


@router.post(
    "/inspections/{pk}/categories",
    response=responses({201: CategoryOut}),
    tags=["categories"],
)
def create_category(request: HttpRequest, data: CategoryIn, pk: int = PK) -> Status[Category]:
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    return Status(
        201,
        plan.add_category(
            inspection=inspection, title=data.title, number=data.number.strip(), actor=user
        ),
    )


# ---------------------------------------------------------------- problems


class ProblemQuery(PageQuery):
    inspection: Id | None = None
    category: Id | None = None
    status: ProblemStatus | None = None


@router.get("/problems", response=responses({200: ProblemPage}), tags=["problems"])
def list_problems(request: HttpRequest, query: Query[ProblemQuery]) -> Any:
    rows = visible_problems(auth_user(request))
    if query.inspection:
        rows = rows.filter(inspection_id=query.inspection)
    if query.category:
        rows = rows.filter(category_id=query.category)
    if query.status:
        rows = rows.filter(status=query.status)
    return _page(rows, query)


@router.get("/problems/{pk}", response=responses({200: ProblemOut}), tags=["problems"])
def get_problem(request: HttpRequest, pk: int = PK) -> Any:
    return get_problem_for(auth_user(request), pk)


@router.post("/problems", response=responses({201: ProblemOut}), tags=["problems"])
def create_problem(request: HttpRequest, data: ProblemIn) -> Status[Any]:
    """Add a problem under a category (整改办 or the office over the unit)."""
    user = auth_user(request)
    category = (
        Category.objects.filter(inspection__in=visible_inspections(user), pk=data.category)
        .select_related("inspection__unit")
        .first()
    )
    if category is None:
        raise Http404
    problem = plan.add_problem(
        category=category,
        text=data.text,
        number=data.number.strip(),
        actor=user,
        stated_planned=data.stated_planned,
        stated_done=data.stated_done,
        stated_text=data.stated_text,
    )
    return Status(201, problem)
