"""意见建议: the public's messages on the units' published reports, and the unit's answers.

Only the unit's 整改办 (coordinator) and 主要负责人 (secretary) receive and answer them
(``feedback.feedback_for``); answering is audited by the service.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from zhenggai.accounts.permissions import roles_of
from zhenggai.documents.report import feedback
from zhenggai.web.views.common import paginate


def _answering(request: HttpRequest) -> None:
    if not roles_of(request.user) & feedback.ANSWERING_ROLES:
        raise PermissionDenied


@login_required
@require_GET
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """Messages from the public on the units' published reports, unanswered first."""
    _answering(request)
    status = request.GET.get("status", "new")
    rows = feedback.feedback_for(request.user)
    if status == "new":
        rows = rows.filter(status="new")
    else:
        status = "all"
    # "new" sorts after "answered": descending puts the messages still to answer first.
    context = {
        "page": paginate(request, rows.order_by("-status", "-created_at", "-id")),
        "status": status,
        "open_count": feedback.open_feedback_count(request.user),
    }
    return render(request, "web/reports/feedback_inbox.html", context)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("答复内容"),
        max_length=feedback.MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("请填写答复内容。"),
            "max_length": gettext_lazy("答复不能超过%(limit_value)d字。"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One message and the answer form (an answer may be revised)."""
    _answering(request)
    item = feedback.get_feedback_for(request.user, pk)
    form = AnswerForm(request.POST or None, initial={"answer": item.answer})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback.answer_feedback(
                    feedback=item, actor=request.user, answer=form.cleaned_data["answer"]
                )
            except feedback.FeedbackRefused as refused:
                form.add_error("answer" if refused.field == "answer" else None, refused.message)
            else:
                messages.success(
                    request,
                    _("已答复(回执编号 %(r)s)。提交人可凭回执编号在门户网站查看答复。")
                    % {"r": item.receipt},
                )
                return redirect("web:feedback.inbox")
        status = 400
    return render(
        request, "web/reports/feedback_answer.html", {"item": item, "form": form}, status=status
    )
