"""The feedback form of a published report, with its challenge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.documents.report.feedback import MAX_MESSAGE


class FeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("意见建议"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请勿填写他人的个人信息。最多 %(n)s 字。") % {"n": MAX_MESSAGE},
    )
    name = forms.CharField(label=_("姓名(可不填)"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("联系方式(可不填)"),
        max_length=100,
        required=False,
        help_text=_("仅供本单位整改办回复时使用,不会公开。"),
    )
    answer = forms.CharField(label=_("验证题"), max_length=4)
    token = forms.CharField(widget=forms.HiddenInput, max_length=400)


class LookupForm(forms.Form):
    receipt = forms.CharField(label=_("回执编号"), max_length=24)
