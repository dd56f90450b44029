"""Quality flags (list, dismiss) and reports (generate, list, read, download, publish)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from zhenggai.accounts.permissions import (
    get_inspection_for,
    get_measure_for,
    visible_inspections,
    visible_measures,
)
from zhenggai.api.errors import ApiError
from zhenggai.api.pagination import keyset_page, page_schema, sorts
from zhenggai.api.routers.common import auth_user, binary, responses
from zhenggai.api.routers.ledger import PageQuery
from zhenggai.api.schemas.common import MAX_ID, bounded
from zhenggai.api.schemas.misc import DismissIn, FlagOut, ReportOut
from zhenggai.documents.models import Report
from zhenggai.documents.report import services as reports
from zhenggai.documents.report.pdf import PdfUnavailable
from zhenggai.quality.models import Flag, FlagStatus
from zhenggai.quality.selectors import flags_for_measure
from zhenggai.quality.services import dismiss_flag

router = Router()

FlagPage = page_schema(FlagOut, "FlagPage")
ReportPage = page_schema(ReportOut, "ReportPage")
BY_ID = sorts(("id", int, False))
PK = Path(..., ge=1, le=MAX_ID)


def _visible_flags(user: Any) -> Any:
    """Current flags of visible inspections; those anchored at a hidden measure are left out
    (the rule of :mod:`zhenggai.quality.selectors`)."""
    return Flag.objects.filter(
        Q(measure__isnull=True) | Q(measure__in=visible_measures(user)),
        is_current=True,
        inspection__in=visible_inspections(user),
    )


class FlagQuery(PageQuery):
    status: FlagStatus | None = None
    rule: bounded(50) | None = None  # type: ignore[valid-type]


@router.get("/inspections/{pk}/flags", response=responses({200: FlagPage}), tags=["quality flags"])
def list_flags(request: HttpRequest, query: Query[FlagQuery], pk: int = PK) -> Any:
    """The inspection's current quality flags (形式整改体检), open and dismissed."""
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    rows = _visible_flags(user).filter(inspection=inspection)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.rule:
        rows = rows.filter(rule=query.rule)
    page = keyset_page(rows, sort=BY_ID["id"], cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/measures/{pk}/flags", response=responses({200: list[FlagOut]}), tags=["quality flags"]
)
def measure_flags(request: HttpRequest, pk: int = PK) -> list[Flag]:
    """Flags on the measure or involving it (a short list: not paginated)."""
    return flags_for_measure(get_measure_for(auth_user(request), pk))


@router.post("/flags/{pk}/dismiss", response=responses({200: FlagOut}), tags=["quality flags"])
def dismiss(request: HttpRequest, data: DismissIn, pk: int = PK) -> Flag:
    """Dismiss an open flag with a reason (the unit's secretary, leader or coordinator)."""
    user = auth_user(request)
    flag = _visible_flags(user).filter(pk=pk).first()
    if flag is None:
        raise Http404
    return dismiss_flag(flag, user, data.reason)


# ---------------------------------------------------------------- reports


@router.get("/inspections/{pk}/reports", response=responses({200: ReportPage}), tags=["reports"])
def list_reports(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    """The unit report versions of an inspection (whole-unit readers), newest first."""
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    rows = reports.reports_for(user, inspection)
    page = keyset_page(rows, sort=BY_ID["-id"], cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/inspections/{pk}/reports", response=responses({201: ReportOut}), tags=["reports"])
def generate(request: HttpRequest, pk: int = PK) -> Status[Report]:
    """Compose the progress report from the ledger now and store it as a new version."""
    user = auth_user(request)
    inspection = get_inspection_for(user, pk)
    return Status(201, reports.generate_report(inspection=inspection, actor=user))


@router.get("/reports/{pk}", response=responses({200: ReportOut}), tags=["reports"])
def get_report(request: HttpRequest, pk: int = PK) -> Report:
    return reports.get_report_for(auth_user(request), pk)


class DownloadQuery(Schema):
    format: Literal["docx", "pdf", "html", "txt"] = Field("docx")


@router.get(
    "/reports/{pk}/download",
    response=responses({}, 503),
    tags=["reports"],
    openapi_extra=binary("The report file", list(reports.CONTENT_TYPES.values())),
)
def download_report(request: HttpRequest, query: Query[DownloadQuery], pk: int = PK) -> Any:
    """The stored report as DOCX (GB/T 9704), PDF, HTML or text; audited as ``report.exported``."""
    user = auth_user(request)
    report = reports.get_report_for(user, pk)
    try:
        rendered = reports.export_report(report=report, actor=user, fmt=query.format)
    except PdfUnavailable as exc:
        raise ApiError(503, "unavailable", exc.message, exc.english or "PDF unavailable.") from exc
    reply = HttpResponse(rendered.content, content_type=rendered.content_type)
    reply["Content-Disposition"] = (
        f'attachment; filename="report.{query.format}"; '
        f"filename*=UTF-8''{quote(rendered.filename)}"
    )
    reply["Cache-Control"] = "private, no-store"
    return reply


@router.post("/reports/{pk}/publish", response=responses({200: ReportOut}), tags=["reports"])
def publish(request: HttpRequest, pk: int = PK) -> Report:
    """Publish a unit report on the public portal (the secretary); emits ``report.published``."""
    user = auth_user(request)
    report = reports.get_report_for(user, pk)
    return reports.publish_report(report=report, actor=user)
