"""Template helpers: Chinese dates, lights, problem statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhenggai.web import cells, clock, links, tables

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2020年3月27日 — dates in running text, without leading zeros."""
    return cells.cn_date(value)


@register.filter
def iso_date(value: dt.date | dt.datetime | None) -> str:
    """2020-03-27 — dates in tables and inputs."""
    return cells.iso_date(value)


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    """2020年3月27日 14:05, in the local time zone."""
    return cells.cn_datetime(value)


@register.simple_tag
def light(measure: Any, detail: bool = False) -> str:
    """A measure's light as dot + word, with its workflow status beside it."""
    return cells.light(measure, clock.today(), detail)


@register.simple_tag
def problem_status(problem: Any) -> str:
    """A problem's derived status as dot + word, with 反弹 when 回头看 found it back."""
    return cells.problem_status(problem)


@register.filter
def departments(measure: Any) -> str:
    """The lead department (or 未指定), and the supporting ones under it (配合:甲、乙)."""
    return cells.departments(measure)


@register.simple_tag
def evidence_item(evidence: Any) -> str:
    """One evidence file as a list item: download link, size, date, SHA-256."""
    return cells.evidence_item(evidence)


@register.filter
def object_url(pk: int, name: str) -> str:
    """``{{ m.pk|object_url:"web:measure.detail" }}``: an object page's path, reversed once."""
    return links.object_url(name, pk)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """The current query string with ``param`` set to ``number`` (pagination links)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


def _start(page: Any) -> int:
    """The number of the row before the page's first (0 for a plain list)."""
    start_index = getattr(page, "start_index", None)
    return start_index() - 1 if start_index is not None else 0


@register.simple_tag
def measure_table(kind: str, page: Any) -> str:
    """One of the ledger's tables (``ledger``, ``tasks``, ``responsibility``, ``problems``)."""
    row = tables.Row(clock.today(), _start(page))
    if kind == "responsibility":
        return tables.responsibility_table(page, row)
    if kind == "ledger":
        return tables.table(tables.LEDGER, page, row, "table table--cards table--ledger")
    columns = {"tasks": tables.TASKS, "problems": tables.PROBLEMS}[kind]
    return tables.table(columns, page, row)


@register.simple_tag
def todo_table(section: Any) -> str:
    """A section of "my work" with the next step of each measure as a button."""
    extra = {"key": section.key, "action": section.action, "home": reverse("web:home")}
    return tables.table(tables.TODO, section.rows, tables.Row(clock.today(), extra=extra))


@register.simple_tag
def review_cards(page: Any, step: str, back: str) -> str:
    """The review queue's cards for one review step (``leader`` or ``closure``)."""
    return tables.review_cards(page, clock.today(), step, back)


def _nav_item(url: str, label: Any, current: bool, extra: str = "", badge: str = "") -> str:
    here = ' aria-current="page"' if current else ""
    return f'<li><a href="{cells.esc(url)}"{extra}{here}>{cells.esc(label)}{badge}</a></li>'


@register.simple_tag(takes_context=True)
def sidenav(context: template.Context) -> SafeString:
    """The side navigation's items: the pages of the person's roles (``nav_items``), the
    supervision pages, the inbox with its unread count, 报告. On every page, so written in
    one loop rather than three templates."""
    from zhenggai.supervision.templatetags.supervision_tags import supervision_nav
    from zhenggai.web.templatetags.zhenggai_documents import documents_nav

    request = context.get("request")
    out = [_nav_item(i["url"], i["label"], i["current"]) for i in context.get("nav_items", ())]
    supervision = supervision_nav(request)
    out += [_nav_item(i["url"], i["label"], i["current"]) for i in supervision["items"]]
    if supervision.get("inbox_url"):
        unread = supervision["unread"]
        badge = (
            f' <span class="badge" aria-label="{cells.esc(_("%(n)s 条未读") % {"n": unread})}">'
            f"{unread}</span>"
            if unread
            else ""
        )
        out.append(
            _nav_item(
                supervision["inbox_url"],
                _("消息"),
                supervision["inbox_current"],
                ' data-nav="inbox"',
                badge,
            )
        )
    reports = documents_nav(request)
    if reports["url"]:
        out.append(_nav_item(reports["url"], _("报告"), reports["current"]))
    return mark_safe("\n".join(out))  # noqa: S308 — every URL and label is escaped
