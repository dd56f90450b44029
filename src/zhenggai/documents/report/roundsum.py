"""The office's round summary: each inspected unit's figures, totals, overdue and flagged items.

The figures are :func:`~zhenggai.documents.report.figures.round_figures`, the same
function the dashboards use, so the summary and the dashboards always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhenggai.ledger.models import Measure, MeasureStatus, Round

from .compose import clean_text as _clean
from .document import Block, Kind, ReportDocument
from .figures import InspectionFigures, RoundFigures, round_figures, round_inspections
from .text import cn_date, wan_yuan

#: Column widths (mm) of the figures table: 156 mm, the width of the text block.
TABLE_WIDTHS = (8.0, 40.0, 10.0, 11.0, 12.0, 10.0, 10.0, 13.0, 10.0, 11.0, 9.0, 12.0)


def _rate(figures: InspectionFigures) -> str:
    rate = figures.completion_rate
    return "—" if rate is None else f"{rate:.1f}%"


def _row(label: str, index: str, f: InspectionFigures) -> tuple[str, ...]:
    return (
        index,
        label,
        str(f.problems),
        str(f.done),
        str(f.partial),
        str(f.in_progress),
        str(f.not_started),
        _rate(f),
        str(f.measures),
        str(f.measures_closed),
        str(f.measures_overdue),
        str(f.open_flags),
    )


def figures_table(figures: RoundFigures) -> Block:
    header = (
        _("序号"),
        _("被巡察单位"),
        _("问题数"),
        _("已完成"),
        _("阶段性完成"),
        _("整改中"),
        _("未启动"),
        _("完成率"),
        _("措施数"),
        _("已销号"),
        _("逾期"),
        _("质量提示"),
    )
    rows = [header]
    rows += [_row(_clean(unit.unit_name), str(i), unit) for i, unit in enumerate(figures.units, 1)]
    rows.append(_row(_("合计"), "", figures.total))
    return Block(Kind.TABLE, rows=tuple(rows), widths_mm=TABLE_WIDTHS)


def overview_text(figures: RoundFigures, day: dt.date, kind: str) -> str:
    total = figures.total
    if not figures.units:
        return _("截至%(date)s，本轮次尚无可查看的%(kind)s单位。") % {
            "date": cn_date(day),
            "kind": kind,
        }
    text = _(
        "截至%(date)s，%(round)s共%(kind)s%(units)s个单位，反馈问题%(problems)s个，其中已完成整改"
        "%(done)s个、阶段性完成%(partial)s个、正在整改%(open)s个、尚未启动%(idle)s个，"
        "整体完成率%(rate)s（已完成和阶段性完成的问题占问题总数的比例）。共制定整改措施%(measures)s项，"
        "已销号%(closed)s项，逾期未完成%(overdue)s项，经批准延期%(extended)s项。"
    ) % {
        "date": cn_date(day),
        "round": figures.round_name,
        "kind": kind,
        "units": len(figures.units),
        "problems": total.problems,
        "done": total.done,
        "partial": total.partial,
        "open": total.in_progress,
        "idle": total.not_started,
        "rate": _rate(total),
        "measures": total.measures,
        "closed": total.measures_closed,
        "overdue": total.measures_overdue,
        "extended": total.measures_extended,
    }
    if total.accountability_people:
        forms = "、".join(f"{label}{people}人次" for label, people in total.accountability_items())
        text += _("运用问责%(total)s人次（%(forms)s）。") % {
            "total": total.accountability_people,
            "forms": forms,
        }
    if total.institutions:
        text += _("建立完善制度%(n)s项。") % {"n": total.institutions}
    if total.recovered_yuan:
        text += _("追缴挽回资金%(amount)s万元。") % {"amount": wan_yuan(total.recovered_yuan)}
    return text


def overdue_blocks(rnd: Round, user: Any, today: dt.date) -> list[Block]:
    limit = int(getattr(settings, "ZHENGGAI_ROUND_SUMMARY_MAX_ITEMS", 200))
    overdue = (
        Measure.objects.filter(inspection__in=round_inspections(rnd, user), deadline__lt=today)
        .exclude(status=MeasureStatus.CLOSED)
        .order_by("inspection__unit__name", "deadline", "problem__position", "position")
    )
    rows = list(overdue.values_list("inspection__unit__name", "text", "deadline")[: limit + 1])
    if not rows:
        return [Block(Kind.PARA, _("无逾期未完成的整改措施。"))]
    blocks = []
    for index, (unit, text, deadline) in enumerate(rows[:limit], start=1):
        late = (today - deadline).days
        blocks.append(
            Block(
                Kind.PARA,
                _("%(n)s.%(unit)s：%(text)s（完成时限%(date)s，逾期%(days)s天）")
                % {
                    "n": index,
                    "unit": _clean(unit),
                    "text": _clean(text).rstrip("。；;"),
                    "date": cn_date(deadline),
                    "days": late,
                },
            )
        )
    if len(rows) > limit:
        remaining = overdue.count() - limit
        blocks.append(
            Block(
                Kind.NOTE, _("另有%(n)s项逾期措施未列出，请在整改台账中查看。") % {"n": remaining}
            )
        )
    return blocks


def flag_blocks(figures: RoundFigures) -> list[Block]:
    flagged = [unit for unit in figures.units if unit.open_flags]
    if not flagged:
        return [Block(Kind.PARA, _("暂无待处理的质量提示。"))]
    return [
        Block(
            Kind.PARA,
            _("%(n)s.%(unit)s：待处理质量提示%(flags)s条。")
            % {
                "n": i,
                "unit": _clean(unit.unit_name),
                "flags": unit.open_flags,
            },
        )
        for i, unit in enumerate(flagged, start=1)
    ]


def compose_round_summary(
    rnd: Round, *, user: Any = None, today: dt.date | None = None
) -> ReportDocument:
    """The summary of ``rnd`` over the units ``user`` sees (all of them for the system)."""
    with translation.override(getattr(settings, "ZHENGGAI_REPORT_LANGUAGE", "zh-hans")):
        today = today or timezone.localdate()
        figures = round_figures(rnd, user, today)
        kind = str(rnd.get_kind_display())
        title = _("%(round)s整改进展情况汇总") % {"round": rnd.name}
        blocks = [
            Block(Kind.TITLE, title),
            Block(Kind.BLANK),
            Block(Kind.PARA, overview_text(figures, today, kind)),
            Block(Kind.H1, _("一、各单位整改进展情况")),
            figures_table(figures),
            Block(
                Kind.NOTE,
                _(
                    "注：完成率＝（已完成＋阶段性完成）÷问题数；逾期指超过完成时限且未销号的整改措施。"
                ),
            ),
            Block(Kind.H1, _("二、逾期未完成的整改措施")),
            *overdue_blocks(rnd, user, today),
            Block(Kind.H1, _("三、质量提示")),
            *flag_blocks(figures),
            Block(Kind.BLANK),
            Block(Kind.SIGNATURE, rnd.jurisdiction.name),
            Block(Kind.DATE, cn_date(today)),
        ]
        meta = {"round_id": rnd.pk, "issuer": rnd.jurisdiction.name, "figures": figures.to_json()}
        return ReportDocument("round", title, tuple(blocks), today, meta)
