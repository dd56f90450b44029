"""Generating, storing, publishing and exporting reports: what pages and commands call.

Each generated report is a :class:`~zhenggai.documents.models.Report` snapshot: the
composed document, who generated it and when, a fingerprint of the ledger rows it was
composed from and the audit chain's head. Rendering a snapshot in any format later
gives the same document, whatever happened to the ledger since.

``actor=None`` means the system (the command line); pages always pass the user, and
every service checks the user's rights before it reads or writes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_register_in,
    sees_whole_unit,
)
from zhenggai.api.models import WebhookEvent
from zhenggai.api.webhooks import emit_on_commit
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.documents.models import Report, ReportKind
from zhenggai.ledger.models import Inspection, Round

from .compose import compose_unit_report, draft_next_steps_text, draft_organisation_text
from .document import ReportDocument
from .docx import write_docx
from .figures import inspection_figures, round_inspections
from .fingerprint import audit_head, ledger_fingerprint
from .pdf import write_pdf
from .plain import write_html, write_html_fragment, write_text
from .roundsum import compose_round_summary

FORMATS = ("docx", "pdf", "html", "txt")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class RenderedFile:
    """A rendered report, ready for a download response or a file."""

    content: bytes
    filename: str
    content_type: str


# ---------------------------------------------------------------- rights


def can_generate(user: Any, inspection: Inspection) -> bool:
    """整改办 (or the office above) and the 主要负责人 compile the unit's report."""
    return can_on_inspection(user, Action.EDIT_LEDGER, inspection) or can_on_inspection(
        user, Action.APPROVE_PLAN, inspection
    )


def can_publish(user: Any, inspection: Inspection) -> bool:
    """The 主要负责人 signs the report, so only they publish it (or withdraw it)."""
    return can_on_inspection(user, Action.APPROVE_PLAN, inspection)


def can_view(user: Any, report: Report) -> bool:
    if report.kind == ReportKind.ROUND:
        return can_register_in(user, report.round.jurisdiction)
    return sees_whole_unit(user, report.organisation)


def _require(allowed: bool, zh: str, en: str) -> None:
    if not allowed:
        raise PermissionDenied(f"{zh} / {en}")


def is_current(report: Report) -> bool:
    """Whether the ledger is still in the state the (unit) report was composed from."""
    return (
        report.inspection is not None
        and ledger_fingerprint(report.inspection) == report.ledger_hash
    )


# ---------------------------------------------------------------- generating


def _next_version(**filters: Any) -> int:
    return (Report.objects.filter(**filters).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def generate_report(*, inspection: Inspection, actor: Any, today: dt.date | None = None) -> Report:
    """Compose the unit's progress report from its ledger and store it as a new version.

    Writes the audit entry ``report.generated``. Raises ``PermissionDenied`` unless
    ``actor`` compiles or signs the unit's report (``None``: the system).
    """
    if actor is not None:
        _require(
            can_generate(actor, inspection),
            _("您无权生成该单位的整改报告。"),
            "Not allowed to generate this unit's report.",
        )
    inspection = (
        Inspection.objects.select_for_update().select_related("unit", "round").get(pk=inspection.pk)
    )
    today = today or timezone.localdate()
    figures = inspection_figures(inspection, today)
    content = compose_unit_report(inspection, today=today, figures=figures)
    public = compose_unit_report(inspection, public=True, today=today, figures=figures)
    report = Report.objects.create(
        kind=ReportKind.UNIT,
        round=inspection.round,
        inspection=inspection,
        organisation=inspection.unit,
        version=_next_version(inspection=inspection, kind=ReportKind.UNIT),
        title=content.title,
        report_date=content.date,
        content=content.to_json(),
        public_content=public.to_json(),
        figures=figures.to_json(),
        ledger_hash=ledger_fingerprint(inspection),
        audit_head=audit_head(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    record(
        "report.generated",
        actor=actor,
        obj=report,
        organisation_id=inspection.unit_id,
        after={
            "kind": report.kind,
            "inspection": inspection.pk,
            "version": report.version,
            "ledger_hash": report.ledger_hash,
            "audit_head": report.audit_head,
        },
    )
    return report


@transaction.atomic
def generate_round_summary(*, round: Round, actor: Any, today: dt.date | None = None) -> Report:
    """Compose the office's summary of ``round`` (over the units ``actor`` sees) and store it."""
    if actor is not None:
        _require(
            can_register_in(actor, round.jurisdiction),
            _("只有巡察办可以生成轮次汇总。"),
            "Only the office generates round summaries.",
        )
    rnd = Round.objects.select_for_update().select_related("jurisdiction").get(pk=round.pk)
    content = compose_round_summary(rnd, user=actor, today=today)
    digest = hashlib.sha256()
    for inspection in round_inspections(rnd, actor).order_by("pk"):
        digest.update(ledger_fingerprint(inspection).encode())
    report = Report.objects.create(
        kind=ReportKind.ROUND,
        round=rnd,
        organisation=rnd.jurisdiction,
        version=_next_version(round=rnd, kind=ReportKind.ROUND),
        title=content.title,
        report_date=content.date,
        content=content.to_json(),
        figures=content.meta["figures"],
        ledger_hash=digest.hexdigest(),
        audit_head=audit_head(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    record(
        "report.generated",
        actor=actor,
        obj=report,
        organisation_id=rnd.jurisdiction_id,
        after={
            "kind": report.kind,
            "round": rnd.pk,
            "version": report.version,
            "ledger_hash": report.ledger_hash,
            "audit_head": report.audit_head,
        },
    )
    return report


# ---------------------------------------------------------------- publishing


@transaction.atomic
def publish_report(*, report: Report, actor: Any, now: dt.datetime | None = None) -> Report:
    """Publish a unit report on ``/public/``; the version published before is withdrawn.

    Audited as ``report.published`` (and ``report.withdrawn`` for the previous one).
    """
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("inspection__unit")
        .get(pk=report.pk)
    )
    if report.kind != ReportKind.UNIT:
        raise DomainError(
            _("只有单位整改进展情况通报可以公开。"), "Only unit reports are published."
        )
    _require(
        can_publish(actor, report.inspection),
        _("只有主要负责人可以公开整改报告。"),
        "Only the unit's secretary publishes its report.",
    )
    if report.is_published:
        return report
    now = now or timezone.now()
    for previous in Report.objects.filter(inspection=report.inspection, is_published=True):
        _withdraw(previous, actor, now)
    report.is_published, report.published_at, report.published_by = True, now, actor
    report.withdrawn_at = None
    report.save(update_fields=["is_published", "published_at", "published_by", "withdrawn_at"])
    record(
        "report.published",
        actor=actor,
        obj=report,
        organisation_id=report.organisation_id,
        after={"version": report.version, "ledger_hash": report.ledger_hash},
    )
    emit_on_commit(WebhookEvent.REPORT_PUBLISHED, report, report.inspection.unit)
    return report


def _withdraw(report: Report, actor: Any, now: dt.datetime) -> None:
    report.is_published, report.withdrawn_at = False, now
    report.save(update_fields=["is_published", "withdrawn_at"])
    record(
        "report.withdrawn",
        actor=actor,
        obj=report,
        organisation_id=report.organisation_id,
        after={"version": report.version},
    )


@transaction.atomic
def withdraw_report(*, report: Report, actor: Any, now: dt.datetime | None = None) -> Report:
    """Take a published report off ``/public/`` (audited as ``report.withdrawn``)."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("inspection__unit")
        .get(pk=report.pk)
    )
    if report.kind != ReportKind.UNIT or not report.is_published:
        raise DomainError(_("该报告未公开。"), "The report is not published.")
    _require(
        can_publish(actor, report.inspection),
        _("只有主要负责人可以撤回整改报告。"),
        "Only the unit's secretary withdraws its report.",
    )
    _withdraw(report, actor, now or timezone.now())
    return report


# ---------------------------------------------------------------- reading and rendering


def reports_for(user: Any, inspection: Inspection) -> QuerySet[Report]:
    """The unit report versions of ``inspection``, newest first, for a whole-unit reader."""
    _require(
        sees_whole_unit(user, inspection.unit),
        _("您无权查看该单位的整改报告。"),
        "Not allowed to see this unit's reports.",
    )
    return (
        Report.objects.filter(inspection=inspection, kind=ReportKind.UNIT)
        .select_related("created_by", "published_by")
        .order_by("-version")
    )


def get_report_for(user: Any, pk: int) -> Report:
    """The report if ``user`` may read it, else ``Http404`` (no hint that it exists)."""
    report = (
        Report.objects.select_related("round__jurisdiction", "organisation", "inspection")
        .filter(pk=pk)
        .first()
    )
    if report is None or not can_view(user, report):
        raise Http404
    return report


def published_reports() -> QuerySet[Report]:
    """Every unit's currently published report, for the public portal (no login)."""
    return (
        Report.objects.filter(is_published=True, kind=ReportKind.UNIT)
        .select_related("organisation")
        .order_by("-published_at", "-id")
    )


def document_of(report: Report, *, public: bool = False) -> ReportDocument:
    data = report.public_content if public else report.content
    if data is None:
        raise DomainError(_("该报告没有公开版本。"), "The report has no public version.")
    return ReportDocument.from_json(data)


def _safe_name(title: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", title).strip() or "report"


def render(document: ReportDocument, fmt: str, *, name: str = "") -> RenderedFile:
    """``document`` as a file: ``docx`` (official fonts), ``pdf`` (open fonts), ``html``, ``txt``.

    PDF raises :class:`~zhenggai.documents.report.pdf.PdfUnavailable` without LibreOffice.
    """
    if fmt not in FORMATS:
        raise DomainError(_("不支持的格式。"), f"Unknown format {fmt!r}; use one of {FORMATS}.")
    if fmt == "docx":
        content = write_docx(document)
    elif fmt == "pdf":
        content = write_pdf(document)
    elif fmt == "html":
        content = write_html(document).encode("utf-8")
    else:
        content = write_text(document).encode("utf-8")
    filename = f"{_safe_name(name or document.title)}.{fmt}"
    return RenderedFile(content, filename, CONTENT_TYPES[fmt])


def export_report(*, report: Report, actor: Any, fmt: str) -> RenderedFile:
    """A stored report as a download for ``actor``; audited as ``report.exported``."""
    if actor is not None and not can_view(actor, report):
        raise Http404
    rendered = render(document_of(report), fmt, name=f"{report.title}-v{report.version}")
    record(
        "report.exported",
        actor=actor,
        obj=report,
        organisation_id=report.organisation_id,
        after={"format": fmt, "version": report.version},
    )
    return rendered


def report_html(report: Report, *, public: bool = False) -> str:
    """The stored report as an HTML fragment (``<article class="zg-report">``)."""
    return write_html_fragment(document_of(report, public=public))


def preview_html(*, inspection: Inspection, user: Any) -> str:
    """The report as it would be generated now, as an HTML fragment; nothing is stored."""
    _require(
        sees_whole_unit(user, inspection.unit),
        _("您无权查看该单位的整改报告。"),
        "Not allowed to see this unit's reports.",
    )
    return write_html_fragment(compose_unit_report(inspection))


# ---------------------------------------------------------------- editable texts


def report_text_drafts(inspection: Inspection) -> dict[str, str]:
    """The editable texts as saved, or the starting drafts when nothing is saved yet."""
    figures = inspection_figures(inspection)
    return {
        "organisation_text": inspection.organisation_text
        or draft_organisation_text(inspection, figures),
        "next_steps_text": inspection.next_steps_text or draft_next_steps_text(inspection, figures),
    }


@transaction.atomic
def save_report_texts(
    *,
    inspection: Inspection,
    actor: Any,
    organisation_text: str,
    next_steps_text: str,
    contact: dict[str, str] | None = None,
    report_date: dt.date | None = None,
) -> Inspection:
    """Save 一、整改工作组织情况, 三、下一步 and the contact block (audited)."""
    if actor is not None:
        _require(
            can_generate(actor, inspection),
            _("您无权修改该单位的整改报告。"),
            "Not allowed to edit this unit's report.",
        )
    fields = ["organisation_text", "next_steps_text", "contact", "report_date"]
    before = {name: str(getattr(inspection, name)) for name in fields}
    inspection.organisation_text = organisation_text.strip()
    inspection.next_steps_text = next_steps_text.strip()
    if contact is not None:
        allowed = ("phone", "address", "postcode", "email", "text")
        inspection.contact = {k: str(v).strip() for k, v in contact.items() if k in allowed and v}
    if report_date is not None:
        inspection.report_date = report_date
    inspection.save(update_fields=fields)
    after = {name: str(getattr(inspection, name)) for name in fields}
    record(
        "inspection.report_texts_updated",
        actor=actor,
        obj=inspection,
        organisation_id=inspection.unit_id,
        before=before,
        after=after,
    )
    return inspection
