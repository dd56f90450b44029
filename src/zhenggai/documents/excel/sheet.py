"""Reading a ledger sheet (.xlsx or .csv) row by row into :class:`SheetRow` values.

Rows stream: an .xlsx is read with openpyxl in read-only mode and a .csv through the
csv module, so memory does not grow with the file. The header row is the first of
the first ten rows naming 问题表现 or 整改措施 (a title row above it is skipped).

Merged cells (one 序号 and 问题表现 over several measure rows) read as empty cells
below the first; such a row takes the problem columns of the row above. A row's
measure number comes from ``序号`` written as ``3-2`` (problem 3, measure 2), from a
``措施序号`` column, or else from its order under its problem in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zhenggai.documents.readers.docx import check_archive
from zhenggai.documents.readers.model import ReportReadError

from .columns import (
    BY_KEY,
    REQUIRED,
    Column,
    cell_text,
    kind_in,
    match_header,
    parse_date,
    parse_departments,
    parse_yes_no,
    split_list,
    status_in,
)

#: Larger sheets are refused before reading.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
_HEADER_SEARCH = 10
_SEPARATORS = ("-", "－", "—", "–", "_")


@dataclass(frozen=True)
class SheetError:
    """A fault in one cell (or row, when ``column`` is ``None``), in Chinese and English."""

    row: int | None
    column: str | None
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where_zh, where_en = "", ""
        if self.row is not None:
            where_zh, where_en = f"第{self.row}行", f"row {self.row}"
        if self.column is not None:
            col = BY_KEY.get(self.column)
            header = col.header if col else self.column
            english = col.english if col else self.column
            where_zh += f"“{header}”列"
            where_en += f"{', ' if where_en else ''}column “{header}” ({english})"
        prefix_zh = f"{where_zh}:" if where_zh else ""
        suffix_en = f" ({where_en})" if where_en else ""
        return f"{prefix_zh}{self.message_zh} / {self.message_en}{suffix_en}"

    def as_dict(self) -> dict[str, object]:
        """Row, column key and header, both messages and the whole text."""
        col = BY_KEY.get(self.column or "")
        return {
            "row": self.row,
            "column": self.column,
            "header": col.header if col else None,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "text": str(self),
        }


class SheetReadError(ValueError):
    """The sheet cannot be read at all (not a spreadsheet, no header, too large)."""

    def __init__(self, error: SheetError) -> None:
        self.error = error
        super().__init__(str(error))


@dataclass
class SheetRow:
    """One measure row, its cells read and checked (names are resolved later)."""

    row: int
    number: str
    measure_number: int | None
    category: str
    problem: str
    measure: str
    goal: str = ""
    leader: str = ""
    lead: str | None = None
    supporting: list[str] = field(default_factory=list)
    departments_given: bool = False
    owner: str = ""
    deadline: dt.date | None = None
    kind: str | None = None
    progress: str = ""
    status: str | None = None
    status_text: str = ""
    institutions: list[str] = field(default_factory=list)
    closed: bool | None = None
    closed_on: dt.date | None = None
    note: str = ""


# --- opening ----------------------------------------------------------------------------------


def _csv_encoding(read: Iterator[bytes]) -> str:
    """UTF-8 (with or without BOM) when every chunk decodes as such, else GB18030 (GBK)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in read:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    with source.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            yield chunk


def _csv_rows(source: Path | bytes) -> Iterator[list[object]]:
    encoding = _csv_encoding(_chunks(source))
    if isinstance(source, bytes):
        stream: io.TextIOBase = io.StringIO(source.decode(encoding))
    else:
        stream = source.open(encoding=encoding, newline="")
    with stream:
        try:
            yield from csv.reader(stream)
        except csv.Error as exc:
            raise SheetReadError(
                SheetError(None, None, f"CSV格式错误:{exc}", f"malformed CSV: {exc}")
            ) from exc


def _xlsx_rows(source: Path | bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        check_archive(source, "Excel文件", "Excel file").close()
    except ReportReadError as exc:
        raise SheetReadError(SheetError(None, None, exc.message_zh, exc.message_en)) from exc
    try:
        workbook = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=True,
        )
    except Exception as exc:
        raise SheetReadError(
            SheetError(
                None,
                None,
                "无法读取Excel文件(.xlsx),文件可能已损坏",
                "the Excel file (.xlsx) cannot be read; it may be damaged",
            )
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        # Trust no <dimension> element: without it openpyxl would read the sheet twice.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def sheet_kind(data_start: bytes, name: str) -> str:
    """``xlsx`` or ``csv``, from the content (a misnamed file is read for what it is)."""
    if data_start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data_start.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetReadError(
            SheetError(
                None,
                None,
                "这是旧版Excel(.xls)文件,请另存为.xlsx后再导入",
                "this is an old Excel (.xls) file; save it as .xlsx first",
            )
        )
    if b"\x00" in data_start[:4096] or data_start.startswith(b"%PDF"):
        raise SheetReadError(
            SheetError(None, None, "文件不是.xlsx或.csv表格", "the file is neither .xlsx nor .csv")
        )
    return "csv"  # text: read as CSV whatever the name says


def raw_rows(source: Path | bytes, name: str = "") -> Iterator[list[object]]:
    """The rows of the first worksheet (or the CSV) as lists of cell values."""
    if isinstance(source, bytes):
        size, start = len(source), source[:4096]
    else:
        size = source.stat().st_size
        with source.open("rb") as stream:
            start = stream.read(4096)
        name = name or source.name
    if size == 0:
        raise SheetReadError(SheetError(None, None, "文件为空", "the file is empty"))
    if size > MAX_BYTES:
        raise SheetReadError(
            SheetError(
                None,
                None,
                f"文件超过{MAX_BYTES // (1024 * 1024)}MB",
                f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            )
        )
    kind = sheet_kind(start, name)
    return _xlsx_rows(source) if kind == "xlsx" else _csv_rows(source)


# --- the header -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """Which cell index holds which column, the header's row number, and ignored headers."""

    row: int
    index: dict[str, int]
    ignored: tuple[str, ...]


def find_header(rows: Iterator[list[object]]) -> Header:
    """Consume rows up to the header row and return it; raises when none is found."""
    for number, cells in enumerate(rows, start=1):
        matched = [(i, match_header(v)) for i, v in enumerate(cells)]
        found: dict[str, int] = {}
        for i, column in matched:
            if column is None:
                continue
            if column.key in found:
                raise SheetReadError(
                    SheetError(
                        number,
                        column.key,
                        "列名重复",
                        "the column appears twice",
                    )
                )
            found[column.key] = i
        if any(key in found for key in REQUIRED):
            missing = [key for key in REQUIRED if key not in found]
            if missing:
                raise SheetReadError(
                    SheetError(
                        number,
                        missing[0],
                        "表头缺少该列",
                        "the header row lacks this column",
                    )
                )
            ignored = tuple(
                str(v).strip()
                for (i, c), v in zip(matched, cells, strict=True)
                if c is None and v not in (None, "")
            )
            return Header(number, found, ignored)
        if number >= _HEADER_SEARCH:
            break
    raise SheetReadError(
        SheetError(
            None,
            None,
            "前10行中未找到表头(应含“问题表现”和“整改措施”列)",
            "no header row in the first 10 rows (it must name 问题表现 and 整改措施)",
        )
    )


# --- rows -------------------------------------------------------------------------------------


def _problem_number(text: str) -> tuple[str, int | None]:
    """``3-2`` → (``3``, 2); ``3`` → (``3``, None). ``ValueError`` for a bad measure part."""
    text = unicodedata.normalize("NFKC", text).strip().rstrip(".、")
    for separator in _SEPARATORS:
        if separator in text:
            head, _, tail = text.rpartition(separator)
            if not tail.strip().isdigit() or not head.strip():
                raise ValueError(text)
            return head.strip(), int(tail)
    return text, None


class RowReader:
    """Turns raw rows after the header into :class:`SheetRow` values or :class:`SheetError`."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.has_number = "number" in header.index or "problem_number" in header.index
        self.previous: SheetRow | None = None
        self.auto_numbers: dict[str, str] = {}
        self.measure_counts: dict[str, int] = {}
        self.skipped: list[int] = []

    def cell(self, cells: list[object], key: str) -> object:
        """The raw value of column ``key`` in ``cells`` (``None`` when absent)."""
        index = self.header.index.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def text(self, cells: list[object], key: str) -> str:
        """Column ``key`` of ``cells`` as text."""
        return cell_text(self.cell(cells, key))

    def read(self, number: int, cells: list[object]) -> SheetRow | SheetError | None:
        """The row, an error naming its first bad cell, or ``None`` for a blank row."""
        if all(cell_text(v) == "" for v in cells):
            return None
        number_text = self.text(cells, "problem_number") or self.text(cells, "number")
        problem, measure = self.text(cells, "problem"), self.text(cells, "measure")
        if not (number_text or problem or measure):
            self.skipped.append(number)
            return None
        try:
            return self.parse(number, cells, number_text, problem, measure)
        except _CellError as exc:
            return SheetError(number, exc.column, exc.zh, exc.en)

    def parse(
        self, row: int, cells: list[object], number_text: str, problem: str, measure: str
    ) -> SheetRow:
        """Read the keys and texts of a row, continuing merged cells from the row above."""
        category, goal = self.text(cells, "category"), self.text(cells, "goal")
        number_text, measure_number = self.number(number_text)
        previous = self.previous
        continuing = previous is not None and (
            number_text == previous.number if number_text else (self.has_number or not problem)
        )
        if continuing and previous is not None:
            # a merged cell: the problem columns continue from the row above
            number_text = number_text or previous.number
            problem, category = problem or previous.problem, category or previous.category
            if not self.text(cells, "number"):
                goal = goal or previous.goal
        if not problem:
            raise _CellError("problem", "问题表现为空", "the problem is empty")
        if not number_text:
            if self.has_number:
                raise _CellError("number", "序号为空", "the number is empty")
            number_text = self.auto_numbers.setdefault(problem, str(len(self.auto_numbers) + 1))
        if len(number_text) > 10:
            raise _CellError("number", "序号过长(最多10个字符)", "longer than 10 characters")
        if not measure:
            raise _CellError("measure", "整改措施为空", "the measure is empty")
        measure_number = self.measure_number(cells, number_text, measure_number)
        result = SheetRow(row, number_text, measure_number, category, problem, measure, goal=goal)
        self.details(result, cells)
        self.previous = result
        return result

    def number(self, text: str) -> tuple[str, int | None]:
        """The problem number and, for ``3-2``, the measure number of a 序号 cell."""
        if not text:
            return "", None
        try:
            return _problem_number(text)
        except ValueError:
            raise _CellError(
                "number",
                f"序号“{text}”无法识别(应如“3”或“3-2”)",
                f"number “{text}” not understood (like “3” or “3-2”)",
            ) from None

    def measure_number(self, cells: list[object], problem: str, given: int | None) -> int:
        """From 序号 ``3-2``, a 措施序号 column, or the order under the problem."""
        explicit = self.text(cells, "measure_number")
        if explicit:
            if not explicit.isdigit():
                raise _CellError(
                    "measure_number", "措施序号应为正整数", "must be a positive integer"
                )
            given = int(explicit)
        if given is None:
            given = self.measure_counts.get(problem, 0) + 1
        if given < 1:
            raise _CellError("number", "措施序号应从1开始", "measure numbers start at 1")
        self.measure_counts[problem] = max(self.measure_counts.get(problem, 0), given)
        return given

    def details(self, result: SheetRow, cells: list[object]) -> None:
        """Read the remaining cells of ``result``: responsibility, dates, statuses, notes."""
        result.leader = self.text(cells, "leader")
        if any(sep in result.leader for sep in "、,，;；/\n"):
            raise _CellError(
                "leader", "只能填写一名责任领导", "only one responsible leader may be named"
            )
        departments = self.text(cells, "department")
        result.departments_given = "department" in self.header.index
        result.lead, result.supporting = parse_departments(departments)
        result.owner = self.text(cells, "owner")
        if len(result.owner) > 100:
            raise _CellError("owner", "责任人过长(最多100个字符)", "longer than 100 characters")
        raw_deadline = self.cell(cells, "deadline")
        deadline_text = self.text(cells, "deadline")
        result.kind = kind_in(deadline_text) if deadline_text else None
        if result.kind is None or any(ch.isdigit() for ch in deadline_text):
            try:
                result.deadline = parse_date(
                    raw_deadline if not isinstance(raw_deadline, str) else deadline_text
                )
            except (ValueError, OverflowError):
                raise _CellError(
                    "deadline",
                    f"无法识别的日期“{deadline_text}”",
                    f"unrecognised date “{deadline_text}”",
                ) from None
        result.status_text = self.text(cells, "status")
        result.status = status_in(result.status_text) if result.status_text else None
        result.kind = kind_in(result.status_text) or result.kind
        result.progress = self.text(cells, "progress")
        result.institutions = split_list(self.text(cells, "institutions"))
        result.note = self.text(cells, "note")
        try:
            result.closed = parse_yes_no(self.text(cells, "closed"))
        except ValueError:
            raise _CellError("closed", "应填“是”或“否”", "must be 是 or 否") from None
        try:
            result.closed_on = parse_date(self.cell(cells, "closed_on") or None)
        except (ValueError, OverflowError):
            raise _CellError("closed_on", "无法识别的日期", "unrecognised date") from None


class _CellError(Exception):
    def __init__(self, column: str, zh: str, en: str) -> None:
        self.column, self.zh, self.en = column, zh, en
        super().__init__(zh)


def read_rows(
    source: Path | bytes, name: str = ""
) -> tuple[Header, RowReader, Iterator[SheetRow | SheetError]]:
    """Open a sheet, find its header, and stream its rows as values or errors."""
    rows = iter(raw_rows(source, name))
    header = find_header(rows)
    reader = RowReader(header)

    def stream() -> Iterator[SheetRow | SheetError]:
        for offset, cells in enumerate(rows, start=header.row + 1):
            if offset - header.row > MAX_ROWS:
                yield SheetError(offset, None, f"超过{MAX_ROWS}行", f"more than {MAX_ROWS} rows")
                return
            item = reader.read(offset, cells)
            if item is not None:
                yield item

    return header, reader, stream()


def columns_found(header: Header) -> list[Column]:
    """The recognised columns of ``header``, in sheet order."""
    return [BY_KEY[k] for k, _ in sorted(header.index.items(), key=lambda item: item[1])]
