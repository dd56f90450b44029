"""A supervision order or escalation notice as a .docx (simple official layout)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhenggai.supervision.models import OrderNotice, SupervisionOrder
from zhenggai.supervision.services.orders import LEVEL_LABELS


def cn_date(day: dt.date) -> str:
    """2026年3月5日 — no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, name: str = "仿宋", size: int = 16, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, align=None, name: str = "仿宋", size: int = 16, bold: bool = False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), name, size, bold)
    return paragraph


def order_docx(order: SupervisionOrder, notice: OrderNotice | None = None) -> bytes:
    notice = notice or order.notices.order_by("-step").first()
    title = notice.title if notice else _("督办通知书")
    number = notice.number if notice else order.number
    issued = timezone.localdate(notice.issued_at if notice else order.issued_at)
    doc = Document()
    _para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, name="方正小标宋简体", size=22)
    _para(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER)
    level = LEVEL_LABELS.get(notice.level, "") if notice else ""
    addressee = order.unit.name + (f"({level})" if level else "")
    _para(doc, f"{addressee}:")
    body = _(
        "根据巡察整改督办工作安排,现就“%(subject)s”进行督办。请于%(due)s前完成下列事项,"
        "并将办理情况书面反馈。"
    ) % {"subject": order.subject, "due": cn_date(order.due_date)}
    _para(doc, "    " + body)
    if order.requirement:
        _para(doc, "    " + order.requirement)
    measures = list(
        order.measures.select_related("problem").order_by("problem__position", "position")
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        (_("序号"), _("问题"), _("整改措施"), _("完成时限"), _("延期至")),
        strict=True,
    ):
        _font(cell.paragraphs[0].add_run(str(text)), "黑体", 12)
    for index, measure in enumerate(measures, 1):
        cells = table.add_row().cells
        values = (
            str(index),
            measure.problem.text[:60],
            measure.text,
            cn_date(measure.deadline) if measure.deadline else "—",
            cn_date(measure.extended_deadline) if measure.extended_deadline else "—",
        )
        for cell, text in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(text), "仿宋", 12)
    _para(doc, _("办理时限:%(due)s") % {"due": cn_date(order.due_date)})
    _para(doc, order.jurisdiction.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(issued), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
