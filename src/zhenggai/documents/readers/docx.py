"""Word documents (.docx) as text lines the layouts read: paragraphs and tables in order.

Headings are recognised by their words, never by style names, so a document typed
with direct formatting reads like one built on 标题1/标题2. Each paragraph is one line;
a line break inside a paragraph starts a new line. Tables become lines too:

* a table with a measure column (整改措施/整改情况) and a problem column
  (问题/问题表现/反馈问题) gives ``问题N:…``, ``整改措施:``, one line per measure
  and ``完成情况:…`` per row — read by the ``numbered-problems`` layout;
* a table with only a measure column gives ``整改措施:`` and one line per measure, so
  measures in a table under a problem are still that problem's measures;
* any other table gives one line per row, cells joined by a space.

Line numbers in errors and ``lines`` count these lines, tables included.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .model import ReportReadError

#: Limits checked on the zip directory before anything is extracted (archive bombs).
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100

_PROBLEM_COLUMNS = ("问题表现", "问题内容", "反馈问题", "存在问题", "问题描述", "具体问题", "问题")
_MEASURE_COLUMNS = ("整改措施", "具体措施", "整改落实情况", "整改情况", "措施")
_STATUS_COLUMNS = ("整改状态", "完成情况", "完成状态", "整改进展", "进展情况")
_NUMBER_COLUMNS = ("序号", "编号", "问题序号")
_SPACES = re.compile(r"\s+")


def check_archive(
    data: bytes | Path, kind_zh: str = "文档", kind_en: str = "document"
) -> zipfile.ZipFile:
    """Open ``data`` (bytes or a path) as a zip, refusing broken archives and bombs.

    Only the zip directory is read: nothing is extracted before the sizes pass.
    """
    try:
        archive = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # a hostile directory fails in many ways, not only BadZipFile
        raise ReportReadError(
            f"{kind_zh}已损坏,无法打开", f"the {kind_en} is damaged and cannot be opened"
        ) from exc
    total = sum(info.file_size for info in infos)
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    if (
        len(infos) > MAX_MEMBERS
        or total > MAX_UNCOMPRESSED
        or (total > MAX_RATIO * max(size, 1) and total > 10 * 1024 * 1024)
    ):
        raise ReportReadError(
            f"{kind_zh}压缩内容异常(可能为压缩炸弹),已拒绝",
            f"the {kind_en} expands suspiciously (a possible archive bomb) and was refused",
        )
    return archive


def _cell_lines(cell: object) -> list[str]:
    lines: list[str] = []
    for paragraph in cell.paragraphs:  # type: ignore[attr-defined]
        lines.extend(line.strip() for line in paragraph.text.split("\n") if line.strip())
    return lines


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        for index, cell in enumerate(header):
            if cell == name or (len(name) > 2 and name in cell):
                return index
    return None


def _rows(table: object) -> list[list[object]]:
    """Rows of cells, each merged cell once per row."""
    rows: list[list[object]] = []
    for row in table.rows:  # type: ignore[attr-defined]
        seen: list[object] = []
        cells: list[object] = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):
                continue
            seen.append(cell._tc)
            cells.append(cell)
        rows.append(cells)
    return rows


def table_lines(table: object) -> list[str]:
    """The lines a table stands for (see the module docstring)."""
    rows = _rows(table)
    if not rows:
        return []
    header = [_SPACES.sub("", " ".join(_cell_lines(c))) for c in rows[0]]
    measure = _column(header, _MEASURE_COLUMNS)
    if measure is None:
        return [" ".join(t for c in row if (t := " ".join(_cell_lines(c)))) for row in rows]
    problem = _column([h if i != measure else "" for i, h in enumerate(header)], _PROBLEM_COLUMNS)
    status = _column(header, _STATUS_COLUMNS)
    number = _column(header, _NUMBER_COLUMNS)
    lines: list[str] = [] if problem is not None else ["整改措施:"]
    last_problem, count = None, 0

    def cell(row: list[object], index: int | None) -> str:
        if index is None or index >= len(row):
            return ""
        return "".join(_cell_lines(row[index]))

    for row in rows[1:]:
        if problem is not None:
            text = cell(row, problem)
            if text and text != last_problem:
                count += 1
                printed = cell(row, number)
                lines += [f"问题{printed if printed.isdigit() else count}:{text}", "整改措施:"]
                last_problem = text
        if measure < len(row):
            lines.extend(_cell_lines(row[measure]))
        if problem is not None and (state := cell(row, status)):
            lines.append(f"完成情况:{state}")
    return lines


def docx_text(data: bytes) -> str:
    """The text of a .docx file, one line per paragraph or table line (see above)."""
    check_archive(data, "Word文档", "Word document")
    try:
        from docx import Document
        from docx.table import Table

        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ReportReadError(
            "无法读取Word文档(.docx),文件可能已损坏或不是Word文档",
            "the Word document (.docx) cannot be read; it may be damaged or not a .docx",
        ) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(table_lines(block))
        else:
            lines.extend(block.text.split("\n"))
    return "\n".join(lines)


def is_docx(data: bytes) -> bool:
    """True for a zip whose directory holds ``word/document.xml``."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except Exception:
        return False
