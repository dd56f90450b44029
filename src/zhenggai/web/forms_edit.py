"""Forms for building the ledger and recording outcomes.

The forms check what a form can check (required fields, dates, that a choice is one
of the unit's own departments, leaders, problems); the services decide the business
rules and raise :class:`~zhenggai.core.errors.DomainError`, which :func:`add_domain_error`
puts next to the field it names. Every error carries its English text, shown in a
``<small lang="en">`` under the Chinese.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    AccountabilityForm,
    Inspection,
    InstitutionKind,
    Measure,
    MeasureKind,
    MeasureStatus,
)
from zhenggai.web.queries import unit_departments, unit_leaders

#: English for Django's own error codes (the Chinese is set on each field).
ENGLISH_BY_CODE = {
    "required": "This field is required.",
    "invalid_choice": "Choose one of the listed options.",
    "invalid_list": "Choose from the listed options.",
    "invalid": "Enter a valid value.",
    "max_length": "The text is too long.",
    "min_value": "The value is too small.",
    "max_value": "The value is too large.",
    "max_digits": "Too many digits.",
    "max_decimal_places": "At most two decimal places.",
    "max_whole_digits": "The amount is too large.",
}

#: Service field names that the forms call differently.
FIELD_ALIASES = {"amount_yuan": "amount"}


class BilingualBoundField(BoundField):
    @property
    def error_pairs(self) -> list[tuple[str, str]]:
        """(Chinese, English) for each error of this field."""
        return self.form.error_pairs(self.name)

    @property
    def is_required(self) -> bool:
        return self.field.required


class EditForm(forms.Form):
    """A form whose errors have an English twin and that takes domain errors."""

    bound_field_class = BilingualBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.english: dict[str, str] = {}

    def error_pairs(self, name: str) -> list[tuple[str, str]]:
        pairs = []
        for error in self.errors.as_data().get(name, []):
            for message in error.messages:
                english = self.english.get(message) or ENGLISH_BY_CODE.get(error.code or "", "")
                pairs.append((message, english))
        return pairs

    @property
    def non_field_pairs(self) -> list[tuple[str, str]]:
        return self.error_pairs(NON_FIELD_ERRORS)

    def add_domain_error(self, error: DomainError) -> str | None:
        """Show the service's refusal next to its field (or above the form); returns the field."""
        name = FIELD_ALIASES.get(error.field or "", error.field)
        target = name if name in self.fields and not self.fields[name].widget.is_hidden else None
        self.english[error.message] = error.english
        self.add_error(target, forms.ValidationError(error.message, code="domain"))
        return target

    def _refuse(self, name: str, message: Any, english: str) -> None:
        """A form-level rule broken: the message in both languages next to ``name``."""
        self.english[str(message)] = english
        self.add_error(name, forms.ValidationError(str(message), code="rule"))

    def mark_invalid(self) -> None:
        """``aria-invalid`` and ``aria-describedby`` on the inputs that have errors."""
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described = f"id_{name}-error" + (f" id_{name}_helptext" if field.help_text else "")
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": described})


def required(label: str, message: str) -> dict[str, Any]:
    return {"label": label, "required": True, "error_messages": {"required": message}}


def date_field(label: str, message: str | None = None, **kwargs: Any) -> forms.DateField:
    errors = {"invalid": _("请按 2026-03-27 的格式填写日期。")}
    if message:
        errors["required"] = message
    return forms.DateField(
        label=label,
        required=message is not None,
        error_messages=errors,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = getattr(obj, "title", "")
        return f"{obj}({title})" if title else str(obj)


class ProblemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = obj.text if len(obj.text) <= 36 else obj.text[:36] + "…"
        return f"({obj.number}) {text}"


# ---------------------------------------------------------------- the lists


class CategoryForm(EditForm):
    title = forms.CharField(
        **required(_("问题类别"), _("请填写问题类别。")),
        max_length=300,
        help_text=_("如“党的政治建设方面”,与反馈意见中的标题一致。"),
    )
    number = forms.CharField(
        label=_("序号"),
        required=False,
        max_length=10,
        help_text=_("可不填,默认按顺序编号;也可填“一”“二”。"),
    )


class ProblemForm(EditForm):
    category = forms.ModelChoiceField(
        queryset=None,
        label=_("问题类别"),
        error_messages={
            "required": _("请选择问题类别。"),
            "invalid_choice": _("所选问题类别不属于本次巡察,请从列表中选择。"),
        },
    )
    text = forms.CharField(
        **required(_("问题表现"), _("请填写问题表现。")),
        widget=textarea(6),
        max_length=10000,
        help_text=_("按巡察反馈意见原文填写。"),
    )
    number = forms.CharField(
        label=_("序号"), required=False, max_length=10, help_text=_("可不填,默认按顺序编号。")
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = inspection.categories.order_by("position")
        self.fields["category"].empty_label = _("— 请选择 —")


class MeasureForm(EditForm):
    text = forms.CharField(
        **required(_("整改措施"), _("请填写整改措施。")), widget=textarea(5), max_length=10000
    )
    group = forms.CharField(
        label=_("所属方面(在…方面)"),
        required=False,
        max_length=200,
        help_text=_("可不填;如“在制度建设方面”。"),
    )
    kind = forms.ChoiceField(
        label=_("整改类型"),
        choices=MeasureKind.choices,
        initial=MeasureKind.DEADLINE,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择整改类型。"), "invalid_choice": _("请选择整改类型。")},
    )
    responsible_leader = UnitChoice(
        queryset=None,
        label=_("责任领导"),
        required=False,
        help_text=_("从本单位的分管领导中选择;提交审核前必须指定。"),
        error_messages={"invalid_choice": _("所选责任领导不是本单位的分管领导,请从列表中选择。")},
    )
    lead_department = forms.ModelChoiceField(
        queryset=None,
        label=_("牵头部门"),
        required=False,
        help_text=_("牵头部门报送进展并提交审核。"),
        error_messages={"invalid_choice": _("所选牵头部门不属于本单位,请从列表中选择。")},
    )
    supporting_departments = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("配合部门"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("所选配合部门不属于本单位,请从列表中选择。"),
            "invalid_pk_value": _("所选配合部门不属于本单位,请从列表中选择。"),
        },
    )
    deadline = date_field(_("完成时限"), help_text=_("立行立改、限期整改须填写;长期坚持的可不填。"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, inspection: Inspection, measure: Measure | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_id = inspection.unit_id
        leader = self.fields["responsible_leader"]
        leader.queryset = unit_leaders(unit_id).order_by("display_name", "username")
        leader.empty_label = _("— 暂不指定 —")
        lead = self.fields["lead_department"]
        lead.queryset = unit_departments(unit_id).order_by("path")
        lead.empty_label = _("— 暂不指定 —")
        self.fields["supporting_departments"].queryset = unit_departments(unit_id).order_by("path")
        if measure is not None and measure.status != MeasureStatus.DRAFT and measure.deadline:
            deadline = self.fields["deadline"]
            deadline.widget.attrs["readonly"] = True
            deadline.help_text = _("整改已开始,原定完成时限不能修改;如需延期,请提出延期申请。")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead, supporting = data.get("lead_department"), data.get("supporting_departments") or []
        if lead is not None and lead in supporting:
            self._refuse(
                "supporting_departments",
                _("牵头部门不必再列为配合部门。"),
                "The lead department need not be listed as supporting.",
            )
        kind = data.get("kind")
        needs_deadline = kind and kind != MeasureKind.ONGOING and "deadline" not in self.errors
        if needs_deadline and not data.get("deadline"):
            self._refuse(
                "deadline",
                _("立行立改和限期整改的措施须填写完成时限。"),
                "Immediate and deadline measures need a deadline.",
            )
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = ("text", "group", "kind", "responsible_leader", "lead_department", "deadline")
        return {key: data[key] for key in keys}


class MilestoneForm(EditForm):
    title = forms.CharField(
        **required(_("节点内容"), _("请填写节点内容。")),
        max_length=300,
        help_text=_("如“完成制度初稿”“提交党组会审议”。"),
    )
    due_date = date_field(_("节点时限"), _("请填写节点时限。"))


class MilestoneDoneForm(EditForm):
    done_on = date_field(_("完成日期"), _("请填写完成日期。"))


# ---------------------------------------------------------------- outcomes


class OutcomeForm(EditForm):
    """Outcomes may name the problem they answer (optional)."""

    problem = ProblemChoice(
        queryset=None,
        label=_("对应问题"),
        required=False,
        help_text=_("可不填。"),
        error_messages={"invalid_choice": _("所选问题不属于本次巡察,请从列表中选择。")},
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = inspection.problems.order_by("position")
        self.fields["problem"].empty_label = _("— 不对应具体问题 —")
        # The problem list goes last, whatever the order of declaration.
        self.order_fields([name for name in self.fields if name != "problem"] + ["problem"])


class AccountabilityRecordForm(OutcomeForm):
    form = forms.ChoiceField(
        label=_("问责方式"),
        choices=[("", _("— 请选择 —")), *AccountabilityForm.choices],
        error_messages={"required": _("请选择问责方式。"), "invalid_choice": _("请选择问责方式。")},
    )
    people = forms.IntegerField(
        label=_("人次"),
        min_value=1,
        max_value=100000,
        initial=1,
        error_messages={
            "required": _("请填写人次。"),
            "invalid": _("人次须为整数。"),
            "min_value": _("人次必须大于0。"),
            "max_value": _("人次过大,请核实。"),
        },
    )
    decided_on = date_field(_("决定日期"), _("请填写决定日期。"))
    description = forms.CharField(
        label=_("情况说明"),
        required=False,
        widget=textarea(4),
        max_length=5000,
        help_text=_("可不填;写明对象、事由和依据,不写身份证号等个人敏感信息。"),
    )


class InstitutionRecordForm(OutcomeForm):
    title = forms.CharField(**required(_("制度名称"), _("请填写制度名称。")), max_length=300)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=InstitutionKind.choices,
        initial=InstitutionKind.NEW,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择制度类型。"), "invalid_choice": _("请选择制度类型。")},
    )
    document_number = forms.CharField(
        label=_("文号"), required=False, max_length=100, help_text=_("如“宿审批党〔2020〕3号”。")
    )
    issued_on = date_field(_("印发日期"), _("请填写印发日期。"))


YUAN, WAN = "yuan", "wan"
UNITS = [(WAN, _("万元")), (YUAN, _("元"))]


class RecoveryRecordForm(OutcomeForm):
    amount = forms.DecimalField(
        label=_("金额"),
        max_digits=14,
        decimal_places=6,
        error_messages={
            "required": _("请填写金额。"),
            "invalid": _("金额须为数字,如 12.5。"),
            "max_digits": _("金额过大,请核实。"),
            "max_whole_digits": _("金额过大,请核实。"),
            "max_decimal_places": _("金额最多保留到分(元的两位小数)。"),
        },
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(
        label=_("金额单位"),
        choices=UNITS,
        initial=WAN,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择金额单位。"), "invalid_choice": _("请选择金额单位。")},
    )
    description = forms.CharField(
        **required(_("情况说明"), _("请填写情况说明。")),
        widget=textarea(3),
        max_length=5000,
        help_text=_("如“追缴违规发放的津补贴”。"),
    )
    recorded_on = date_field(_("日期"), _("请填写日期。"))

    def amount_yuan(self) -> Decimal:
        """The amount in 元, to the fen; 万元 input is multiplied by 10 000."""
        amount = self.cleaned_data["amount"]
        if self.cleaned_data["unit"] == WAN:
            amount *= 10000
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        amount, unit = data.get("amount"), data.get("unit")
        if amount is None or not unit:
            return data
        places = -amount.as_tuple().exponent if amount.as_tuple().exponent < 0 else 0
        if amount <= 0:
            self._refuse("amount", _("金额必须大于0。"), "The amount must be positive.")
        elif unit == YUAN and places > 2:
            self._refuse(
                "amount", _("以元为单位时最多两位小数(到分)。"), "At most two decimals in yuan."
            )
        elif self.amount_yuan() <= 0:
            self._refuse("amount", _("金额至少为 0.01 元。"), "At least 0.01 yuan.")
        return data
