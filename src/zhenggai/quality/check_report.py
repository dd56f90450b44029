"""The per-unit check report (形式整改体检报告): HTML from a template, and ``.docx``.

:func:`build_check_report` gathers the data once; :func:`render_check_report_html`
and :func:`render_check_report_docx` lay it out. Both show every current flag,
dismissed ones with who dismissed them and why, grouped by problem, with a summary
per rule and the rules' explanations at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.ledger.models import Inspection
from zhenggai.quality.engine import Severity, all_rules
from zhenggai.quality.presentation import FlagView, view_flags
from zhenggai.quality.selectors import flags_for_inspection


@dataclass(frozen=True)
class RuleTotal:
    rule: str
    title: str
    explanation: str
    severity_label: str
    open: int
    dismissed: int


@dataclass
class ProblemSection:
    number: str | None
    text: str
    flags: list[FlagView] = field(default_factory=list)


@dataclass(frozen=True)
class CheckReport:
    unit: str
    inspection: str
    generated_at: dt.datetime
    totals: list[RuleTotal]
    sections: list[ProblemSection]
    open: int
    dismissed: int

    @property
    def title(self) -> str:
        return _("%(unit)s形式整改体检报告") % {"unit": self.unit}


def build_check_report(
    inspection: Inspection, *, user: Any = None, now: dt.datetime | None = None
) -> CheckReport:
    """The report data for the inspection's current flags (run :func:`run_checks` first)."""
    flags = flags_for_inspection(inspection, user=user)
    views = view_flags(flags, user)
    sections: dict[int | None, ProblemSection] = {}
    for flag, view in zip(flags, views, strict=True):
        key = flag.problem_id
        if key not in sections:
            text = flag.problem.text if flag.problem_id else _("报告整体")
            sections[key] = ProblemSection(view.problem, text)
        sections[key].flags.append(view)
    totals = []
    for rule in all_rules():
        mine = [v for v in views if v.rule == rule.id]
        totals.append(
            RuleTotal(
                rule=rule.id,
                title=str(rule.title),
                explanation=str(rule.explanation),
                severity_label=str(Severity(rule.severity).label),
                open=sum(v.is_open for v in mine),
                dismissed=sum(not v.is_open for v in mine),
            )
        )
    return CheckReport(
        unit=inspection.unit_name,
        inspection=str(inspection),
        generated_at=now or timezone.now(),
        totals=totals,
        sections=list(sections.values()),
        open=sum(v.is_open for v in views),
        dismissed=sum(not v.is_open for v in views),
    )


def render_check_report_html(report: CheckReport) -> str:
    """A standalone, printable HTML page (template ``quality/check_report.html``)."""
    return render_to_string("quality/check_report.html", {"report": report})


def _run(paragraph: Any, text: str, *, bold: bool = False, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold = bold
    run.font.name = "FangSong"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    if size:
        run.font.size = Pt(size)


def render_check_report_docx(report: CheckReport) -> bytes:
    """The same report as a Word document."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(head, report.title, bold=True, size=18)
    _run(doc.add_paragraph(), _("巡察:%(i)s") % {"i": report.inspection})
    _run(
        doc.add_paragraph(),
        _("生成时间:%(t)s。待处理提示%(open)s条,已排除%(dismissed)s条。")
        % {
            "t": timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"),
            "open": report.open,
            "dismissed": report.dismissed,
        },
    )
    _run(doc.add_paragraph(), _("一、汇总"), bold=True, size=14)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, (_("规则"), _("严重程度"), _("待处理"), _("已排除")), strict=True
    ):
        _run(cell.paragraphs[0], text, bold=True)
    for total in report.totals:
        cells = table.add_row().cells
        values = (total.title, total.severity_label, str(total.open), str(total.dismissed))
        for cell, text in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], text)
    _run(doc.add_paragraph(), _("二、逐项提示"), bold=True, size=14)
    if not report.sections:
        _run(doc.add_paragraph(), _("未发现问题。"))
    for section in report.sections:
        label = _("问题(%(n)s)") % {"n": section.number} if section.number else _("报告整体")
        _run(doc.add_paragraph(), f"{label} {section.text[:80]}", bold=True)
        for flag in section.flags:
            _docx_flag(doc, flag)
    _run(doc.add_paragraph(), _("附:规则说明"), bold=True, size=14)
    for total in report.totals:
        paragraph = doc.add_paragraph()
        _run(paragraph, f"{total.title}({total.rule}):", bold=True)
        _run(paragraph, total.explanation)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_flag(doc: Any, flag: FlagView) -> None:
    paragraph = doc.add_paragraph(style="List Bullet")
    _run(paragraph, f"[{flag.severity_label}] {flag.title}", bold=True)
    _run(paragraph, f"({flag.where}){flag.message}" if flag.where else flag.message)
    for span in flag.spans:
        quoted = span.file_name or span.text
        line = doc.add_paragraph()
        line.paragraph_format.left_indent = 360000
        _run(line, f"{span.source_label}{' ' + span.where if span.where else ''}:“{quoted}”")
    if flag.related:
        line = doc.add_paragraph()
        line.paragraph_format.left_indent = 360000
        _run(line, _("相关:") + "、".join(r.label for r in flag.related))
    if not flag.is_open:
        line = doc.add_paragraph()
        line.paragraph_format.left_indent = 360000
        _run(
            line,
            _("已排除(%(who)s,%(when)s):%(reason)s")
            % {
                "who": flag.dismissed_by,
                "when": timezone.localtime(flag.dismissed_at).strftime("%Y-%m-%d")
                if flag.dismissed_at
                else "",
                "reason": flag.dismiss_reason,
            },
        )
