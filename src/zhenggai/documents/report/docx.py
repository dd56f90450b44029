"""Writing a :class:`ReportDocument` as .docx laid out per GB/T 9704-2012.

* A4; 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm (right margin 26 mm, bottom 35 mm).
* 22 lines × 28 characters: body 3号 (16 pt) with a fixed line pitch of 28.95 pt
  (22 × 28.95 pt fits 225 mm) and characters condensed by 0.25 pt (28 × 15.75 pt
  fits 156 mm); no extra space between Chinese and Latin text.
* Title 2号 (22 pt) 小标宋, centred; body 3号 仿宋 indented two characters; headings
  一、黑体, (一)楷体, 1. and (1) 仿宋 (bold for levels 2 and 3 when
  ``ZHENGGAI_REPORT_BOLD_HEADINGS`` is set: the standard does not ask for it).
* Page numbers "— N —" in 4号 宋体, 7 mm below the text block, right on odd pages and
  left on even pages, inset one character (different odd and even footers).
* Signature two characters from the right; the date below, starting two characters
  further right (GB/T 9704-2012 7.3.5.2).

Paragraphs are written as XML text in one pass, so a report of thousands of measures
takes a fraction of a second (see ``benchmarks/report_docx.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from .document import Block, Kind, ReportDocument
from .fonts import FontSet, font_set
from .text import display_width

LINE_TWIPS = 579  # 28.95 pt: 22 lines fill the 225 mm text block
CHAR_TWIPS = 315  # 16 pt condensed by 0.25 pt: 28 characters fill 156 mm
CONDENSE = -5  # twentieths of a point
BODY_SIZE = 32  # half-points: 3号 = 16 pt
TITLE_SIZE = 44  # 2号 = 22 pt
PAGE_NUMBER_SIZE = 28  # 4号 = 14 pt
TITLE_CHARS = 20  # 2号 characters per line of the text block
# No hanging punctuation (it would cross the text block) and no extra space between
# Chinese and Latin text or digits (it would break the 28-character grid). LibreOffice
# (7.4, writerfilter) reads w:overflowPunct the other way round, so the copy written for
# the PDF conversion says the opposite of the copy written for Word.
_NO_AUTOSPACE = '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
_NO_HANGING = {False: '<w:overflowPunct w:val="0"/>', True: '<w:overflowPunct w:val="1"/>'}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _style_xml(
    style_id: str,
    name: str,
    *,
    role: str,
    fonts: FontSet,
    size: int,
    jc: str = "both",
    indent: bool = True,
    keep: bool = False,
    outline: int | None = None,
    line: int = LINE_TWIPS,
    bold: bool = False,
    condense: bool = True,
    libreoffice: bool = False,
) -> str:
    family = quoteattr(fonts.name(role))
    ppr = "<w:keepNext/>" if keep else ""
    ppr += '<w:widowControl w:val="0"/>' + _NO_HANGING[libreoffice] + _NO_AUTOSPACE
    ppr += f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
    ppr += (
        '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
        if indent
        else '<w:ind w:firstLine="0"/>'
    )
    ppr += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    rpr = f"<w:rFonts w:ascii={family} w:hAnsi={family} w:eastAsia={family} w:cs={family}/>"
    rpr += "<w:b/><w:bCs/>" if bold else ""
    rpr += f'<w:spacing w:val="{CONDENSE}"/>' if condense else ""
    rpr += (
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>'
    )
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _lead_style_xml(fonts: FontSet, bold: bool) -> str:
    family = quoteattr(fonts.name("heading2"))
    return (
        f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="ZGLead2">'
        f'<w:name w:val="ZG Lead 2"/><w:qFormat/><w:rPr>'
        f"<w:rFonts w:ascii={family} w:hAnsi={family} w:eastAsia={family} w:cs={family}/>"
        f"{'<w:b/><w:bCs/>' if bold else ''}</w:rPr></w:style>"
    )


#: block kind → (paragraph style id, font role)
STYLE_OF = {
    Kind.TITLE: ("ZGTitle", "title"),
    Kind.PARA: ("ZGBody", "body"),
    Kind.H1: ("ZGHeading1", "heading1"),
    Kind.H2: ("ZGHeading2", "heading2"),
    Kind.H3: ("ZGHeading3", "body"),
    Kind.H4: ("ZGHeading4", "body"),
    Kind.BLANK: ("ZGBody", "body"),
    Kind.SIGNATURE: ("ZGSignature", "body"),
    Kind.DATE: ("ZGSignature", "body"),
    Kind.NOTE: ("ZGNote", "body"),
}


def _install_styles(document: object, fonts: FontSet, *, libreoffice: bool) -> None:
    bold = bool(getattr(settings, "ZHENGGAI_REPORT_BOLD_HEADINGS", False))
    styles = document.styles.element  # type: ignore[attr-defined]
    body = quoteattr(fonts.name("body"))
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = parse_xml(
        f"<w:rPrDefault {nsdecls('w')}><w:rPr>"
        f"<w:rFonts w:ascii={body} w:hAnsi={body} w:eastAsia={body} w:cs={body}/>"
        f'<w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
        '<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
    )
    ppr_default = parse_xml(
        f"<w:pPrDefault {nsdecls('w')}><w:pPr>{_NO_HANGING[libreoffice]}{_NO_AUTOSPACE}"
        f'<w:spacing w:after="0" w:line="{LINE_TWIPS}" w:lineRule="exact"/></w:pPr></w:pPrDefault>'
    )
    for child in list(defaults):
        defaults.remove(child)
    defaults.append(rpr_default)
    defaults.append(ppr_default)
    style = functools.partial(_style_xml, fonts=fonts, libreoffice=libreoffice)
    table = {"size": 21, "indent": False, "line": 300, "condense": False}
    specs = [
        style(
            "ZGTitle",
            "ZG Title",
            role="title",
            size=TITLE_SIZE,
            jc="center",
            indent=False,
            keep=True,
            line=700,
            bold=fonts.bold_title,
            condense=False,
        ),
        style("ZGBody", "ZG Body", role="body", size=BODY_SIZE),
        style("ZGHeading1", "ZG Heading 1", role="heading1", size=BODY_SIZE, keep=True, outline=0),
        style(
            "ZGHeading2",
            "ZG Heading 2",
            role="heading2",
            size=BODY_SIZE,
            keep=True,
            outline=1,
            bold=bold,
        ),
        style(
            "ZGHeading3",
            "ZG Heading 3",
            role="body",
            size=BODY_SIZE,
            keep=True,
            outline=2,
            bold=bold,
        ),
        style("ZGHeading4", "ZG Heading 4", role="body", size=BODY_SIZE, outline=3),
        style(
            "ZGSignature",
            "ZG Signature",
            role="body",
            size=BODY_SIZE,
            jc="right",
            indent=False,
            keep=True,
        ),
        style(
            "ZGNote",
            "ZG Note",
            role="body",
            size=28,
            jc="left",
            indent=False,
            line=440,
            condense=False,
        ),
        style("ZGTable", "ZG Table", role="body", jc="center", **table),
        style("ZGTableText", "ZG Table Text", role="body", jc="left", **table),
        style("ZGTableHead", "ZG Table Head", role="heading1", jc="center", **table),
        style(
            "ZGPageNumber",
            "ZG Page Number",
            role="page_number",
            size=PAGE_NUMBER_SIZE,
            jc="right",
            indent=False,
            line=280,
            condense=False,
        ),
        _lead_style_xml(fonts, bold),
    ]
    for spec in specs:
        styles.append(parse_xml(spec))


# ---------------------------------------------------------------- runs and paragraphs


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _runs(text: str, role: str, fonts: FontSet, rstyle: str = "") -> str:
    out = []
    style = f'<w:rStyle w:val="{rstyle}"/>' if rstyle else ""
    for piece, fallback in fonts.split(role, _clean(text)):
        if not piece:
            continue
        rpr = style
        if fallback:
            family = quoteattr(fallback)
            rpr += (
                f"<w:rFonts w:ascii={family} w:hAnsi={family} w:eastAsia={family} w:cs={family}/>"
            )
        rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(out)


def _title_runs(text: str, fonts: FontSet) -> str:
    """A long title breaks before 关于 into two balanced lines (标题回行,词意完整)."""
    cut = text.find("关于")
    if display_width(text) <= TITLE_CHARS or cut <= 0:
        return _runs(text, "title", fonts)
    return (
        _runs(text[:cut], "title", fonts) + "<w:r><w:br/></w:r>" + _runs(text[cut:], "title", fonts)
    )


def _paragraph(block: Block, fonts: FontSet, ppr_extra: str = "") -> str:
    style, role = STYLE_OF[block.kind]
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr>'
    if block.kind == Kind.TITLE:
        return f"<w:p>{ppr}{_title_runs(block.text, fonts)}</w:p>"
    runs = ""
    if block.lead:
        if block.lead_kind == Kind.H2:
            runs += _runs(block.lead, "heading2", fonts, "ZGLead2")
        else:
            runs += _runs(block.lead, role, fonts)
    runs += _runs(block.text, role, fonts)
    return f"<w:p>{ppr}{runs}</w:p>"


def _signature_indents(signature: str, date: str) -> tuple[float, float]:
    """Right indents (in characters) of the signature and of the date under it."""
    sig, day = display_width(signature), display_width(date)
    sig_right, date_right = 2.0, sig - day
    if date_right < 2:
        date_right = 2.0
        sig_right = day + 4 - sig
    return sig_right, date_right


def _right_indent(chars: float) -> str:
    return f'<w:ind w:right="{round(chars * CHAR_TWIPS)}" w:firstLine="0"/>'


def _table(block: Block, fonts: FontSet) -> str:
    widths = [round(mm * 56.6929) for mm in block.widths_mm]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    rows = []
    for index, row in enumerate(block.rows):
        cells = []
        for column, (width, text) in enumerate(zip(widths, row, strict=False)):
            if index == 0:
                style, role = "ZGTableHead", "heading1"
            else:
                style, role = ("ZGTableText", "body") if column == 1 else ("ZGTable", "body")
            cell_pr = f'<w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
            ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            cells.append(
                f"<w:tc><w:tcPr>{cell_pr}</w:tcPr><w:p>{ppr}{_runs(text, role, fonts)}</w:p></w:tc>"
            )
        header = (
            "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
            if index == 0
            else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        rows.append(f"<w:tr>{header}{''.join(cells)}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/>'
        "</w:tblCellMar>"
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _kept_before_signature(blocks: list[Block]) -> set[int]:
    """The blank line and the last text before the signature stay on its page.

    A signature page must show body text (GB/T 9704-2012 7.3.5): never a page with only
    the signature and the date.
    """
    kept: set[int] = set()
    for index, block in enumerate(blocks):
        if block.kind != Kind.SIGNATURE:
            continue
        previous = index - 1
        while previous >= 0 and blocks[previous].kind == Kind.BLANK:
            kept.add(previous)
            previous -= 1
        if previous >= 0 and blocks[previous].kind != Kind.TABLE:
            kept.add(previous)
    return kept


def body_xml(document: ReportDocument, fonts: FontSet) -> str:
    parts: list[str] = []
    blocks = list(document.blocks)
    kept = _kept_before_signature(blocks)
    for index, block in enumerate(blocks):
        keep = "<w:keepNext/>" if index in kept else ""
        if block.kind == Kind.TABLE:
            parts.append(_table(block, fonts))
        elif block.kind == Kind.BLANK:
            parts.append(f'<w:p><w:pPr><w:pStyle w:val="ZGBody"/>{keep}</w:pPr></w:p>')
        elif block.kind == Kind.SIGNATURE:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            date = following.text if following is not None and following.kind == Kind.DATE else ""
            sig_right, _ = _signature_indents(block.text, date)
            parts.append(_paragraph(block, fonts, _right_indent(sig_right)))
        elif block.kind == Kind.DATE:
            previous = blocks[index - 1] if index else None
            signature = (
                previous.text if previous is not None and previous.kind == Kind.SIGNATURE else ""
            )
            _, date_right = _signature_indents(signature, block.text) if signature else (0, 2.0)
            parts.append(_paragraph(block, fonts, _right_indent(date_right)))
        else:
            parts.append(_paragraph(block, fonts, keep))
    return "".join(parts)


# ---------------------------------------------------------------- page and footers


def _page_number_xml(fonts: FontSet, *, odd: bool) -> str:
    """ "— N —": right and inset one character on odd pages, left on even pages."""
    inset = PAGE_NUMBER_SIZE * 10  # one 4号 character, in twips
    ind = f'<w:ind w:right="{inset}"/>' if odd else f'<w:ind w:left="{inset}"/>'
    jc = "right" if odd else "left"

    def text(value: str) -> str:
        return _runs(value, "page_number", fonts)

    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    ppr = f'<w:pPr><w:pStyle w:val="ZGPageNumber"/>{ind}<w:jc w:val="{jc}"/></w:pPr>'
    return f"<w:p {nsdecls('w')}>{ppr}{text('— ')}{field}{text(' —')}</w:p>"


def _set_footer(footer: object, xml: str) -> None:
    element = footer._element  # type: ignore[attr-defined]
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(xml))


def _setup_page(document: object, fonts: FontSet) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The footer's 14 pt line ends 22 mm above the page edge: its top is 7 mm below the text block.
    section.footer_distance = Mm(22)
    section.gutter = Mm(0)
    document.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section.footer.is_linked_to_previous = False
    _set_footer(section.footer, _page_number_xml(fonts, odd=True))
    _set_footer(section.even_page_footer, _page_number_xml(fonts, odd=False))


def write_docx(
    document: ReportDocument, *, open_fonts: bool = False, fonts: FontSet | None = None
) -> bytes:
    """The report as .docx bytes; ``open_fonts`` for the PDF path (Fandol and Noto CJK)."""
    fonts = fonts or font_set(open_fonts=open_fonts)
    docx = Document()
    _install_styles(docx, fonts, libreoffice=open_fonts)
    _setup_page(docx, fonts)
    body = docx.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{body_xml(document, fonts)}</w:body>")
    sect = body.find(qn("w:sectPr"))
    for child in list(wrapper):
        sect.addprevious(child)
    props = docx.core_properties
    props.title = document.title
    props.author = props.last_modified_by = str(document.meta.get("issuer", ""))
    props.comments = props.keywords = props.subject = ""
    moment = dt.datetime.combine(document.date, dt.time(12, 0))
    props.created = props.modified = moment
    props.revision = 1
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
