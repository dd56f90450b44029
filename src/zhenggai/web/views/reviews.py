"""The review queue: leaders' first-level reviews and secretaries' closures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import Role
from zhenggai.web.queries import closure_queue, leader_queue, with_ledger_columns
from zhenggai.web.views.common import paginate, require_role


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """Per section: one ``COUNT`` and one page of rows (plus the page's supporting departments)."""
    roles = require_role(request, Role.LEADER, Role.SECRETARY)
    oldest_first = (F("submitted_at").asc(nulls_last=True), "pk")
    context = {"leader_page": None, "closure_page": None}
    if Role.LEADER in roles:
        rows = with_ledger_columns(
            leader_queue(request.user), supporting=False, reviews=False
        ).order_by(*oldest_first)
        context["leader_page"] = paginate(request, rows, "leader_page")
    if Role.SECRETARY in roles:
        rows = with_ledger_columns(
            closure_queue(request.user), supporting=False, reviews=False
        ).order_by(*oldest_first)
        context["closure_page"] = paginate(request, rows, "closure_page")
    return render(request, "web/reviews.html", context)
