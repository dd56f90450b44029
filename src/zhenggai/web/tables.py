"""The ledger's tables and the review cards, built in Python from column definitions.

These lists are what people open all day: the four tabs of a unit's ledger (50 rows a
page), "my work" and the review queue. As templates, each row cost dozens of variable
lookups, includes and tags, and the rows took several times longer to render than the
SQL took to fetch them (docs/benchmarks.md). Here a table is a list of :class:`Column`
— header label, CSS classes and a function from the row to its cell's HTML — and one
loop writes header and rows. Every value is escaped with :func:`esc`; the cells that
appear elsewhere too (lights, statuses, departments) come from :mod:`zhenggai.web.cells`.

The markup is the one the templates wrote: ``<td data-label="…">`` on every cell so that
the CSS can turn rows into cards on narrow screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from zhenggai.ledger.models import MeasureKind
from zhenggai.web import cells
from zhenggai.web.cells import esc
from zhenggai.web.links import object_url

MEASURE = "web:measure.detail"
PROBLEM = "web:problem.detail"


@dataclass
class Row:
    """What a cell knows besides its row: the day, the row's number, the list it is in."""

    today: dt.date
    number: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


Cell = Callable[[Any, Row], str]


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy translation, translated once per table
    cell: Cell
    th_class: str = ""
    td_class: str = ""


def _class(name: str) -> str:
    return f' class="{name}"' if name else ""


def _head(columns: list[Column]) -> str:
    cells_ = "".join(
        f'\n      <th scope="col"{_class(c.th_class)}>{esc(c.label)}</th>' for c in columns
    )
    return f"\n  <thead>\n    <tr>{cells_}\n    </tr>\n  </thead>"


def _rows(columns: list[Column], items: Iterable[Any], row: Row) -> str:
    labelled = [(f' data-label="{esc(c.label)}"{_class(c.td_class)}', c.cell) for c in columns]
    out = []
    for item in items:
        row.number += 1
        tds = "".join(f"\n        <td{attrs}>{cell(item, row)}</td>" for attrs, cell in labelled)
        out.append(f"\n      <tr>{tds}\n      </tr>")
    return "".join(out)


def table(
    columns: list[Column], items: Iterable[Any], row: Row, css: str = "table table--cards"
) -> SafeString:
    body = _rows(columns, items, row)
    html = f'<table class="{css}">{_head(columns)}\n  <tbody>{body}\n  </tbody>\n</table>'
    return mark_safe(html)  # noqa: S308 — every value is escaped by the cells


# ---------------------------------------------------------------------------- cells


def _link(url: str, text: str, css: str = "clamp") -> str:
    return f'<a class="{css}" href="{esc(url)}">{esc(text)}</a>'


def _number(item: Any, row: Row) -> str:
    return str(row.number)


def _deadline(m: Any, row: Row) -> str:
    return esc(cells.iso_date(m.deadline)) or "—"


def _light(m: Any, row: Row) -> str:
    return cells.light(m, row.today)


def _departments(m: Any, row: Row) -> str:
    return cells.departments(m)


def _problem_of(m: Any, row: Row) -> str:
    problem = m.problem
    return _link(object_url(PROBLEM, m.problem_id), f"({problem.number}) {problem.text}")


def _measure_with_flags(m: Any, row: Row) -> str:
    marker = cells.flag_marker(getattr(m, "open_flags", 0), f"{object_url(MEASURE, m.pk)}#flags")
    return _measure(m, row) + marker


def _leader(m: Any, row: Row) -> str:
    return esc(m.responsible_leader) if m.responsible_leader is not None else "—"


def _progress(m: Any, row: Row) -> str:
    if not m.latest_progress:
        return f'<span class="muted">{esc(_("尚无进展"))}</span>'
    return (
        f'<div class="clamp">{esc(m.latest_progress)}</div>'
        f'<span class="muted small">{esc(cells.iso_date(m.last_progress_at))}</span>'
    )


def _evidence(m: Any, row: Row) -> str:
    if not m.evidence_count:
        return "0"
    return f'<a href="{esc(object_url(MEASURE, m.pk))}#timeline">{m.evidence_count}</a>'


def _measure(m: Any, row: Row) -> str:
    return _link(object_url(MEASURE, m.pk), m.text)


def _measure_with_group(m: Any, row: Row) -> str:
    if m.group:
        return _measure(m, row) + f'<span class="muted small">{esc(m.group)}</span>'
    return _measure(m, row)


#: 台账: the full ledger, one row per measure (standards.md §3.1 columns).
LEDGER = [
    Column(gettext_lazy("序号"), _number, "col-no", "num"),
    Column(gettext_lazy("问题"), _problem_of, "col-problem"),
    Column(gettext_lazy("措施"), _measure_with_flags, "col-measure"),
    Column(gettext_lazy("责任领导"), _leader, "col-person"),
    Column(gettext_lazy("责任部门"), _departments, "col-dept"),
    Column(gettext_lazy("完成时限"), _deadline, "col-date", "num"),
    Column(gettext_lazy("进展"), _progress, "col-progress"),
    Column(gettext_lazy("状态"), _light),
    Column(gettext_lazy("佐证"), _evidence, "num", "num"),
]

#: 任务清单: what is to be done, with its problem.
TASKS = [
    Column(gettext_lazy("序号"), _number, "col-no", "num"),
    Column(gettext_lazy("整改措施"), _measure_with_group, "col-text"),
    Column(gettext_lazy("所属问题"), _problem_of, "col-text"),
    Column(gettext_lazy("整改类型"), lambda m, row: esc(cells.choice_label(MeasureKind, m.kind))),
    Column(gettext_lazy("完成时限"), _deadline, "col-date", "num"),
    Column(gettext_lazy("状态"), _light),
]

#: 责任清单: grouped by responsible leader (see :func:`responsibility_table`).
RESPONSIBILITY = [
    Column(gettext_lazy("责任部门"), _departments),
    Column(gettext_lazy("整改措施"), _measure, "col-text"),
    Column(gettext_lazy("完成时限"), _deadline, "col-date", "num"),
    Column(gettext_lazy("状态"), _light),
]


def _planned(p: Any, row: Row) -> str:
    html = str(p.measure_count)
    if p.stated_planned is not None and p.stated_planned != p.total_measures:
        title = esc(_("报告所称措施数与实际列出的措施数不一致"))
        words = esc(_("报告称 %(n)s 项") % {"n": p.stated_planned})
        html += f' <span class="flag" title="{title}">{words}</span>'
    return html


def _overdue_count(p: Any, row: Row) -> str:
    if not p.overdue_count:
        return "0"
    return (
        '<span class="light light--overdue"><span class="dot" aria-hidden="true"></span>'
        f"{p.overdue_count}</span>"
    )


#: 问题清单: one row per problem with its measures counted.
PROBLEMS = [
    Column(gettext_lazy("序号"), lambda p, row: esc(p.number), "col-no", "num"),
    Column(
        gettext_lazy("问题类别"),
        lambda p, row: f'<span class="clamp">{esc(p.category.title)}</span>',
    ),
    Column(
        gettext_lazy("问题表现"),
        lambda p, row: _link(object_url(PROBLEM, p.pk), p.text),
        "col-text",
    ),
    Column(gettext_lazy("整改状态"), lambda p, row: cells.problem_status(p)),
    Column(gettext_lazy("措施"), _planned, "num", "num"),
    Column(gettext_lazy("已销号"), lambda p, row: str(p.closed_count), "num", "num"),
    Column(gettext_lazy("逾期"), _overdue_count, "num", "num"),
]


def responsibility_table(items: Iterable[Any], row: Row) -> SafeString:
    """责任清单: one ``<tbody>`` per responsible leader, in the order the rows come."""
    groups: list[tuple[Any, list[Any]]] = []
    for m in items:
        if groups and groups[-1][0] == m.responsible_leader_id:
            groups[-1][1].append(m)
        else:
            groups.append((m.responsible_leader_id, [m]))
    prefix = esc(_("责任领导:"))
    bodies = []
    for _leader_id, members in groups:
        leader = members[0].responsible_leader
        name = esc(leader) if leader is not None else esc(_("未指定责任领导"))
        count = esc(ngettext("%(n)s 项", "%(n)s 项", len(members)) % {"n": len(members)})
        head = (
            '\n    <tr class="group-row">\n      <th scope="rowgroup" colspan="4">'
            f'{prefix}{name} <span class="count">{count}</span></th>\n    </tr>'
        )
        bodies.append(f"\n  <tbody>{head}{_rows(RESPONSIBILITY, members, row)}\n  </tbody>")
    html = (
        f'<table class="table table--cards table--grouped">{_head(RESPONSIBILITY)}'
        f"{''.join(bodies)}\n</table>"
    )
    return mark_safe(html)  # noqa: S308 — every value is escaped


# ------------------------------------------------------------------- my work


def _todo_measure(m: Any, row: Row) -> str:
    html = _measure(m, row)
    if row.extra.get("key") == "returned" and getattr(m, "last_reason", None):
        html += f'<p class="note note--warn">{esc(_("审核意见:"))}{esc(m.last_reason)}</p>'
    return html


def _todo_unit(m: Any, row: Row) -> str:
    lead = m.lead_department.name if m.lead_department is not None else ""
    return f'<span class="muted">{esc(m.inspection.unit.name)}</span><br>{esc(lead or _("未指定"))}'


def _button(url: str, label: str, style: str = "") -> str:
    css = f"button button--small button--{style}" if style else "button button--small"
    return f'<a class="{css}" href="{esc(url)}">{esc(label)}</a>'


@dataclass(frozen=True)
class ReviewStep:
    """A review step's two decisions: approve (with its button word) or return."""

    approve: str  # URL name
    reject: str  # URL name
    approve_word: Any  # lazy translation


#: The two review steps, by the name the review queue and "my work" give them.
REVIEW_STEPS = {
    "leader": ReviewStep(
        "web:measure.leader.approve", "web:measure.leader.return", gettext_lazy("审核通过…")
    ),
    "closure": ReviewStep("web:measure.close", "web:measure.close.return", gettext_lazy("销号…")),
}


def _todo_actions(m: Any, row: Row) -> str:
    action = row.extra.get("action")
    home = quote(row.extra.get("home", "/"), safe="/")
    if action == "update":
        return _button(f"{object_url(MEASURE, m.pk)}#progress", _("报送进展"), "primary")
    step = REVIEW_STEPS.get(action)
    if step is not None:
        approve = f"{object_url(step.approve, m.pk)}?next={home}"
        reject = f"{object_url(step.reject, m.pk)}?next={home}"
        return _button(approve, step.approve_word, "primary") + _button(
            reject, _("退回…"), "danger"
        )
    return _button(object_url(MEASURE, m.pk), _("查看"))


#: "My work": a section of measures waiting for the person, with the next step as a button.
TODO = [
    Column(gettext_lazy("整改措施"), _todo_measure),
    Column(gettext_lazy("单位 / 责任部门"), _todo_unit),
    Column(gettext_lazy("完成时限"), _deadline, "col-date", "num"),
    Column(gettext_lazy("状态"), _light),
    Column(gettext_lazy("下一步"), _todo_actions, "", "actions-cell"),
]


# --------------------------------------------------------------- review cards


def review_cards(items: Iterable[Any], today: dt.date, step: str, back: str) -> SafeString:
    """The review queue's cards (``step``: ``leader`` or ``closure``): what the measure
    is, its claim, and the two decisions."""
    decision = REVIEW_STEPS[step]
    approve, reject = decision.approve, decision.reject
    back_q = esc(quote(back, safe="/"))
    problem_word = _("问题(%(n)s)")
    deadline_word = esc(_("完成时限"))
    approve_word = esc(decision.approve_word)
    reject_word = esc(_("退回…"))
    out = []
    for m in items:
        url = object_url(MEASURE, m.pk)
        lead = m.lead_department.name if m.lead_department is not None else _("未指定部门")
        meta = (
            f"{esc(m.inspection.unit.name)} · {esc(problem_word % {'n': m.problem.number})} · "
            f'{esc(lead)} · {deadline_word} <span class="num">'
            f"{esc(cells.iso_date(m.deadline)) or '—'}</span> {cells.light(m, today)}"
        )
        title = _link(url, m.text)
        if getattr(m, "open_flags", 0):
            title += " " + cells.flag_marker(m.open_flags, f"{url}#flags")
        quote_html = ""
        if m.latest_progress:
            said = _("完成情况说明(%(d)s)") % {"d": cells.iso_date(m.last_progress_at)}
            quote_html = (
                f'\n  <div class="card-quote"><span class="muted small">{esc(said)}</span>'
                f'<div class="clamp">{esc(m.latest_progress)}</div></div>'
            )
        approve_url = f"{object_url(approve, m.pk)}?next={back_q}"
        reject_url = f"{object_url(reject, m.pk)}?next={back_q}"
        see = esc(_("查看措施和佐证(%(n)s)") % {"n": m.evidence_count})
        out.append(
            f'<li class="card">\n  <p class="card-meta">{meta}</p>\n'
            f'  <p class="card-title">{title}</p>{quote_html}\n  <p class="card-actions">\n'
            f'    <a class="button button--small button--primary" href="{approve_url}" '
            f'hx-get="{approve_url}" hx-target="#panel-{m.pk}">{approve_word}</a>\n'
            f'    <a class="button button--small button--danger" href="{reject_url}" '
            f'hx-get="{reject_url}" hx-target="#panel-{m.pk}">{reject_word}</a>\n'
            f'    <a class="button button--small button--quiet" href="{esc(url)}#timeline">'
            f"{see}</a>\n  </p>\n"
            f'  <div id="panel-{m.pk}" class="inline-panel" aria-live="polite"></div>\n</li>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value is escaped
