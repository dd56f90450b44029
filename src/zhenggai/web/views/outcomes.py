"""Outcomes of rectification (整改成果): accountability, institutions, recovered funds.

The list page shows the three tables with their totals at a fixed number of queries;
the three forms record one item each through ``ledger.services.outcome``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    get_inspection_for,
    sees_whole_unit,
)
from zhenggai.ledger.models import AccountabilityForm, Inspection, InstitutionKind
from zhenggai.ledger.services import outcome
from zhenggai.web import clock
from zhenggai.web.forms_edit import (
    AccountabilityRecordForm,
    InstitutionRecordForm,
    RecoveryRecordForm,
)
from zhenggai.web.views.edit import InspectionPage, crumbs_for

TEN_THOUSAND = Decimal(10000)


def wan(yuan: Decimal | None) -> Decimal:
    """元 → 万元 with two decimals, as the reports print it."""
    return ((yuan or Decimal(0)) / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def counted_page(request: HttpRequest, rows: QuerySet, count: int, param: str) -> Page:
    """A page whose total is already known from the summary (no second ``COUNT``)."""
    paginator = Paginator(rows if count else [], settings.ZHENGGAI_PAGE_SIZE)
    paginator.count = count  # the cached property, set from the aggregate
    return paginator.get_page(request.GET.get(param))


def outcome_rights(user: Any, inspection: Inspection) -> dict[str, bool]:
    return {
        "can_accountability": can_on_inspection(user, Action.RECORD_ACCOUNTABILITY, inspection),
        "can_outcome": can_on_inspection(user, Action.RECORD_OUTCOME, inspection),
    }


@login_required
@require_GET
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's outcomes: three paginated tables and their totals.

    Queries: the inspection; accountability by form; institutions by kind; the funds'
    count and sum; one page of rows for each of the three tables (the totals give the
    paginators their counts).
    """
    inspection = get_inspection_for(request.user, pk)
    # Department users see their own measures only; outcomes are the whole unit's.
    if not sees_whole_unit(request.user, inspection.unit):
        raise PermissionDenied
    by_form = {
        row["form"]: row
        for row in inspection.accountabilities.order_by()
        .values("form")
        .annotate(n=Count("id"), people=Sum("people"))
    }
    forms = [
        {
            "label": label,
            "n": by_form.get(value, {}).get("n", 0),
            "people": by_form.get(value, {}).get("people") or 0,
        }
        for value, label in AccountabilityForm.choices
    ]
    by_kind = dict(inspection.institutions.order_by().values_list("kind").annotate(n=Count("id")))
    funds = inspection.recoveries.order_by().aggregate(n=Count("id"), total=Sum("amount_yuan"))
    accountability_total = sum(f["n"] for f in forms)
    institution_total = sum(by_kind.values())
    context = {
        "inspection": inspection,
        "crumbs": crumbs_for(inspection),
        "forms": forms,
        "accountability_total": accountability_total,
        "people_total": sum(f["people"] for f in forms),
        "institutions_new": by_kind.get(InstitutionKind.NEW, 0),
        "institutions_revised": by_kind.get(InstitutionKind.REVISED, 0),
        "institution_total": institution_total,
        "funds_count": funds["n"],
        "funds_wan": wan(funds["total"]),
        "funds_yuan": funds["total"] or Decimal(0),
        "accountabilities": counted_page(
            request,
            inspection.accountabilities.select_related("problem"),
            accountability_total,
            "apage",
        ),
        "institutions": counted_page(
            request, inspection.institutions.select_related("problem"), institution_total, "ipage"
        ),
        "recoveries": counted_page(
            request, inspection.recoveries.select_related("problem"), funds["n"], "rpage"
        ),
        **outcome_rights(request.user, inspection),
    }
    return render(request, "web/edit/outcomes.html", context)


# ---------------------------------------------------------------- recording


class OutcomePage(InspectionPage):
    anchor: ClassVar[str] = ""

    def page(self, request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
        context = super().page(request, inspection)
        outcomes_url = reverse("web:outcomes", args=[inspection.pk])
        context["crumbs"].append({"label": gettext("整改成果"), "url": outcomes_url})
        context["cancel_url"] = f"{outcomes_url}#{self.anchor}"
        return context

    def target(self, inspection: Inspection) -> str:
        return reverse("web:outcomes", args=[inspection.pk]) + f"#{self.anchor}"


NEXT = _("已计入“整改成果”,整改报告汇总时一并统计。")


class AccountabilityAdd(OutcomePage):
    action = Action.RECORD_ACCOUNTABILITY
    title = _("登记问责情况")
    submit = _("登记问责")
    intro = _("纪检监察或整改办登记因本次巡察发现问题而作出的问责。")
    layout = [("form", "people", "decided_on")]
    anchor = "accountability"

    def make_form(self, request: HttpRequest, inspection: Inspection, data: Any = None) -> Any:
        return AccountabilityRecordForm(
            data, inspection=inspection, initial={"decided_on": clock.today()}
        )

    def perform(self, request: HttpRequest, inspection: Inspection, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        item = outcome.record_accountability(
            inspection=inspection,
            actor=request.user,
            form=data["form"],
            people=data["people"],
            decided_on=data["decided_on"],
            description=data["description"],
            problem=data["problem"],
        )
        said = gettext("已登记问责:%(form)s %(n)d 人次。") % {
            "form": item.get_form_display(),
            "n": item.people,
        }
        return said + str(NEXT), self.target(inspection)


class InstitutionAdd(OutcomePage):
    action = Action.RECORD_OUTCOME
    title = _("登记建章立制")
    submit = _("登记制度")
    intro = _("登记为整改新建或修订的制度。同一次巡察下制度名称不重复。")
    layout = [("kind", "document_number", "issued_on")]
    anchor = "institutions"

    def make_form(self, request: HttpRequest, inspection: Inspection, data: Any = None) -> Any:
        return InstitutionRecordForm(data, inspection=inspection)

    def perform(self, request: HttpRequest, inspection: Inspection, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        item = outcome.record_institution(
            inspection=inspection,
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            document_number=data["document_number"].strip(),
            issued_on=data["issued_on"],
            problem=data["problem"],
        )
        said = gettext("已登记%(kind)s制度“%(title)s”。") % {
            "kind": item.get_kind_display(),
            "title": item.title,
        }
        return said + str(NEXT), self.target(inspection)


class RecoveryAdd(OutcomePage):
    action = Action.RECORD_OUTCOME
    title = _("登记追缴挽回资金")
    submit = _("登记资金")
    intro = _("金额可按万元或元填写,系统按元保存、按万元汇总(保留两位小数)。")
    layout = [("amount", "unit", "recorded_on")]
    anchor = "recoveries"

    def make_form(self, request: HttpRequest, inspection: Inspection, data: Any = None) -> Any:
        return RecoveryRecordForm(
            data, inspection=inspection, initial={"recorded_on": clock.today()}
        )

    def perform(self, request: HttpRequest, inspection: Inspection, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        item = outcome.record_recovery(
            inspection=inspection,
            actor=request.user,
            amount_yuan=form.amount_yuan(),
            description=data["description"],
            recorded_on=data["recorded_on"],
            problem=data["problem"],
        )
        said = gettext("已登记追缴挽回资金 %(wan)s 万元(%(yuan)s 元)。") % {
            "wan": wan(item.amount_yuan),
            "yuan": f"{item.amount_yuan:,.2f}",
        }
        return said + str(NEXT), self.target(inspection)
