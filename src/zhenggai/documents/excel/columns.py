"""The 台账 columns (standards §3.1), how headers are matched, and how cells are read.

Every column has a key, its standard Chinese header, an English name for messages, and
the synonyms units actually use (问题内容 for 问题表现, 整改时限 for 完成时限 …).
Headers are compared after removing spaces, asterisks and bracketed notes, so
``完成时限(必填)`` and ``责 任 部 门`` match too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from zhenggai.ledger.models import MeasureKind, MeasureStatus


@dataclass(frozen=True)
class Column:
    """One 台账 column: key, standard header, English name and accepted synonyms."""

    key: str
    header: str
    english: str
    synonyms: tuple[str, ...] = ()


#: The standard columns, in the order they are exported.
COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", "number", ("编号", "序列号", "问题编号")),
    Column(
        "category",
        "问题类别",
        "category",
        ("类别", "问题分类", "问题类型", "方面", "问题方面", "所属方面"),
    ),
    Column(
        "problem",
        "问题表现",
        "problem",
        (
            "问题内容",
            "问题",
            "反馈问题",
            "存在问题",
            "问题描述",
            "具体问题",
            "问题清单",
            "主要问题",
        ),
    ),
    Column("goal", "整改目标", "goal", ("目标", "整改要求", "预期目标")),
    Column(
        "measure", "整改措施", "measure", ("措施", "具体措施", "整改任务", "任务清单", "整改举措")
    ),
    Column(
        "leader", "责任领导", "responsible leader", ("分管领导", "牵头领导", "责任领导人", "领导")
    ),
    Column(
        "department",
        "责任部门",
        "responsible department",
        (
            "责任单位",
            "牵头部门",
            "责任处室",
            "责任科室",
            "牵头单位",
            "责任单位部门",
            "承办部门",
        ),
    ),
    Column("owner", "责任人", "person responsible", ("具体责任人", "经办人", "联系人", "承办人")),
    Column(
        "deadline",
        "完成时限",
        "deadline",
        ("整改时限", "完成时间", "整改期限", "时限", "计划完成时间"),
    ),
    Column(
        "progress",
        "整改进展",
        "progress",
        ("进展情况", "整改进度", "整改进展情况", "完成情况", "落实情况"),
    ),
    Column("status", "整改状态", "status", ("状态", "完成状态", "整改结果")),
    Column("evidence", "佐证材料", "evidence", ("佐证资料", "证明材料", "附件", "佐证")),
    Column(
        "institutions",
        "完善制度",
        "institutions",
        ("建章立制", "制度建设", "建立制度", "相关制度", "建立完善制度"),
    ),
    Column("closed", "是否销号", "closed", ("销号", "销号情况", "是否已销号")),
    Column("closed_on", "销号日期", "date closed", ("销号时间",)),
    Column("note", "备注", "note", ("说明",)),
)
#: Optional columns a sheet may add to number measures explicitly.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("problem_number", "问题序号", "problem number", ("问题编号",)),
    Column("measure_number", "措施序号", "measure number", ("措施编号",)),
)
BY_KEY = {c.key: c for c in COLUMNS + EXTRA_COLUMNS}
REQUIRED = ("problem", "measure")
HEADERS = tuple(c.header for c in COLUMNS)

_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_JUNK = re.compile(r"[\s*＊:：]")


def normalise_header(value: object) -> str:
    """A header cell without spaces, asterisks and bracketed notes.

    ``完成时限(必填)`` → ``完成时限``; ``责 任 部 门`` → ``责任部门``.
    """
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _JUNK.sub("", _NOTE.sub("", text))


def match_header(value: object) -> Column | None:
    """The column a header cell names, or ``None``; exact names win over synonyms."""
    text = normalise_header(value)
    if not text:
        return None
    columns = COLUMNS + EXTRA_COLUMNS
    return next((c for c in columns if text == c.header), None) or next(
        (c for c in columns if text in c.synonyms), None
    )


# --- cells ---------------------------------------------------------------------------------------

#: A text cell starting with one of these is a formula to a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (CSV/formula injection).

    Text already starting with ``'`` before a formula character gets one more, so that
    :func:`unneutralise` gives back exactly what was written.
    """
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise`, so that an exported sheet imports to the same text."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, formulas undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unneutralise(str(value).replace("\r\n", "\n").strip())


_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:前|之前|以前)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_END = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:底|末|份|底前|末前)?(?:前|之前)?$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)

KIND_WORDS: dict[str, str] = {
    "长期坚持": MeasureKind.ONGOING,
    "常态坚持": MeasureKind.ONGOING,
    "常态化坚持": MeasureKind.ONGOING,
    "持续整改": MeasureKind.ONGOING,
    "立行立改": MeasureKind.IMMEDIATE,
    "立即整改": MeasureKind.IMMEDIATE,
    "限期整改": MeasureKind.DEADLINE,
}
KIND_LABELS = {kind.value: str(kind.label) for kind in MeasureKind}


def parse_date(value: object) -> dt.date | None:
    """A date cell, or text like 2024-06-30, 2024/6/30, 2024年6月30日, 2024年6月底.

    A month without a day (2024年6月, 2024年6月底) means its last day. Raises
    ``ValueError`` for anything else; ``None`` for an empty cell.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a serial the sheet did not format
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_FORMS:
        match = pattern.match(text)
        if match:
            return dt.date(*(int(g) for g in match.groups()))
    match = _MONTH_END.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError(text)


def kind_in(text: str) -> str | None:
    """The measure kind a cell names (长期坚持, 立行立改, 限期整改), if any."""
    return next((kind for word, kind in KIND_WORDS.items() if word in text), None)


STATUS_WORDS: dict[str, str] = {
    **{str(status.label): status.value for status in MeasureStatus},
    "已完成": MeasureStatus.CLOSED,
    "已整改": MeasureStatus.CLOSED,
    "完成": MeasureStatus.CLOSED,
    "正在整改": MeasureStatus.IN_PROGRESS,
    "未开始": MeasureStatus.DRAFT,
}


def status_in(text: str) -> str | None:
    """The measure status a 整改状态 cell names (its words before any bracket), if any."""
    head = _NOTE.sub("", text).strip()
    return STATUS_WORDS.get(head)


def status_cell(status: str, kind: str) -> str:
    """The 整改状态 cell of an export: ``整改中``, or ``整改中(长期坚持)`` for other kinds."""
    label = str(MeasureStatus(status).label)
    return label if kind == MeasureKind.DEADLINE else f"{label}({KIND_LABELS[kind]})"


_YES = {"是", "已销号", "y", "yes", "√", "✓", "1", "true"}
_NO = {"否", "未销号", "n", "no", "×", "✗", "0", "false"}


def parse_yes_no(text: str) -> bool | None:
    """是/否 (and Y/N, √/×) as a bool; ``None`` for an empty cell; ``ValueError`` otherwise."""
    value = text.strip().lower()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(text)


_SPLIT = re.compile(r"[、,，;；/\n]+")
_ROLE_NOTE = re.compile(r"[(（]\s*(牵头|配合|协办|主办)\s*[)）]")


def parse_departments(text: str) -> tuple[str | None, list[str]]:
    """``综合处、信息中心`` → lead 综合处, supporting [信息中心].

    ``配合:信息中心`` names supporting departments only; ``信息中心(配合)`` marks one.
    """
    lead: str | None = None
    supporting: list[str] = []
    rest = text.strip()
    only_supporting = False
    for prefix in ("配合:", "配合：", "配合单位:", "配合单位：", "配合部门:", "配合部门："):
        if rest.startswith(prefix):
            rest, only_supporting = rest[len(prefix) :], True
    for part in _SPLIT.split(rest):
        name = part.strip()
        role = _ROLE_NOTE.search(name)
        name = _ROLE_NOTE.sub("", name).strip()
        for prefix in ("牵头:", "牵头：", "配合:", "配合："):
            name = name.removeprefix(prefix)
        if not name:
            continue
        if only_supporting or (role and role.group(1) in ("配合", "协办")) or lead is not None:
            supporting.append(name)
        else:
            lead = name
    return lead, supporting


def departments_cell(lead: str | None, supporting: list[str]) -> str:
    """The 责任部门 cell of an export, read back by :func:`parse_departments`."""
    if lead is None:
        return "配合:" + "、".join(supporting) if supporting else ""
    return "、".join([lead, *supporting])


def split_list(text: str) -> list[str]:
    """A cell listing several items, one per line or separated by ;/；."""
    return [item.strip() for item in re.split(r"[\n;；]+", text) if item.strip()]
