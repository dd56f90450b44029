"""The ``zhenggai.ledger/1`` JSON: a read report as plain data, and back with validation.

:func:`to_ledger_json` gives a dict ready for ``json.dumps(..., ensure_ascii=False)``;
:func:`from_ledger_json` checks a dict field by field and rebuilds the
:class:`~zhenggai.documents.readers.ParsedReport`, so that
``from_ledger_json(to_ledger_json(report)) == report``. The format is described
field by field in ``docs/ledger-json.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from zhenggai.documents.readers.model import (
    STATUS_KINDS,
    LineSpan,
    ParsedCategory,
    ParsedContact,
    ParsedFigure,
    ParsedMeasure,
    ParsedProblem,
    ParsedReport,
    ParsedStated,
    ParsedStatus,
    ParsedTally,
    ParsedWarning,
    ReportReadError,
)

LEDGER_FORMAT = "zhenggai.ledger/1"

_T = TypeVar("_T")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


# --- tree → JSON -------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _lines(span: LineSpan | None) -> list[int] | None:
    return list(span) if span is not None else None


def _measure_json(measure: ParsedMeasure) -> dict[str, Any]:
    return {
        "text": measure.text,
        "group": measure.group,
        "ordinal": measure.ordinal,
        "lines": _lines(measure.lines),
    }


def _problem_json(problem: ParsedProblem) -> dict[str, Any]:
    stated, status = problem.stated, problem.status
    return {
        "number": problem.number,
        "text": problem.text,
        "lines": _lines(problem.lines),
        "stated": None
        if stated is None
        else {
            "planned": stated.planned,
            "done": stated.done,
            "ongoing": stated.ongoing,
            "text": stated.text,
            "lines": _lines(stated.lines),
        },
        "status": None
        if status is None
        else {"kind": status.kind, "text": status.text, "lines": _lines(status.lines)},
        "measures": [_measure_json(m) for m in problem.measures],
    }


def _tally_json(tally: ParsedTally | None) -> dict[str, Any] | None:
    if tally is None:
        return None
    return {
        "total": tally.total,
        "done": tally.done,
        "partial": tally.partial,
        "in_progress": tally.in_progress,
        "text": tally.text,
        "lines": _lines(tally.lines),
    }


def to_ledger_json(report: ParsedReport) -> dict[str, Any]:
    """The ``zhenggai.ledger/1`` dict of ``report``: dates as ISO strings, numbers as printed."""
    contact = report.contact
    return {
        "format": LEDGER_FORMAT,
        "layout": report.layout,
        "title": report.title,
        "inspection": {
            "unit": report.unit,
            "team": report.team,
            "issuer": report.issuer,
            "period": {"start": _iso(report.period_start), "end": _iso(report.period_end)},
            "feedback_date": _iso(report.feedback_date),
            "report_date": _iso(report.report_date),
            "lines": {name: list(span) for name, span in report.fact_lines},
        },
        "intro_text": report.intro_text,
        "organisation_text": report.organisation_text,
        "categories": [
            {
                "number": category.number,
                "title": category.title,
                "area": category.area,
                "lines": _lines(category.lines),
                "stated": _tally_json(category.stated),
                "problems": [_problem_json(p) for p in category.problems],
            }
            for category in report.categories
        ],
        "next_steps_text": report.next_steps_text,
        "contact": None
        if contact is None
        else {
            "phone": contact.phone,
            "address": contact.address,
            "postcode": contact.postcode,
            "email": contact.email,
            "text": contact.text,
            "lines": _lines(contact.lines),
        },
        "summary": [
            {"key": f.key, "value": f.value, "text": f.text, "lines": _lines(f.lines)}
            for f in report.summary
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "line": w.line} for w in report.warnings
        ],
    }


# --- JSON → tree, with validation --------------------------------------------------------------


def _error(path: str, zh: str, en: str) -> ReportReadError:
    return ReportReadError(f"台账JSON字段 {path} {zh}", f"ledger JSON field {path} {en}", None)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _take(obj: dict[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
    if key in obj:
        return obj[key]
    if default is _MISSING:
        raise _error(_join(path, key), "缺失", "is missing")
    return default


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(path or "(根)", "应为对象", "must be an object")
    return value


def _list(value: Any, path: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise _error(path, "应为数组", "must be an array")
    if non_empty and not value:
        raise _error(path, "不能为空数组", "must not be empty")
    return value


def _text(value: Any, path: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _error(path, "应为字符串", "must be a string")
    if required and not value.strip():
        raise _error(path, "不能为空", "must not be empty")
    return value


def _optional(value: Any, path: str, check: Callable[[Any, str], _T]) -> _T | None:
    return None if value is None else check(value, path)


def _count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _error(path, "应为非负整数或null", "must be a non-negative integer or null")
    return value


def _line(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _error(path, "应为正整数(行号)或null", "must be a positive line number or null")
    return value


def _span(value: Any, path: str) -> LineSpan:
    if not isinstance(value, list) or len(value) != 2:
        raise _error(path, "应为[起始行, 结束行]或null", "must be [first, last] or null")
    first, last = _line(value[0], f"{path}[0]"), _line(value[1], f"{path}[1]")
    if first > last:
        raise _error(path, "起始行大于结束行", "starts after it ends")
    return (first, last)


def _date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise _error(path, "应为YYYY-MM-DD格式的日期", "must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _error(path, "不是有效日期", "is not a valid date") from exc


def _measure(value: Any, path: str) -> ParsedMeasure:
    obj = _object(value, path)
    return ParsedMeasure(
        text=_text(_take(obj, "text", path), _join(path, "text"), required=True),
        group=_optional(_take(obj, "group", path, None), _join(path, "group"), _text),
        ordinal=_optional(_take(obj, "ordinal", path, None), _join(path, "ordinal"), _text),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _stated(value: Any, path: str) -> ParsedStated:
    obj = _object(value, path)
    ongoing = _take(obj, "ongoing", path, False)
    if not isinstance(ongoing, bool):
        raise _error(_join(path, "ongoing"), "应为true或false", "must be true or false")
    return ParsedStated(
        planned=_optional(_take(obj, "planned", path, None), _join(path, "planned"), _count),
        done=_optional(_take(obj, "done", path, None), _join(path, "done"), _count),
        ongoing=ongoing,
        text=_text(_take(obj, "text", path, ""), _join(path, "text")),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _status(value: Any, path: str) -> ParsedStatus:
    obj = _object(value, path)
    kind = _take(obj, "kind", path)
    if kind not in STATUS_KINDS:
        raise _error(
            _join(path, "kind"),
            f"应为{'、'.join(STATUS_KINDS)}之一",
            f"must be one of {', '.join(STATUS_KINDS)}",
        )
    return ParsedStatus(
        kind=kind,
        text=_text(_take(obj, "text", path, ""), _join(path, "text")),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _tally(value: Any, path: str) -> ParsedTally:
    obj = _object(value, path)

    def count(key: str) -> int | None:
        return _optional(_take(obj, key, path, None), _join(path, key), _count)

    return ParsedTally(
        total=count("total"),
        done=count("done"),
        partial=count("partial"),
        in_progress=count("in_progress"),
        text=_text(_take(obj, "text", path, ""), _join(path, "text")),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _figure(value: Any, path: str) -> ParsedFigure:
    obj = _object(value, path)
    number = _take(obj, "value", path)
    if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
        raise _error(_join(path, "value"), "应为非负数", "must be a non-negative number")
    return ParsedFigure(
        key=_text(_take(obj, "key", path), _join(path, "key"), required=True),
        value=number,
        text=_text(_take(obj, "text", path, ""), _join(path, "text")),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _problem(value: Any, path: str) -> ParsedProblem:
    obj = _object(value, path)
    measures = _list(_take(obj, "measures", path), _join(path, "measures"))
    return ParsedProblem(
        number=_text(_take(obj, "number", path), _join(path, "number"), required=True),
        text=_text(_take(obj, "text", path), _join(path, "text"), required=True),
        stated=_optional(_take(obj, "stated", path, None), _join(path, "stated"), _stated),
        measures=tuple(_measure(item, f"{path}.measures[{i}]") for i, item in enumerate(measures)),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
        status=_optional(_take(obj, "status", path, None), _join(path, "status"), _status),
    )


def _category(value: Any, path: str) -> ParsedCategory:
    obj = _object(value, path)
    problems = _list(_take(obj, "problems", path), _join(path, "problems"), non_empty=True)
    return ParsedCategory(
        number=_text(_take(obj, "number", path), _join(path, "number"), required=True),
        title=_text(_take(obj, "title", path), _join(path, "title"), required=True),
        problems=tuple(_problem(item, f"{path}.problems[{i}]") for i, item in enumerate(problems)),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
        area=_optional(_take(obj, "area", path, None), _join(path, "area"), _text),
        stated=_optional(_take(obj, "stated", path, None), _join(path, "stated"), _tally),
    )


def _contact(value: Any, path: str) -> ParsedContact:
    obj = _object(value, path)

    def part(key: str) -> str | None:
        return _optional(_take(obj, key, path, None), _join(path, key), _text)

    return ParsedContact(
        phone=part("phone"),
        address=part("address"),
        postcode=part("postcode"),
        email=part("email"),
        text=_text(_take(obj, "text", path, ""), _join(path, "text")),
        lines=_optional(_take(obj, "lines", path, None), _join(path, "lines"), _span),
    )


def _fact_lines(value: Any, path: str) -> tuple[tuple[str, LineSpan], ...]:
    obj = _object(value, path)
    return tuple(sorted((str(key), _span(span, _join(path, key))) for key, span in obj.items()))


def _warning(value: Any, path: str) -> ParsedWarning:
    obj = _object(value, path)
    return ParsedWarning(
        code=_text(_take(obj, "code", path), _join(path, "code"), required=True),
        message=_text(_take(obj, "message", path, ""), _join(path, "message")),
        line=_optional(_take(obj, "line", path, None), _join(path, "line"), _line),
    )


def from_ledger_json(data: Any) -> ParsedReport:
    """Validate a ``zhenggai.ledger/1`` dict and rebuild the report tree.

    Raises :class:`ReportReadError` (``line`` is ``None``) naming the JSON path at
    fault, e.g. ``categories[2].problems[0].measures[1].text``. Unknown keys are ignored.
    """
    root = _object(data, "")
    if _take(root, "format", "") != LEDGER_FORMAT:
        raise _error("format", f"应为“{LEDGER_FORMAT}”", f"must be “{LEDGER_FORMAT}”")
    info = _object(_take(root, "inspection", ""), "inspection")
    period = _object(_take(info, "period", "inspection"), "inspection.period")
    categories = _list(_take(root, "categories", ""), "categories", non_empty=True)
    warnings = _list(_take(root, "warnings", "", []), "warnings")
    summary = _list(_take(root, "summary", "", []), "summary")
    return ParsedReport(
        title=_text(_take(root, "title", "", ""), "title"),
        issuer=_text(_take(info, "issuer", "inspection", ""), "inspection.issuer"),
        unit=_text(_take(info, "unit", "inspection"), "inspection.unit", required=True),
        team=_text(_take(info, "team", "inspection"), "inspection.team", required=True),
        period_start=_date(_take(period, "start", "inspection.period"), "inspection.period.start"),
        period_end=_date(_take(period, "end", "inspection.period"), "inspection.period.end"),
        feedback_date=_date(_take(info, "feedback_date", "inspection"), "inspection.feedback_date"),
        report_date=_optional(
            _take(info, "report_date", "inspection", None), "inspection.report_date", _date
        ),
        categories=tuple(_category(item, f"categories[{i}]") for i, item in enumerate(categories)),
        intro_text=_text(_take(root, "intro_text", "", ""), "intro_text"),
        organisation_text=_text(_take(root, "organisation_text", "", ""), "organisation_text"),
        next_steps_text=_text(_take(root, "next_steps_text", "", ""), "next_steps_text"),
        contact=_optional(_take(root, "contact", "", None), "contact", _contact),
        warnings=tuple(_warning(item, f"warnings[{i}]") for i, item in enumerate(warnings)),
        layout=_text(_take(root, "layout", "", ""), "layout"),
        summary=tuple(_figure(item, f"summary[{i}]") for i, item in enumerate(summary)),
        fact_lines=_fact_lines(_take(info, "lines", "inspection", {}), "inspection.lines"),
    )
