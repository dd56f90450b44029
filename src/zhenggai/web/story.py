"""The measure page's story (整改过程), built in Python.

A busy measure tells fifty entries or more — progress reports with their files, and the
reviews between them. As template loops they took a third of the page's time; here
each entry is one string with every value escaped, the same markup the template wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhenggai.ledger.models import ReviewDecision, ReviewStage
from zhenggai.web.cells import choice_label, cn_datetime, esc, evidence_item


def _when(value: Any) -> str:
    local = timezone.localtime(value)
    return f'<time datetime="{esc(local.isoformat())}">{esc(cn_datetime(value))}</time>'


def _progress(update: Any) -> str:
    claim = update.is_completion_claim
    title = _("提交审核(申请销号)") if claim else _("报送进展")
    files = ""
    if update.files:
        items = "".join(evidence_item(e) for e in update.files)
        files = f'<ul class="files" aria-label="{esc(_("佐证材料"))}">{items}</ul>'
    return (
        f'<li class="event event--{"claim" if claim else "progress"}">'
        f'<p class="event-head"><strong>{esc(title)}</strong> · {esc(update.author)} · '
        f"{_when(update.created_at)}</p>"
        f'<p class="long-text">{linebreaksbr(update.text)}</p>{files}</li>'
    )


def _review(review: Any) -> str:
    head = (
        f"{esc(choice_label(ReviewStage, review.stage))} · "
        f"{esc(choice_label(ReviewDecision, review.decision))}"
    )
    reason = f'<p class="long-text">{linebreaksbr(review.reason)}</p>' if review.reason else ""
    return (
        f'<li class="event event--review event--{esc(review.decision)}">'
        f'<p class="event-head"><strong>{head}</strong> · {esc(review.reviewer)} · '
        f"{_when(review.created_at)}</p>{reason}</li>"
    )


def timeline_html(entries: Iterable[Any]) -> SafeString:
    """``<ol class="timeline">`` of the entries of ``views.measure.timeline``; empty
    without entries."""
    items = "".join(_progress(e.item) if e.kind == "progress" else _review(e.item) for e in entries)
    if not items:
        return SafeString("")
    return mark_safe(f'<ol class="timeline">{items}</ol>')  # noqa: S308 — values escaped
