"""Progress with evidence (multipart), evidence download, reviews, and the workflow actions."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Path, Query, Router, Status, UploadedFile

from zhenggai.accounts.permissions import get_evidence_for, get_measure_for
from zhenggai.api.errors import ApiError
from zhenggai.api.pagination import keyset_page, page_schema, sorts
from zhenggai.api.routers.common import (
    auth_user,
    binary,
    check_version,
    if_match_version,
    responses,
    with_etag,
)
from zhenggai.api.routers.ledger import PageQuery
from zhenggai.api.schemas.common import MAX_ID
from zhenggai.api.schemas.measures import (
    EvidenceOut,
    MeasureOut,
    ProgressIn,
    ProgressOut,
    ReasonIn,
    ReviewOut,
    SubmitIn,
)
from zhenggai.audit.log import record
from zhenggai.ledger.models import Evidence, Measure, ProgressUpdate
from zhenggai.ledger.services import workflow
from zhenggai.ledger.services.evidence import ALLOWED_TYPES

router = Router(tags=["progress and reviews"])

ProgressPage = page_schema(ProgressOut, "ProgressPage")
EvidencePage = page_schema(EvidenceOut, "EvidencePage")
ReviewPage = page_schema(ReviewOut, "ReviewPage")
NEWEST_FIRST = sorts(("id", int, False))["-id"]
PK = Path(..., ge=1, le=MAX_ID)
IF_MATCH = Header(None, alias="If-Match", description="optional: refuse (412) if stale")
MAX_FILES = 20


def _page(rows: Any, query: PageQuery) -> dict[str, Any]:
    page = keyset_page(rows, sort=NEWEST_FIRST, cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/measures/{pk}/progress", response=responses({200: ProgressPage}))
def list_progress(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    """Progress updates of a measure, newest first, each with its evidence files."""
    measure = get_measure_for(auth_user(request), pk)
    rows = ProgressUpdate.objects.filter(measure=measure).prefetch_related("evidence")
    return _page(rows, query)


@router.post("/measures/{pk}/progress", response=responses({201: ProgressOut}, 412))
def add_progress(
    request: HttpRequest,
    response: HttpResponse,
    data: Form[ProgressIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Status[ProgressUpdate]:
    """Report progress (责任处室) with evidence files as ``multipart/form-data`` (``files``).

    Every file is checked by content (PDF, JPG, PNG, DOCX, XLSX, OFD) before anything is
    stored; one bad file refuses the whole update (400, ``field: "file"``).
    """
    user = auth_user(request)
    measure = get_measure_for(user, pk)
    check_version(measure, if_match_version(if_match, required=False))
    uploads = list(files or [])
    if len(uploads) > MAX_FILES:
        raise ApiError(
            400,
            "too_many_files",
            _("一次最多上传%(n)d个文件。") % {"n": MAX_FILES},
            f"At most {MAX_FILES} files per update.",
            field="files",
        )
    update = workflow.report_progress(
        measure=measure, actor=user, text=data.text, files=[(f.name or "file", f) for f in uploads]
    )
    with_etag(response, Measure.objects.get(pk=measure.pk))
    return Status(201, ProgressUpdate.objects.prefetch_related("evidence").get(pk=update.pk))


@router.get("/measures/{pk}/evidence", response=responses({200: EvidencePage}))
def list_evidence(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    measure = get_measure_for(auth_user(request), pk)
    return _page(Evidence.objects.filter(measure=measure), query)


@router.get(
    "/evidence/{pk}/download",
    response=responses({}, 409),
    openapi_extra=binary("The file as uploaded", [*ALLOWED_TYPES, "application/octet-stream"]),
)
def download_evidence(request: HttpRequest, pk: int = PK) -> HttpResponse:
    """The file, after checking its stored SHA-256 (409 if it changed); audited like the page."""
    user = auth_user(request)
    evidence = get_evidence_for(user, pk)
    unit_id = evidence.measure.inspection.unit_id
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        data = None
    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    if data is None or digest != evidence.sha256:
        record(
            "evidence.integrity_failed",
            actor=user,
            obj=evidence,
            organisation_id=unit_id,
            success=False,
            after={"expected": evidence.sha256, "actual": digest or None},
        )
        raise ApiError(
            409,
            "integrity_failed",
            _("文件已缺失或被改动,未予下载。"),
            "The stored file is missing or no longer matches its SHA-256.",
        )
    record(
        "evidence.downloaded",
        actor=user,
        obj=evidence,
        organisation_id=unit_id,
        after={"measure": evidence.measure_id, "name": evidence.original_name, "sha256": digest},
    )
    reply = HttpResponse(data, content_type=evidence.content_type)
    reply["Content-Disposition"] = _attachment(evidence.original_name)
    reply["X-Content-Type-Options"] = "nosniff"
    reply["Cache-Control"] = "private, no-store"
    reply["Digest"] = f"sha-256={evidence.sha256}"
    return reply


def _attachment(name: str) -> str:
    """Content-Disposition with the original name, safe for any characters it holds."""
    ascii_name = "".join(c for c in name if 32 <= ord(c) < 127 and c not in '"\\') or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@router.get("/measures/{pk}/reviews", response=responses({200: ReviewPage}))
def list_reviews(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    """Reviews (leader, closure, reopen) of a measure, newest first."""
    measure = get_measure_for(auth_user(request), pk)
    return _page(measure.reviews.all(), query)


# ---------------------------------------------------------------- workflow actions

ACTION = responses({200: MeasureOut}, 412)


def _act(request: HttpRequest, response: HttpResponse, pk: int, if_match: str | None) -> Measure:
    measure = get_measure_for(auth_user(request), pk)
    check_version(measure, if_match_version(if_match, required=False))
    return measure


@router.post("/measures/{pk}/submit", response=ACTION)
def submit(
    request: HttpRequest,
    response: HttpResponse,
    data: SubmitIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    """The lead department claims completion (needs evidence and a responsible leader)."""
    measure = _act(request, response, pk, if_match)
    done = workflow.submit_for_review(measure=measure, actor=auth_user(request), text=data.text)
    return with_etag(response, done)


@router.post("/measures/{pk}/leader-approve", response=ACTION)
def leader_approve(
    request: HttpRequest,
    response: HttpResponse,
    data: ReasonIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    measure = _act(request, response, pk, if_match)
    done = workflow.leader_review(
        measure=measure, actor=auth_user(request), approve=True, reason=data.reason
    )
    return with_etag(response, done)


@router.post("/measures/{pk}/leader-return", response=ACTION)
def leader_return(
    request: HttpRequest,
    response: HttpResponse,
    data: ReasonIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    """Return to the department with a reason (required)."""
    measure = _act(request, response, pk, if_match)
    done = workflow.leader_review(
        measure=measure, actor=auth_user(request), approve=False, reason=data.reason
    )
    return with_etag(response, done)


@router.post("/measures/{pk}/close", response=ACTION)
def close(
    request: HttpRequest,
    response: HttpResponse,
    data: ReasonIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    """Closure (销号) by the unit's secretary after the leader's approval."""
    measure = _act(request, response, pk, if_match)
    done = workflow.close_measure(
        measure=measure, actor=auth_user(request), approve=True, reason=data.reason
    )
    return with_etag(response, done)


@router.post("/measures/{pk}/close-return", response=ACTION)
def close_return(
    request: HttpRequest,
    response: HttpResponse,
    data: ReasonIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    measure = _act(request, response, pk, if_match)
    done = workflow.close_measure(
        measure=measure, actor=auth_user(request), approve=False, reason=data.reason
    )
    return with_etag(response, done)


@router.post("/measures/{pk}/reopen", response=ACTION)
def reopen(
    request: HttpRequest,
    response: HttpResponse,
    data: ReasonIn,
    pk: int = PK,
    if_match: str | None = IF_MATCH,
) -> Measure:
    """Reopen a closed measure (secretary, or the office after a follow-up check)."""
    measure = _act(request, response, pk, if_match)
    done = workflow.reopen_measure(measure=measure, actor=auth_user(request), reason=data.reason)
    return with_etag(response, done)
