"""HTML snippets shown in every list of measures and problems, built in Python.

Lists show a light, a status or a department on each of their rows; as templates these
snippets cost more than the rows' SQL. Each function returns safe HTML whose every
value is escaped. The template tags in ``zhenggai_web`` call the same functions, so a
light looks the same in a table and on a page.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from typing import Any

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from zhenggai.ledger.models import MeasureStatus, ProblemStatus
from zhenggai.web.lights import light_of
from zhenggai.web.links import object_url

PROBLEM_DOTS = {
    ProblemStatus.DONE: "closed",
    ProblemStatus.PARTIAL: "partial",
    ProblemStatus.IN_PROGRESS: "on_track",
    ProblemStatus.NOT_STARTED: "not_started",
}


def esc(value: Any) -> str:
    """``conditional_escape`` for the hot paths: safe strings as they are, the rest escaped
    exactly as Django's ``escape`` does (``html.escape``), without its lazy-string wrapper."""
    markup = getattr(value, "__html__", None)
    if markup is not None:
        return markup()
    return html.escape(str(value))


@functools.lru_cache(maxsize=64)
def _labels(choices: type[models.Choices], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """The translated label of ``value`` — what ``get_FOO_display()`` returns, without
    rebuilding the field's choices on every call (lists call it once per row)."""
    return _labels(choices, get_language()).get(value, value)


_DOT = '<span class="light light--{}"><span class="dot" aria-hidden="true"></span>{}</span>'


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2020年3月27日 — dates in running text, without leading zeros."""
    if value is None:
        return ""
    day = local_date(value)
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def cn_datetime(value: dt.datetime | None) -> str:
    """2020年3月27日 14:05, in the local time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local)} {local:%H:%M}"


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The day of ``value`` in the local time zone (Asia/Shanghai) for an aware datetime."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def iso_date(value: dt.date | dt.datetime | None) -> str:
    """2020-03-27 — dates in tables and inputs (local date of an aware datetime)."""
    return "" if value is None else local_date(value).isoformat()


def light(measure: Any, today: dt.date, detail: bool = False) -> SafeString:
    """A measure's light as dot + word; in lists its workflow status beside it, on its page
    the days left or late."""
    info = light_of(
        measure.status, measure.deadline, today, getattr(measure, "extended_deadline", None)
    )
    html = _DOT.format(info.light, esc(info.label))
    if info.extended:
        html += f' <span class="tag tag--extended">{esc(_("已延期"))}</span>'
    if not detail and measure.status not in (MeasureStatus.CLOSED, MeasureStatus.DRAFT):
        word = choice_label(MeasureStatus, measure.status)
        html += f' <span class="status-word">{esc(word)}</span>'
    if detail and info.days_left is not None and info.light != "closed":
        if info.days_late:
            days = _("已逾期 %(days)s 天") % {"days": info.days_late}
        elif info.days_left == 0:
            days = _("今天到期")
        else:
            days = _("还剩 %(days)s 天") % {"days": info.days_left}
        html += f' <span class="days">{esc(days)}</span>'
    return mark_safe(html)  # noqa: S308 — every value is escaped


def problem_status(problem: Any) -> SafeString:
    """A problem's derived status as dot + word, with 反弹 when 回头看 found it back."""
    html = format_html(
        _DOT,
        PROBLEM_DOTS.get(problem.status, "not_started"),
        choice_label(ProblemStatus, problem.status),
    )
    if getattr(problem, "rebound", False):
        rebound_on = getattr(problem, "rebound_on", None)
        title = _("回头看发现问题反弹")
        if rebound_on:
            title = f"{title} {iso_date(rebound_on)}"
        html += format_html(
            ' <span class="tag tag--rebound" title="{}">{}</span>', title, _("反弹")
        )
    return html


def departments(measure: Any) -> SafeString:
    """The lead department (or 未指定), and the supporting ones under it (配合:甲、乙).

    Lists prefetch the supporting departments into ``supporting_list``
    (:func:`zhenggai.web.queries.with_ledger_columns`); elsewhere they are queried.
    """
    lead = measure.lead_department
    out = esc(lead.name if lead is not None else _("未指定"))
    support = getattr(measure, "supporting_list", None)
    if support is None:
        support = list(measure.supporting_departments.all())
    if support:
        names = esc("、".join(d.name for d in support))
        out += f'<br><span class="muted small">{esc(_("配合:"))}{names}</span>'
    return mark_safe(out)  # noqa: S308 — both parts are escaped


def flag_marker(count: int | None, url: str = "") -> SafeString:
    """The amber marker with the number of open quality flags (nothing when there are none)."""
    if not count:
        return mark_safe("")
    title = _("待处理的形式整改体检提示")
    words = ngettext("%(n)s 条提示", "%(n)s 条提示", count) % {"n": count}
    if url:
        return format_html(
            '<a class="flag-marker" href="{}" title="{}"><span aria-hidden="true">▲</span>{}</a>',
            url,
            title,
            words,
        )
    return format_html(
        '<span class="flag-marker" title="{}"><span aria-hidden="true">▲</span>{}</span>',
        title,
        words,
    )


def evidence_item(evidence: Any) -> SafeString:
    """One evidence file: download link, size, date and the start of its SHA-256."""
    url = object_url("web:evidence.download", evidence.pk)
    digest = esc(evidence.sha256)
    return mark_safe(  # noqa: S308 — every value is escaped
        f'<li><a href="{esc(url)}" download>{esc(evidence.original_name)}</a> '
        f'<span class="muted small">{esc(filesizeformat(evidence.size))} · '
        f"{esc(iso_date(evidence.uploaded_at))} · "
        f'<abbr title="SHA-256 {digest}">SHA-256 {digest[:12]}…</abbr></span></li>'
    )
