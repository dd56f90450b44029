"""The ledger's filters: parsed from the query string so that every view is bookmarkable.

Every filter hits an indexed column: category (problem.category_id), status
((inspection, status)), department ((lead_department, status)), leader
((responsible_leader, status)), overdue ((inspection, deadline)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from zhenggai.core.db import STAND_IN_DAY, STAND_IN_KEY, CompiledQuery
from zhenggai.ledger.models import Inspection, Measure, MeasureStatus, Problem, ProblemStatus
from zhenggai.web.lights import light_rank_expression, overdue_q
from zhenggai.web.queries import filter_choices, problems_having, with_problem_columns
from zhenggai.web.widgets import FastCheckbox, FastSelect

TABS = {
    "problems": _("问题清单"),
    "tasks": _("任务清单"),
    "responsibility": _("责任清单"),
    "ledger": _("台账"),
}
DEFAULT_TAB = "ledger"

SORTS = [
    ("", _("按问题顺序")),
    ("deadline", _("完成时限由近到远")),
    ("-deadline", _("完成时限由远到近")),
    ("light", _("按红黄绿灯(逾期在前)")),
]

#: Filters kept when switching tabs; ``status`` means different things on the tabs.
SHARED_FILTERS = ("category", "department", "leader", "overdue")


class LedgerFilterForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("问题类别"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    status = forms.ChoiceField(label=_("状态"), required=False, widget=FastSelect)
    department = forms.TypedChoiceField(
        label=_("责任部门"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    leader = forms.TypedChoiceField(
        label=_("责任领导"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False, widget=FastCheckbox)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS, widget=FastSelect)

    def __init__(self, data: Any, *, inspection: Inspection, tab: str) -> None:
        super().__init__(data)
        everything = [("", _("全部"))]
        choices = filter_choices(inspection.pk, inspection.unit_id)
        self.fields["category"].choices = everything + choices.categories
        statuses = ProblemStatus.choices if tab == "problems" else MeasureStatus.choices
        self.fields["status"].choices = everything + list(statuses)
        self.fields["department"].choices = everything + choices.departments
        self.fields["leader"].choices = everything + choices.leaders
        if tab in ("problems", "responsibility"):
            del self.fields["sort"]  # problems keep their order; responsibility groups by leader

    def values(self) -> dict[str, Any]:
        """The valid filters; an invalid value (a stale bookmark) is ignored, not an error."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}

    def bar(self) -> SafeString:
        """The fields of the filter bar, each with its label (the check box after it), as
        the ledger's template wrote them in a loop — written here because the page is
        reloaded all day and the loop cost more than the page's filter-choice query."""
        out = []
        for field in self:
            label = (
                f'<label for="{conditional_escape(field.id_for_label)}">'
                f"{conditional_escape(field.label)}</label>"
            )
            if field.name == "overdue":
                out.append(f'<div class="field field--check">\n  {field} {label}\n</div>')
            else:
                out.append(f'<div class="field">\n  {label}\n  {field}\n</div>')
        return mark_safe("\n".join(out))  # noqa: S308 — labels escaped, widgets escape theirs

    @property
    def is_filtered(self) -> bool:
        return any(k != "sort" for k in self.values())


def filter_measures(
    measures: QuerySet[Measure], values: dict[str, Any], today: dt.date
) -> QuerySet:
    if "category" in values:
        measures = measures.filter(problem__category_id=values["category"])
    if "status" in values:
        measures = measures.filter(status=values["status"])
    if "department" in values:
        measures = measures.filter(lead_department_id=values["department"])
    if "leader" in values:
        measures = measures.filter(responsible_leader_id=values["leader"])
    if values.get("overdue"):
        measures = measures.filter(overdue_q(today))
    return measures


def sort_measures(measures: QuerySet[Measure], sort: str, today: dt.date) -> QuerySet:
    if sort == "deadline":
        return measures.order_by(
            F("deadline").asc(nulls_last=True), "problem__position", "position"
        )
    if sort == "-deadline":
        return measures.order_by(
            F("deadline").desc(nulls_last=True), "problem__position", "position"
        )
    if sort == "light":
        return measures.annotate(light_rank=light_rank_expression(today)).order_by(
            "light_rank", F("deadline").asc(nulls_last=True), "problem__position", "position"
        )
    return measures.order_by("problem__position", "position")


def filter_problems(
    problems: QuerySet[Problem], values: dict[str, Any], user: Any, today: dt.date
) -> QuerySet:
    """Problem filters; the measure filters keep problems with a matching visible measure."""
    if "category" in values:
        problems = problems.filter(category_id=values["category"])
    if "status" in values:
        problems = problems.filter(status=values["status"])
    if "department" in values:
        problems = problems.filter(
            problems_having(user, Q(lead_department_id=values["department"]))
        )
    if "leader" in values:
        problems = problems.filter(problems_having(user, Q(responsible_leader_id=values["leader"])))
    if values.get("overdue"):
        problems = problems.filter(problems_having(user, overdue_q(today)))
    return problems.order_by("position")


def _unfiltered_problems(inspection_id: int, today: dt.date) -> QuerySet:
    problems = Problem.objects.filter(inspection_id=inspection_id)
    return with_problem_columns(
        filter_problems(problems, {}, None, today), None, today, whole_unit=True
    )


_UNFILTERED_PROBLEMS = CompiledQuery(_unfiltered_problems, STAND_IN_KEY, STAND_IN_DAY)


def whole_unit_problems(inspection_id: int, today: dt.date) -> list[Problem]:
    """Every problem of the inspection, in order, with its measure counts, for a reader of
    the whole unit: the problems tab without filters, the ledger's most opened list — the
    query of :func:`filter_problems` and ``with_problem_columns`` with no filter, compiled
    once per connection. An inspection has tens of problems, so all are read and the page
    is cut from them (no ``COUNT``)."""
    return _UNFILTERED_PROBLEMS.rows(inspection_id, today)
