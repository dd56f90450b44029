"""Progress with evidence (multipart), evidence download, reviews, and the workflow actions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Path, Query, Router, Schema, Status, UploadedFile

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


def _unchanged_measure(user: Any, pk: int, if_match: str | None) -> Measure:
    """The measure as the user may see it; 412 if ``If-Match`` names another version."""
    measure = get_measure_for(user, pk)
    check_version(measure, if_match_version(if_match, required=False))
    return measure


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
    measure = _unchanged_measure(user, pk, if_match)
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
Body = TypeVar("Body", bound=Schema)


def _workflow_action(
    path: str,
    body: type[Body],
    step: Callable[[Measure, Any, Body], Measure],
    doc: str | None = None,
) -> Callable[..., Measure]:
    """Register ``POST /measures/{pk}/<path>``: ``step(measure, actor, data)`` on one measure.

    The operation is named after its path (``leader-approve`` → ``leader_approve``): its
    OpenAPI operation id and URL name. ``doc`` is its description; ``body`` its input schema.
    """

    def action(
        request: HttpRequest,
        response: HttpResponse,
        data: Body,
        pk: int = PK,
        if_match: str | None = IF_MATCH,
    ) -> Measure:
        user = auth_user(request)
        measure = _unchanged_measure(user, pk, if_match)
        return with_etag(response, step(measure, user, data))

    action.__name__ = action.__qualname__ = path.replace("-", "_")
    action.__doc__ = doc
    # ninja reads the input schema from the annotation, which differs per action.
    action.__annotations__ = {**action.__annotations__, "data": body}
    return router.post(f"/measures/{{pk}}/{path}", response=ACTION)(action)


def _decision(
    review: Callable[..., Measure], *, approve: bool
) -> Callable[[Measure, Any, ReasonIn], Measure]:
    """A review step (``leader_review``, ``close_measure``): approve, or return with a reason."""
    return lambda measure, actor, data: review(
        measure=measure, actor=actor, approve=approve, reason=data.reason
    )


submit = _workflow_action(
    "submit",
    SubmitIn,
    lambda measure, actor, data: workflow.submit_for_review(
        measure=measure, actor=actor, text=data.text
    ),
    "The lead department claims completion (needs evidence and a responsible leader).",
)
leader_approve = _workflow_action(
    "leader-approve", ReasonIn, _decision(workflow.leader_review, approve=True)
)
leader_return = _workflow_action(
    "leader-return",
    ReasonIn,
    _decision(workflow.leader_review, approve=False),
    "Return to the department with a reason (required).",
)
close = _workflow_action(
    "close",
    ReasonIn,
    _decision(workflow.close_measure, approve=True),
    "Closure (销号) by the unit's secretary after the leader's approval.",
)
close_return = _workflow_action(
    "close-return", ReasonIn, _decision(workflow.close_measure, approve=False)
)
reopen = _workflow_action(
    "reopen",
    ReasonIn,
    lambda measure, actor, data: workflow.reopen_measure(
        measure=measure, actor=actor, reason=data.reason
    ),
    "Reopen a closed measure (secretary, or the office after a follow-up check).",
)
