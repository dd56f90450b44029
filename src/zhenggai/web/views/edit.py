"""Building the ledger in the pages: categories, problems, measures, milestones, plan approval.

Each page is one URL: GET shows the form (or why it cannot be used now), POST calls the
service. The permissions module decides who may open a page (404 outside the user's
scope, 403 inside it without the right); the service decides the business rules and a
:class:`DomainError` comes back next to the field it names with status 400 — nothing is
saved because every service runs in one transaction. After success the page redirects
with a message saying what happened and what comes next.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_on_measure,
    get_inspection_for,
    get_measure_for,
    get_problem_for,
    visible_measures,
)
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Inspection, Measure, MeasureStatus, Milestone
from zhenggai.ledger.services import plan
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.web import clock
from zhenggai.web.forms_edit import (
    CategoryForm,
    EditForm,
    MeasureForm,
    MilestoneDoneForm,
    MilestoneForm,
    ProblemForm,
)
from zhenggai.web.templatetags.zhenggai_web import cn_date
from zhenggai.web.views.measure import next_step

#: Measures in review or closed are not edited (the service refuses; the page says why).
NOT_EDITABLE = {
    MeasureStatus.SUBMITTED: _("措施正在审核中,不能修改;请待审核结束或退回后再改。"),
    MeasureStatus.APPROVED: _("措施正在审核中,不能修改;请待审核结束或退回后再改。"),
    MeasureStatus.CLOSED: _("已销号的措施不能修改;如需修改,请由主要负责人重新打开。"),
}


def crumbs_for(inspection: Inspection, *more: tuple[str, str]) -> list[dict[str, str]]:
    """Breadcrumbs: the ledgers, the unit's ledger, then ``more`` (label, url)."""
    items = [
        {"label": gettext("整改台账"), "url": reverse("web:inspections")},
        {"label": inspection.unit.name, "url": reverse("web:ledger", args=[inspection.pk])},
    ]
    return items + [{"label": label, "url": url} for label, url in more]


def problem_crumb(problem: Any) -> tuple[str, str]:
    label = gettext("问题(%(n)s)") % {"n": problem.number}
    return label, reverse("web:problem.detail", args=[problem.pk])


def measure_crumb(measure: Measure) -> tuple[str, str]:
    label = gettext("措施(%(p)s-%(n)s)") % {"p": measure.problem.number, "n": measure.position}
    return label, reverse("web:measure.detail", args=[measure.pk])


class FormPage(LoginRequiredMixin, View):
    """GET: the form; POST: validate, call the service, redirect with a message."""

    http_method_names: ClassVar[list[str]] = ["get", "post"]
    template_name = "web/edit/form.html"
    title: ClassVar[Any] = ""
    submit: ClassVar[Any] = _("保存")
    #: Fields shown side by side, one tuple per row; fields not named get a row each.
    layout: ClassVar[list[tuple[str, ...]]] = []

    def load(self, request: HttpRequest, pk: int) -> Any:
        """The object the page works on, authorised (404 / 403)."""
        raise NotImplementedError

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> EditForm:
        raise NotImplementedError

    def page(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        """Title, breadcrumbs, the item it concerns, the consequence, where cancel goes."""
        raise NotImplementedError

    def blocked(self, obj: Any) -> str:
        """Why the form cannot be used now ("" when it can)."""
        return ""

    def perform(self, request: HttpRequest, obj: Any, form: Any) -> tuple[str, str]:
        """Call the service; return the message and where to go next."""
        raise NotImplementedError

    def rows(self, form: EditForm) -> list[list[Any]]:
        grouped = {name: row for row in self.layout for name in row}
        rows, seen = [], set()
        for field in form.visible_fields():
            if field.name in seen:
                continue
            names = grouped.get(field.name, (field.name,))
            seen.update(names)
            rows.append([form[name] for name in names if name in form.fields])
        return rows

    def render_page(
        self, request: HttpRequest, obj: Any, form: EditForm, status: int = 200
    ) -> HttpResponse:
        form.mark_invalid()
        context = {
            "title": self.title,
            "submit": self.submit,
            "form": form,
            "rows": self.rows(form),
            "blocked": self.blocked(obj),
            **self.page(request, obj),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.load(request, pk)
        return self.render_page(request, obj, self.make_form(request, obj))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.load(request, pk)
        form = self.make_form(request, obj, request.POST)
        if form.is_valid():
            try:
                message, target = self.perform(request, obj, form)
            except PermissionRefused as refused:
                raise PermissionDenied(refused.message) from refused
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, message)
                return redirect(target)
        return self.render_page(request, obj, form, status=400)


# ---------------------------------------------------------------- categories and problems


class InspectionPage(FormPage):
    """A page about one inspection, for those who may ``action`` on it."""

    action: ClassVar[Action] = Action.EDIT_LEDGER

    def load(self, request: HttpRequest, pk: int) -> Inspection:
        return get_inspection_for(request.user, pk, self.action)

    def page(self, request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
        ledger = reverse("web:ledger", args=[inspection.pk])
        return {
            "crumbs": crumbs_for(inspection),
            "eyebrow": inspection.unit_name or inspection.unit.name,
            "cancel_url": f"{ledger}?tab=problems",
            "intro": self.intro,
        }

    intro: ClassVar[Any] = ""


class CategoryAdd(InspectionPage):
    title = _("添加问题类别")
    submit = _("添加问题类别")
    intro = _("问题类别对应反馈意见中的“方面”,问题清单按类别分组。")
    layout = [("title",), ("number",)]

    def make_form(self, request: HttpRequest, inspection: Inspection, data: Any = None) -> Any:
        return CategoryForm(data)

    def perform(self, request: HttpRequest, inspection: Inspection, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        category = plan.add_category(
            inspection=inspection, title=data["title"], number=data["number"], actor=request.user
        )
        message = gettext("已添加问题类别“%(title)s”。下一步:在该类别下添加问题。") % {
            "title": category.title
        }
        target = reverse("web:problem.add", args=[inspection.pk]) + f"?category={category.pk}"
        return message, target


class ProblemAdd(InspectionPage):
    title = _("添加问题")
    submit = _("添加问题")
    intro = _("逐条登记巡察反馈的问题;每个问题再拆分为若干整改措施。")

    def make_form(self, request: HttpRequest, inspection: Inspection, data: Any = None) -> Any:
        initial = {"category": request.GET.get("category")} if request.GET.get("category") else {}
        return ProblemForm(data, inspection=inspection, initial=initial)

    def page(self, request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
        context = super().page(request, inspection)
        context["blocked_action"] = {
            "label": gettext("添加问题类别"),
            "url": reverse("web:category.add", args=[inspection.pk]),
        }
        return context

    def blocked(self, inspection: Inspection) -> str:
        if not inspection.categories.exists():
            return gettext("尚无问题类别 — 先添加问题类别,再在类别下添加问题。")
        return ""

    def perform(self, request: HttpRequest, inspection: Inspection, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        problem = plan.add_problem(
            category=data["category"], text=data["text"], number=data["number"], actor=request.user
        )
        message = gettext("已添加问题(%(n)s)。下一步:为该问题添加整改措施。") % {
            "n": problem.number
        }
        return message, reverse("web:problem.detail", args=[problem.pk])


# ---------------------------------------------------------------- measures


MEASURE_LAYOUT = [("responsible_leader", "lead_department")]


def measure_added_message(measure: Measure, inspection: Inspection) -> str:
    said = gettext("已添加措施(%(p)s-%(n)s)。") % {
        "p": measure.problem.number,
        "n": measure.position,
    }
    if inspection.plan_approved_at is None:
        return said + gettext("下一步:主要负责人审批整改方案,审批后措施进入“整改中”。")
    return said + gettext("整改方案已审批,下一步:由牵头部门报送进展,报送后措施进入“整改中”。")


class MeasureAdd(FormPage):
    title = _("添加整改措施")
    submit = _("添加措施")
    layout = MEASURE_LAYOUT

    def load(self, request: HttpRequest, pk: int) -> Any:
        problem = get_problem_for(request.user, pk)
        if not can_on_inspection(request.user, Action.EDIT_LEDGER, problem.inspection):
            raise PermissionDenied
        return problem

    def make_form(self, request: HttpRequest, problem: Any, data: Any = None) -> Any:
        return MeasureForm(data, inspection=problem.inspection)

    def page(self, request: HttpRequest, problem: Any) -> dict[str, Any]:
        return {
            "crumbs": crumbs_for(problem.inspection, problem_crumb(problem)),
            "eyebrow": f"{problem.category.number}. {problem.category.title}",
            "item_label": gettext("针对的问题"),
            "item_text": f"({problem.number}) {problem.text}",
            "intro": gettext(
                "新措施为“草拟”状态;整改方案经主要负责人审批后进入“整改中”,由牵头部门报送进展。"
            ),
            "cancel_url": reverse("web:problem.detail", args=[problem.pk]),
        }

    def perform(self, request: HttpRequest, problem: Any, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        measure = plan.add_measure(
            problem=problem,
            supporting_departments=list(data["supporting_departments"]),
            actor=request.user,
            **form.changes(),
        )
        message = measure_added_message(measure, problem.inspection)
        return message, reverse("web:problem.detail", args=[problem.pk])


class MeasurePage(FormPage):
    """A page about one measure, for those who may edit the ledger (整改办)."""

    def load(self, request: HttpRequest, pk: int) -> Measure:
        return get_measure_for(request.user, pk, Action.EDIT_LEDGER)

    def page(self, request: HttpRequest, measure: Measure) -> dict[str, Any]:
        return {
            "crumbs": crumbs_for(measure.inspection, problem_crumb(measure.problem)),
            "eyebrow": gettext("问题(%(n)s)") % {"n": measure.problem.number},
            "item_label": gettext("整改措施(%(p)s-%(n)s)")
            % {"p": measure.problem.number, "n": measure.position},
            "item_text": measure.text,
            "cancel_url": reverse("web:measure.detail", args=[measure.pk]),
            "intro": self.intro,
        }

    intro: ClassVar[Any] = ""


class MeasureEdit(MeasurePage):
    title = _("修改整改措施")
    submit = _("保存修改")
    layout = MEASURE_LAYOUT
    intro = _("修改记入审计日志。若他人已先保存了修改,本次保存会被拒绝,请刷新后重试。")

    def make_form(self, request: HttpRequest, measure: Measure, data: Any = None) -> Any:
        initial = {
            "text": measure.text,
            "group": measure.group,
            "kind": measure.kind,
            "responsible_leader": measure.responsible_leader_id,
            "lead_department": measure.lead_department_id,
            "supporting_departments": [d.pk for d in measure.supporting_departments.all()],
            "deadline": measure.deadline,
            "version": measure.version,
        }
        return MeasureForm(data, inspection=measure.inspection, measure=measure, initial=initial)

    def page(self, request: HttpRequest, measure: Measure) -> dict[str, Any]:
        context = super().page(request, measure)
        context["crumbs"].append(dict(zip(("label", "url"), measure_crumb(measure), strict=True)))
        context.pop("item_text")  # the form shows the text itself
        context["reload_url"] = request.path
        return context

    def blocked(self, measure: Measure) -> str:
        reason = NOT_EDITABLE.get(measure.status)
        return str(reason) if reason else ""

    def perform(self, request: HttpRequest, measure: Measure, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        measure = plan.update_measure(
            measure=measure,
            actor=request.user,
            # A form without its version is treated as stale rather than trusted.
            expected_version=data["version"] or 0,
            supporting_departments=list(data["supporting_departments"]),
            **form.changes(),
        )
        message = gettext("已保存对措施的修改。下一步:%(next)s") % {"next": next_step(measure)}
        return message, reverse("web:measure.detail", args=[measure.pk])


class MilestoneAdd(MeasurePage):
    title = _("添加节点")
    submit = _("添加节点")
    layout = [("title", "due_date")]
    intro = _("节点把措施分成几步,各有时限;牵头部门或整改办在完成时标记。")

    def make_form(self, request: HttpRequest, measure: Measure, data: Any = None) -> Any:
        return MilestoneForm(data)

    def page(self, request: HttpRequest, measure: Measure) -> dict[str, Any]:
        context = super().page(request, measure)
        context["crumbs"].append(dict(zip(("label", "url"), measure_crumb(measure), strict=True)))
        return context

    def perform(self, request: HttpRequest, measure: Measure, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        milestone = plan.add_milestone(
            measure=measure, title=data["title"], due_date=data["due_date"], actor=request.user
        )
        message = gettext(
            "已添加节点“%(title)s”(时限 %(due)s)。下一步:按节点推进,完成后标记完成。"
        ) % {"title": milestone.title, "due": milestone.due_date.isoformat()}
        return message, reverse("web:measure.detail", args=[measure.pk]) + "#milestones-title"


def may_complete_milestone(user: Any, measure: Measure) -> bool:
    """The departments on the measure or the 整改办 (as the service decides)."""
    return can_on_measure(user, Action.REPORT_PROGRESS, measure) or can_on_measure(
        user, Action.EDIT_LEDGER, measure
    )


class MilestoneDone(FormPage):
    title = _("标记节点完成")
    submit = _("确认完成")

    def load(self, request: HttpRequest, pk: int) -> Milestone:
        milestone = (
            Milestone.objects.filter(measure__in=visible_measures(request.user))
            .select_related("measure__inspection__unit", "measure__problem")
            .filter(pk=pk)
            .first()
        )
        if milestone is None:
            raise Http404
        if not may_complete_milestone(request.user, milestone.measure):
            raise PermissionDenied
        return milestone

    def make_form(self, request: HttpRequest, milestone: Milestone, data: Any = None) -> Any:
        return MilestoneDoneForm(data, initial={"done_on": clock.today()})

    def page(self, request: HttpRequest, milestone: Milestone) -> dict[str, Any]:
        measure = milestone.measure
        return {
            "crumbs": crumbs_for(
                measure.inspection, problem_crumb(measure.problem), measure_crumb(measure)
            ),
            "eyebrow": gettext("措施:%(text)s") % {"text": measure.text[:60]},
            "item_label": gettext("节点(时限 %(due)s)") % {"due": milestone.due_date.isoformat()},
            "item_text": milestone.title,
            "intro": gettext("标记后节点显示为已完成,记入审计日志,不能撤销。"),
            "cancel_url": reverse("web:measure.detail", args=[measure.pk]),
        }

    def blocked(self, milestone: Milestone) -> str:
        if milestone.done_on:
            return gettext("该节点已于%(day)s完成。") % {"day": cn_date(milestone.done_on)}
        return ""

    def perform(self, request: HttpRequest, milestone: Milestone, form: Any) -> tuple[str, str]:
        done_on = form.cleaned_data["done_on"]
        if done_on > clock.today():
            raise DomainError(
                gettext("完成日期不能晚于今天。"), "The date is in the future.", field="done_on"
            )
        plan.complete_milestone(milestone=milestone, actor=request.user, done_on=done_on)
        message = gettext("已将节点“%(title)s”标记为完成(%(day)s)。下一步:%(next)s") % {
            "title": milestone.title,
            "day": done_on.isoformat(),
            "next": next_step(milestone.measure),
        }
        return message, reverse("web:measure.detail", args=[milestone.measure_id])


# ---------------------------------------------------------------- plan approval


class PlanApprove(LoginRequiredMixin, View):
    """The secretary approves the rectification plan (整改方案); draft measures start."""

    http_method_names: ClassVar[list[str]] = ["get", "post"]

    def render_page(
        self,
        request: HttpRequest,
        inspection: Inspection,
        error: DomainError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        counts = inspection.measures.values_list("status", flat=True)
        statuses = list(counts)
        context = {
            "inspection": inspection,
            "crumbs": crumbs_for(inspection),
            "measures": len(statuses),
            "drafts": statuses.count(MeasureStatus.DRAFT),
            "problems": inspection.problems.count(),
            "error": error,
            "late": inspection.plan_due < clock.today(),
        }
        return render(request, "web/edit/plan_approve.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = get_inspection_for(request.user, pk, Action.APPROVE_PLAN)
        return self.render_page(request, inspection)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = get_inspection_for(request.user, pk, Action.APPROVE_PLAN)
        drafts = inspection.measures.filter(status=MeasureStatus.DRAFT).count()
        try:
            plan.approve_plan(inspection=inspection, actor=request.user)
        except PermissionRefused as refused:
            raise PermissionDenied(refused.message) from refused
        except DomainError as error:
            return self.render_page(request, inspection, error=error, status=400)
        messages.success(
            request,
            gettext(
                "已审批整改方案,%(n)d 项措施进入“整改中”。下一步:各牵头部门按完成时限报送整改进展。"
            )
            % {"n": drafts},
        )
        return redirect(reverse("web:ledger", args=[inspection.pk]))
