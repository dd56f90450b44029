"""The measure page (its story, newest first) and the evidence download."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.permissions import get_evidence_for, get_measure_for
from zhenggai.audit.log import record
from zhenggai.ledger.models import Evidence, Measure, MeasureKind, MeasureStatus
from zhenggai.web.forms import ACCEPT, TextForm, files_help
from zhenggai.web.story import timeline_html
from zhenggai.web.views.actions import SPEC_BY_KEY, available_actions


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "progress" or "review"
    at: dt.datetime
    order: int
    item: Any


def timeline(updates: list[Any], reviews: list[Any]) -> list[TimelineEntry]:
    """Progress updates and reviews in one list, newest at the top."""
    entries = [TimelineEntry("progress", u.created_at, u.pk, u) for u in updates]
    entries += [TimelineEntry("review", r.created_at, r.pk, r) for r in reviews]
    return sorted(entries, key=lambda e: (e.at, e.kind == "review", e.order), reverse=True)


def next_step(measure: Measure) -> str:
    """Who acts next on the measure, in words (no query: the people are already loaded)."""
    leader = measure.responsible_leader or _("(未指定)")
    department = measure.lead_department.name if measure.lead_department else _("(未指定)")
    if measure.status == MeasureStatus.DRAFT:
        return _("整改方案经主要负责人审批后开始整改;牵头部门%(dept)s可先报送进展。") % {
            "dept": department
        }
    if measure.status == MeasureStatus.IN_PROGRESS:
        return _("由牵头部门%(dept)s报送进展,完成后上传佐证材料并提交审核。") % {"dept": department}
    if measure.status == MeasureStatus.SUBMITTED:
        return _("等待分管领导%(leader)s审核。") % {"leader": leader}
    if measure.status == MeasureStatus.APPROVED:
        return _("分管领导已审核通过,等待主要负责人销号。")
    if measure.kind == MeasureKind.ONGOING:
        return _("已销号。长期坚持事项,牵头部门继续定期报送进展。")
    return _("已销号。")


@login_required
@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    measure = get_measure_for(user, pk)
    updates = list(measure.progress_updates.select_related("author"))
    # All the measure's files in one query: each update's, and those attached to no update.
    files: dict[int | None, list[Evidence]] = defaultdict(list)
    for evidence in Evidence.objects.filter(measure=measure):
        files[evidence.progress_id].append(evidence)
    for update in updates:
        update.files = files.get(update.pk, [])
    reviews = list(measure.reviews.select_related("reviewer"))
    actions = available_actions(user, measure)
    # Progress is reported with the form on the page; the other actions open a confirmation.
    can_report = any(a.key == "progress" for a in actions)
    progress_spec = SPEC_BY_KEY["progress"]
    context = {
        "measure": measure,
        "problem": measure.problem,
        "inspection": measure.inspection,
        "supporting": list(measure.supporting_departments.all()),
        "milestones": list(measure.milestones.all()),
        "timeline_html": timeline_html(timeline(updates, reviews)),
        "loose_evidence": files.get(None, []),
        "next_step": next_step(measure),
        "actions": [a for a in actions if a.key != "progress"],
        "progress_spec": progress_spec,
        "progress_form": (
            TextForm(name="text", label=str(progress_spec.field_label), required=True)
            if can_report
            else None
        ),
        "accept": ACCEPT,
        "files_help": files_help(),
    }
    return render(request, "web/measure.html", context)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an evidence file as an attachment after checking its stored SHA-256.

    Only :func:`get_evidence_for` finds the file (404 outside the user's scope). A file
    whose content no longer matches its digest is not sent (409) and the failure is
    audited; every successful download is audited too.
    """
    evidence = get_evidence_for(request.user, pk)
    unit_id = evidence.measure.inspection.unit_id
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        data = None
    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    if digest != evidence.sha256:
        record(
            "evidence.integrity_failed",
            actor=request.user,
            obj=evidence,
            organisation_id=unit_id,
            success=False,
            after={"expected": evidence.sha256, "actual": digest or None},
        )
        context = {"evidence": evidence, "measure": evidence.measure, "missing": data is None}
        return render(request, "web/evidence_conflict.html", context, status=409)
    record(
        "evidence.downloaded",
        actor=request.user,
        obj=evidence,
        organisation_id=unit_id,
        after={"measure": evidence.measure_id, "name": evidence.original_name, "sha256": digest},
    )
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
