"""Plain-text and HTML renderings of a :class:`ReportDocument`.

The text rendering is the layout the report reader reads: one paragraph per line,
paragraphs separated by blank lines, the title first, issuer and date last. The HTML
is a fragment (``<article class="zg-report">``) for the preview and the public page,
or a whole page with its style sheet for download.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from .document import Block, Kind, ReportDocument

#: The report's look in a browser: 仿宋 body, indented paragraphs, centred title.
REPORT_CSS = """
.zg-report{max-width:44em;margin:0 auto;padding:2.5em 3em;background:#fff;color:#111;
 font-family:"FangSong","仿宋_GB2312","FandolFang","STFangsong","Noto Serif CJK SC",serif;
 font-size:16px;line-height:1.9;text-align:justify;word-break:break-all;overflow-wrap:anywhere}
.zg-report .zg-title{font-family:"方正小标宋简体","Noto Serif CJK SC","Songti SC",serif;
 font-weight:700;font-size:22px;line-height:1.6;text-align:center;margin:0 0 1.5em}
.zg-report p{margin:0;text-indent:2em}
.zg-report h2,.zg-report h3,.zg-report h4{font-size:16px;margin:0;text-indent:2em;line-height:1.9}
.zg-report h2{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-weight:400}
.zg-report h3{font-family:"楷体_GB2312","KaiTi","FandolKai",serif;font-weight:400}
.zg-report h4{font-weight:400}
.zg-report .zg-problem{text-indent:2em}
.zg-report .zg-lead2{font-family:"楷体_GB2312","KaiTi","FandolKai",serif}
.zg-report .zg-blank{height:1.9em}
.zg-report .zg-signature,.zg-report .zg-date{text-align:right;text-indent:0}
.zg-report .zg-signature{padding-right:2em}.zg-report .zg-date{padding-right:2em}
.zg-report table{border-collapse:collapse;width:100%;font-size:14px;line-height:1.5;margin:.5em 0}
.zg-report th,.zg-report td{border:1px solid #333;padding:.2em .35em;text-align:center}
.zg-report td.zg-text{text-align:left}
.zg-report .zg-note{text-indent:0;font-size:14px}
@media (max-width:700px){.zg-report{padding:1em;font-size:15px}}
"""

_HTML_TAG = {
    Kind.H1: ("h2", ""),
    Kind.H2: ("h3", ""),
    Kind.H3: ("h4", ""),
    Kind.H4: ("p", "zg-problem"),
    Kind.PARA: ("p", ""),
    Kind.SIGNATURE: ("p", "zg-signature"),
    Kind.DATE: ("p", "zg-date"),
    Kind.NOTE: ("p", "zg-note"),
}


def write_text(document: ReportDocument) -> str:
    """Title, then each paragraph on its own line with a blank line between; tables as TSV."""
    lines: list[str] = []
    for block in document.blocks:
        if block.kind == Kind.BLANK:
            continue
        if block.kind == Kind.TABLE:
            lines.append("\n".join("\t".join(row) for row in block.rows))
        else:
            lines.append(block.full_text)
    return "\n\n".join(lines) + "\n"


def _html_block(block: Block) -> str:
    if block.kind == Kind.TITLE:
        return f'<h1 class="zg-title">{escape(block.text)}</h1>'
    if block.kind == Kind.BLANK:
        return '<div class="zg-blank" aria-hidden="true"></div>'
    if block.kind == Kind.TABLE:
        head, *rows = block.rows or ((),)
        header = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in head)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="zg-text">{escape(c)}</td>' if i == 1 else f"<td>{escape(c)}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
            for row in rows
        )
        return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    tag, css = _HTML_TAG[block.kind]
    lead = ""
    if block.lead:
        lead_css = ' class="zg-lead2"' if block.lead_kind == Kind.H2 else ""
        lead = f"<span{lead_css}>{escape(block.lead)}</span>"
    attr = f' class="{css}"' if css else ""
    return f"<{tag}{attr}>{lead}{escape(block.text)}</{tag}>"


def write_html_fragment(document: ReportDocument) -> str:
    """``<article class="zg-report">…</article>``; every text is escaped."""
    inner = "\n".join(_html_block(block) for block in document.blocks)
    return f'<article class="zg-report" lang="zh-Hans">\n{inner}\n</article>'


def write_html(document: ReportDocument) -> str:
    """A whole HTML page with the report and its style sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(document.title)}</title><style>{REPORT_CSS}"
        "body{margin:0;background:#eef0f3}</style></head><body>"
        f"{write_html_fragment(document)}"
        f'<p style="text-align:center;color:#555;font-size:13px">{escape(_("整改系统生成"))}</p>'
        "</body></html>\n"
    )
