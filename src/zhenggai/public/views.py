"""Published reports and feedback, for anyone, without login.

A page shows only the public version of a published report (problems marked not public
are left out when the report is generated), and never who generated or published it.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from zhenggai.documents.models import Report
from zhenggai.documents.report.feedback import (
    FeedbackRateLimited,
    FeedbackRefused,
    find_by_receipt,
    new_challenge,
    submit_feedback,
)
from zhenggai.documents.report.plain import REPORT_CSS
from zhenggai.documents.report.services import (
    document_of,
    published_reports,
    report_html,
)
from zhenggai.documents.report.services import (
    render as render_file,
)
from zhenggai.public.forms import FeedbackForm, LookupForm


def _published(pk: int) -> Report:
    return get_object_or_404(published_reports(), pk=pk)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"reports": published_reports()})


@require_GET
@cache_control(max_age=3600, public=True)
def report_css(request: HttpRequest) -> HttpResponse:
    """The report's style sheet, shared by this portal and the preview in the pages."""
    return HttpResponse(REPORT_CSS, content_type="text/css; charset=utf-8")


def _report_page(
    request: HttpRequest, report: Report, form: FeedbackForm, status: int = 200
) -> HttpResponse:
    """The report and its form, always with a fresh challenge (a used one is refused)."""
    challenge = new_challenge()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["token"], form.data["answer"] = challenge.token, ""
    else:
        form.initial["token"] = challenge.token
    context = {
        "report": report,
        "report_html": report_html(report, public=True),
        "form": form,
        "question": challenge.question,
    }
    return render(request, "public/report.html", context, status=status)


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, _published(pk), FeedbackForm())


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The public version as .docx (RFC 6266 file name; never rendered inline)."""
    rendered = render_file(document_of(_published(pk), public=True), "docx")
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.docx\"; filename*=UTF-8''{quote(rendered.filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    published = _published(pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _report_page(request, published, form, status=400)
    data = form.cleaned_data
    try:
        received = submit_feedback(
            report=published,
            message=data["message"],
            name=data["name"],
            contact=data["contact"],
            address=request.META.get("REMOTE_ADDR", ""),
            token=data["token"],
            answer=data["answer"],
        )
    except FeedbackRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        status = 429 if isinstance(refused, FeedbackRateLimited) else 400
        return _report_page(request, published, form, status=status)
    return redirect(f"{reverse('public:feedback.status', args=[received.receipt])}?new=1")


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        found = find_by_receipt(form.cleaned_data["receipt"])
        if found is not None:
            return redirect("public:feedback.status", receipt=found.receipt)
        form.add_error("receipt", _("未找到该回执编号,请核对后重试。"))
    return render(request, "public/lookup.html", {"form": form})


@require_GET
def feedback_status(request: HttpRequest, receipt: str) -> HttpResponse:
    """What the sender may see: receipt, date, status and the unit's answer."""
    found = find_by_receipt(receipt)
    if found is None:
        raise Http404
    context = {"feedback": found, "new": request.GET.get("new") == "1"}
    return render(request, "public/feedback_status.html", context)
