"""The measure's workflow actions: report progress, submit, review, close, reopen.

Each action is one URL. GET shows a confirmation that names the item and spells out
the consequence (a fragment when HTMX asks, a whole page otherwise); POST calls the
service. A :class:`DomainError` re-renders the form with the message next to its
field and status 400; nothing is saved because the service runs in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from zhenggai.accounts.models import Role, User
from zhenggai.accounts.permissions import Action, can_on_measure, get_measure_for
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureKind, MeasureStatus
from zhenggai.ledger.services import workflow
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.web.forms import ACCEPT, TextForm, error_field, files_help
from zhenggai.web.views.common import safe_next, wants_fragment
from zhenggai.web.views.flags import ACK_ACTIONS, ack_context, acknowledge_flags

OPEN = (MeasureStatus.DRAFT, MeasureStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ActionSpec:
    key: str
    url_name: str
    permission: Action
    statuses: tuple[str, ...]
    button: str
    title: str
    consequence: str
    field: str
    field_label: str
    field_required: bool
    style: str = "primary"
    with_files: bool = False


# fmt: off
SPECS = [
    ActionSpec(
        key="progress", url_name="web:measure.progress.add", permission=Action.REPORT_PROGRESS,
        statuses=OPEN, button=_("报送进展"), title=_("报送整改进展"),
        consequence=_("进展和佐证材料记入本措施的时间轴,审核人和整改办都能看到;措施状态不变。"),
        field="text", field_label=_("进展情况"), field_required=True, with_files=True,
    ),
    ActionSpec(
        key="submit", url_name="web:measure.submit", permission=Action.SUBMIT,
        statuses=OPEN, button=_("提交审核(申请销号)"), title=_("确认提交审核"),
        consequence=_(
            "提交后措施转分管领导审核;审核完成前不能再报送进展。提交前须已上传佐证材料。"
        ),
        field="text", field_label=_("完成情况说明"), field_required=True,
    ),
    ActionSpec(
        key="leader.approve", url_name="web:measure.leader.approve",
        permission=Action.LEADER_REVIEW, statuses=(MeasureStatus.SUBMITTED,),
        button=_("审核通过"), title=_("确认审核通过"),
        consequence=_("通过后措施转主要负责人销号。"),
        field="reason", field_label=_("审核意见(可不填)"), field_required=False,
    ),
    ActionSpec(
        key="leader.return", url_name="web:measure.leader.return",
        permission=Action.LEADER_REVIEW, statuses=(MeasureStatus.SUBMITTED,),
        button=_("退回"), title=_("确认退回"),
        consequence=_("退回后措施回到“整改中”,由责任部门按意见补充后重新提交。"),
        field="reason", field_label=_("退回理由"), field_required=True, style="danger",
    ),
    ActionSpec(
        key="close", url_name="web:measure.close", permission=Action.CLOSE,
        statuses=(MeasureStatus.APPROVED,), button=_("销号"), title=_("确认销号"),
        consequence=_(
            "销号后措施为“已销号”,计入问题的完成情况;如回头看发现问题可重新打开。"
        ),
        field="reason", field_label=_("销号意见(可不填)"), field_required=False,
    ),
    ActionSpec(
        key="close.return", url_name="web:measure.close.return", permission=Action.CLOSE,
        statuses=(MeasureStatus.APPROVED,), button=_("退回"), title=_("确认退回"),
        consequence=_(
            "退回后措施回到“整改中”,由责任部门补充后重新提交,并再经分管领导审核。"
        ),
        field="reason", field_label=_("退回理由"), field_required=True, style="danger",
    ),
    ActionSpec(
        key="reopen", url_name="web:measure.reopen", permission=Action.REOPEN,
        statuses=(MeasureStatus.CLOSED,), button=_("重新打开"), title=_("确认重新打开"),
        consequence=_("重新打开后措施回到“整改中”,销号记录保留,由责任部门继续整改。"),
        field="reason", field_label=_("重新打开的理由"), field_required=True, style="danger",
    ),
]
# fmt: on
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def applies(spec: ActionSpec, measure: Measure) -> bool:
    """Does the action fit the measure's state? Long-term measures take progress when closed."""
    if spec.key == "progress" and measure.status == MeasureStatus.CLOSED:
        return measure.kind == MeasureKind.ONGOING
    return measure.status in spec.statuses


def available_actions(user: Any, measure: Measure) -> list[ActionSpec]:
    """The actions this user may take on the measure now (the permissions module decides)."""
    return [
        spec
        for spec in SPECS
        if applies(spec, measure) and can_on_measure(user, spec.permission, measure)
    ]


def _names(users: Any) -> str:
    return "、".join(str(u) for u in users) or gettext("(尚未设置)")


def _department(measure: Measure) -> str:
    return measure.lead_department.name if measure.lead_department else gettext("责任部门")


def _secretaries(measure: Measure) -> str:
    return _names(
        User.objects.filter(
            memberships__organisation_id=measure.inspection.unit_id,
            memberships__role=Role.SECRETARY,
        ).distinct()
    )


class MeasureActionView(LoginRequiredMixin, View):
    """GET: the confirmation; POST: do it, then say what happened and who is next."""

    http_method_names: ClassVar[list[str]] = ["get", "post"]
    spec: ClassVar[ActionSpec]

    def form(self, data: Any = None) -> TextForm:
        spec = self.spec
        return TextForm(
            data, name=spec.field, label=str(spec.field_label), required=spec.field_required
        )

    def render_form(
        self,
        request: HttpRequest,
        measure: Measure,
        form: TextForm,
        error: DomainError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        target = error_field(error, form, with_files=self.spec.with_files) if error else None
        if target in form.fields:
            form.fields[target].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{target}-error"}
            )
        context = {
            "measure": measure,
            "spec": self.spec,
            "form": form,
            "field": form[self.spec.field],
            "error": error,
            "error_field": target,
            "applies": applies(self.spec, measure),
            "next": safe_next(request, ""),
            "accept": ACCEPT,
            "files_help": files_help(),
        }
        if self.spec.key in ACK_ACTIONS and context["applies"]:
            # Open quality flags must be acknowledged (dismissed with a reason) first.
            context.update(ack_context(request.user, measure))
            context["ack_reason"] = request.POST.get("ack_reason", "")
        template = (
            "web/fragments/action_form.html"
            if wants_fragment(request)
            else "web/measure_action.html"
        )
        return render(request, template, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        measure = get_measure_for(request.user, pk, self.spec.permission)
        return self.render_form(request, measure, self.form())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        measure = get_measure_for(request.user, pk, self.spec.permission)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_form(request, measure, form, status=400)
        try:
            with transaction.atomic():
                acknowledged = (
                    acknowledge_flags(request, measure) if self.spec.key in ACK_ACTIONS else 0
                )
                message = self.perform(request, measure, form.cleaned_data[self.spec.field])
        except PermissionRefused as refused:
            raise PermissionDenied(refused.message) from refused
        except DomainError as error:
            return self.render_form(request, measure, form, error=error, status=400)
        if acknowledged:
            message += gettext("已按所填理由排除体检提示%(n)d条。") % {"n": acknowledged}
        messages.success(request, message)
        return redirect(safe_next(request, reverse("web:measure.detail", args=[measure.pk])))

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        raise NotImplementedError


class ReportProgress(MeasureActionView):
    spec = SPEC_BY_KEY["progress"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        files = [(f.name, f) for f in request.FILES.getlist("files")]
        workflow.report_progress(measure=measure, actor=request.user, text=text, files=files)
        said = gettext("已报送进展,附佐证材料 %(n)d 个。") % {"n": len(files)}
        if can_on_measure(request.user, Action.SUBMIT, measure):
            return said + gettext("全部整改完成后,请点击“提交审核”。")
        return said + gettext("由牵头部门在整改完成后提交审核。")


class Submit(MeasureActionView):
    spec = SPEC_BY_KEY["submit"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        # The service refuses a measure without a responsible leader, so there is one.
        measure = workflow.submit_for_review(measure=measure, actor=request.user, text=text)
        return gettext("已提交审核。下一步:由分管领导%(name)s审核。") % {
            "name": measure.responsible_leader
        }


class LeaderApprove(MeasureActionView):
    spec = SPEC_BY_KEY["leader.approve"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        measure = workflow.leader_review(
            measure=measure, actor=request.user, approve=True, reason=text
        )
        return gettext("已审核通过。下一步:由主要负责人%(names)s销号。") % {
            "names": _secretaries(measure)
        }


class LeaderReturn(MeasureActionView):
    spec = SPEC_BY_KEY["leader.return"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        measure = workflow.leader_review(
            measure=measure, actor=request.user, approve=False, reason=text
        )
        return gettext("已退回。下一步:由%(dept)s按意见补充后重新提交。") % {
            "dept": _department(measure)
        }


class Close(MeasureActionView):
    spec = SPEC_BY_KEY["close"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        measure = workflow.close_measure(
            measure=measure, actor=request.user, approve=True, reason=text
        )
        return gettext("已销号。问题(%(number)s)当前状态:%(status)s。") % {
            "number": measure.problem.number,
            "status": measure.problem.get_status_display(),
        }


class CloseReturn(MeasureActionView):
    spec = SPEC_BY_KEY["close.return"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        measure = workflow.close_measure(
            measure=measure, actor=request.user, approve=False, reason=text
        )
        return gettext("已退回。下一步:由%(dept)s补充后重新提交,再经分管领导审核。") % {
            "dept": _department(measure)
        }


class Reopen(MeasureActionView):
    spec = SPEC_BY_KEY["reopen"]

    def perform(self, request: HttpRequest, measure: Measure, text: str) -> str:
        measure = workflow.reopen_measure(measure=measure, actor=request.user, reason=text)
        return gettext("已重新打开。下一步:由%(dept)s继续整改并报送进展。") % {
            "dept": _department(measure)
        }
