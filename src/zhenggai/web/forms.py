"""Forms for the measure actions.

Business rules (a reason is required to return, a completion statement to submit,
files must be of an allowed type) are decided by the services, which raise
:class:`~zhenggai.core.errors.DomainError` naming the field; the forms only carry the
text, label the inputs and ask the browser to require what the service will require.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhenggai.core.errors import DomainError

#: Service field names that the forms call differently.
FIELD_ALIASES = {"file": "files"}


class TextForm(forms.Form):
    """One text field (progress text, completion statement or reason)."""

    def __init__(
        self, *args: Any, name: str, label: str, required: bool, help_text: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        attrs = {"rows": 4, "maxlength": 5000}
        if required:
            attrs["required"] = True
        self.fields[name] = forms.CharField(
            label=label,
            required=False,
            max_length=5000,
            help_text=help_text,
            widget=forms.Textarea(attrs=attrs),
        )


def error_field(error: DomainError, form: forms.Form, *, with_files: bool = False) -> str | None:
    """The field on this form a domain error belongs to; ``None`` shows it above the form."""
    name = FIELD_ALIASES.get(error.field or "", error.field)
    if (name == "files" and with_files) or (name and name in form.fields):
        return name
    return None


ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.ofd"
FILES_HELP = _(
    "可一次选择多个文件;接受 PDF、JPG、PNG、DOCX、XLSX、OFD(按文件内容识别),"
    "单个文件不超过 %(mb)s MB。"
)


def files_help() -> str:
    """The hint under a file input, with the configured size limit."""
    return str(FILES_HELP) % {"mb": max(settings.ZHENGGAI_EVIDENCE_MAX_BYTES // (1024 * 1024), 1)}
