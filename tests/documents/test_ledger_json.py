"""The ``zhenggai.ledger/1`` JSON: shape, round trip, and validation messages."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zhenggai.documents
from zhenggai.documents.ledger_json import LEDGER_FORMAT, from_ledger_json, to_ledger_json
from zhenggai.documents.readers import (
    STATUS_KINDS,
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
    read_report,
)

SEED = Path(zhenggai.documents.__file__).parent / "fixtures" / "seed_report.txt"


@pytest.fixture(scope="module")
def report() -> ParsedReport:
    return read_report(SEED)


@pytest.fixture
def data(report: ParsedReport) -> dict[str, Any]:
    return to_ledger_json(report)


# --- shape of the seed's JSON ------------------------------------------------------------------


def test_seed_json_shape(data: dict[str, Any]) -> None:
    assert data["format"] == LEDGER_FORMAT == "zhenggai.ledger/1"
    assert data["inspection"] == {
        "unit": "宿迁市行政审批局党组",
        "team": "市委第一巡察组",
        "issuer": "中共宿迁市行政审批局党组",
        "period": {"start": "2019-07-05", "end": "2019-08-20"},
        "feedback_date": "2019-10-31",
        "report_date": "2020-03-27",
        "lines": {
            "intro": [5, 5],
            "issuer": [189, 189],
            "report_date": [191, 191],
            "title": [1, 3],
        },
    }
    assert len(data["categories"]) == 7
    first = data["categories"][0]
    assert (first["number"], first["lines"]) == ("1", [21, 51])
    problem = first["problems"][0]
    assert (problem["number"], problem["lines"]) == ("1", [23, 29])
    assert problem["stated"] == {
        "planned": 6,
        "done": 6,
        "ongoing": True,
        "text": "整改落实情况:共制定6项整改措施,已落实整改6项,并常态坚持。",
        "lines": [25, 25],
    }
    assert problem["status"] is None and first["area"] is None and first["stated"] is None
    assert data["summary"] == []
    measure = problem["measures"][0]
    assert set(measure) == {"text", "group", "ordinal", "lines"}
    assert (measure["group"], measure["ordinal"], measure["lines"]) == (
        "在履责思路转变方面",
        "一是",
        [27, 27],
    )
    assert data["contact"]["postcode"] == "223800"
    assert data["contact"]["lines"] == [185, 187]
    assert data["organisation_text"].startswith("局党组切实提高政治站位")
    assert data["next_steps_text"].startswith("经过3个月的集中整改")
    assert len(data["warnings"]) == 14
    assert data["warnings"][0] == {
        "code": "stated_count_mismatch",
        "message": "问题(2)称制定6项整改措施,实际列出8项"
        " / problem (2) states 6 measures but lists 8",
        "line": 33,
    }


def test_seed_round_trip_through_json_text(report: ParsedReport, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    assert "市委第一巡察组" in text
    assert from_ledger_json(json.loads(text)) == report
    assert json.loads(json.dumps(to_ledger_json(from_ledger_json(data)))) == data


def test_optional_fields_may_be_left_out(data: dict[str, Any]) -> None:
    minimal = {
        "format": LEDGER_FORMAT,
        "inspection": {
            "unit": "某局党组",
            "team": "市委第二巡察组",
            "period": {"start": "2019-11-05", "end": "2020-01-10"},
            "feedback_date": "2020-02-03",
        },
        "categories": [
            {
                "number": "1",
                "title": "学习不够",
                "problems": [
                    {"number": "1", "text": "学习不深入。", "measures": [{"text": "集中学习。"}]},
                ],
            },
        ],
        "unknown_key": "ignored",
    }
    report = from_ledger_json(minimal)
    assert report.report_date is None and report.contact is None and report.warnings == ()
    assert report.problems[0].stated is None
    assert report.measures == (ParsedMeasure("集中学习。"),)


# --- validation -------------------------------------------------------------------------------


def _set(data: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
MEASURE = ["categories", 2, "problems", 0, "measures", 1]


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ([*MEASURE, "text"], _DELETE, "categories[2].problems[0].measures[1].text"),
        ([*MEASURE, "text"], 12, "categories[2].problems[0].measures[1].text"),
        ([*MEASURE, "text"], " ", "categories[2].problems[0].measures[1].text"),
        ([*MEASURE, "lines"], [5, 3], "categories[2].problems[0].measures[1].lines"),
        ([*MEASURE, "lines"], [0, 3], "categories[2].problems[0].measures[1].lines[0]"),
        ([*MEASURE, "group"], ["x"], "categories[2].problems[0].measures[1].group"),
        ([*MEASURE[:-1]], {}, "categories[2].problems[0].measures"),
        ([*MEASURE[:-2], "stated", "planned"], -1, "categories[2].problems[0].stated.planned"),
        ([*MEASURE[:-2], "stated", "done"], True, "categories[2].problems[0].stated.done"),
        ([*MEASURE[:-2], "stated", "ongoing"], "yes", "categories[2].problems[0].stated.ongoing"),
        ([*MEASURE[:-2], "number"], _DELETE, "categories[2].problems[0].number"),
        (["categories", 1, "problems"], [], "categories[1].problems"),
        (["categories", 1, "title"], None, "categories[1].title"),
        (["categories"], [], "categories"),
        (["categories", 0], "1", "categories[0]"),
        (["format"], "zhenggai.ledger/2", "format"),
        (["format"], _DELETE, "format"),
        (["inspection", "team"], "", "inspection.team"),
        (["inspection", "period", "start"], "2019/07/05", "inspection.period.start"),
        (["inspection", "period", "end"], "2019-02-30", "inspection.period.end"),
        (["inspection", "feedback_date"], None, "inspection.feedback_date"),
        (["inspection", "report_date"], 20200327, "inspection.report_date"),
        (["contact"], "84396060", "contact"),
        (["contact", "email"], 1, "contact.email"),
        (["warnings", 3, "line"], 0, "warnings[3].line"),
        (["warnings", 3, "code"], _DELETE, "warnings[3].code"),
        (["organisation_text"], None, "organisation_text"),
        (["categories", 0, "area"], 3, "categories[0].area"),
        (["categories", 0, "stated"], {"total": -1}, "categories[0].stated.total"),
        ([*MEASURE[:-2], "status"], {"kind": "finished"}, "categories[2].problems[0].status.kind"),
        ([*MEASURE[:-2], "status"], {"text": "完成"}, "categories[2].problems[0].status.kind"),
        (["summary"], [{"key": "funds_yuan", "value": "12"}], "summary[0].value"),
        (["summary"], [{"value": 1}], "summary[0].key"),
        (["summary"], {}, "summary"),
        (["inspection", "lines"], {"intro": [3]}, "inspection.lines.intro"),
        (["contact", "lines"], [2, 1], "contact.lines"),
    ],
)
def test_validation_names_the_path(
    data: dict[str, Any], path: list[Any], value: Any, where: str
) -> None:
    broken = copy.deepcopy(data)
    _set(broken, path, value)
    with pytest.raises(ReportReadError) as caught:
        from_ledger_json(broken)
    error = caught.value
    assert error.line is None
    assert f"台账JSON字段 {where} " in error.message_zh
    assert f"ledger JSON field {where} " in error.message_en
    assert where in str(error)


@pytest.mark.parametrize("value", [None, [], "zhenggai.ledger/1", 1])
def test_root_must_be_an_object(value: Any) -> None:
    with pytest.raises(ReportReadError, match="must be an object"):
        from_ledger_json(value)


# --- round trip of arbitrary small reports ----------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=12)
required_texts = texts.filter(lambda s: bool(s.strip()))
maybe_texts = st.none() | texts
numbers = st.integers(1, 99).map(str)


@st.composite
def spans(draw: st.DrawFn) -> tuple[int, int] | None:
    if draw(st.booleans()):
        return None
    first = draw(st.integers(1, 10_000))
    return (first, first + draw(st.integers(0, 50)))


measures = st.builds(
    ParsedMeasure, text=required_texts, group=maybe_texts, ordinal=maybe_texts, lines=spans()
)
counts = st.none() | st.integers(0, 50)
stateds = st.none() | st.builds(
    ParsedStated, planned=counts, done=counts, ongoing=st.booleans(), text=texts, lines=spans()
)
statuses = st.none() | st.builds(
    ParsedStatus, kind=st.sampled_from(STATUS_KINDS), text=texts, lines=spans()
)
tallies = st.none() | st.builds(
    ParsedTally,
    total=counts,
    done=counts,
    partial=counts,
    in_progress=counts,
    text=texts,
    lines=spans(),
)
figures = st.builds(
    ParsedFigure,
    key=required_texts,
    value=st.integers(0, 10**6) | st.floats(0, 1e9, allow_nan=False, allow_infinity=False),
    text=texts,
    lines=spans(),
)
problems = st.builds(
    ParsedProblem,
    number=numbers,
    text=required_texts,
    stated=stateds,
    measures=st.lists(measures, max_size=3).map(tuple),
    lines=spans(),
    status=statuses,
)
categories = st.builds(
    ParsedCategory,
    number=numbers,
    title=required_texts,
    problems=st.lists(problems, min_size=1, max_size=3).map(tuple),
    lines=spans(),
    area=maybe_texts,
    stated=tallies,
)
contacts = st.none() | st.builds(
    ParsedContact,
    lines=spans(),
    phone=maybe_texts,
    address=maybe_texts,
    postcode=maybe_texts,
    email=maybe_texts,
    text=texts,
)
warnings = st.builds(
    ParsedWarning, code=required_texts, message=texts, line=st.none() | st.integers(1, 10_000)
)
dates = st.dates(dt.date(1949, 10, 1), dt.date(2100, 12, 31))
reports = st.builds(
    ParsedReport,
    title=texts,
    issuer=texts,
    unit=required_texts,
    team=required_texts,
    period_start=dates,
    period_end=dates,
    feedback_date=dates,
    report_date=st.none() | dates,
    categories=st.lists(categories, min_size=1, max_size=3).map(tuple),
    intro_text=texts,
    organisation_text=texts,
    next_steps_text=texts,
    contact=contacts,
    warnings=st.lists(warnings, max_size=3).map(tuple),
    layout=texts,
    summary=st.lists(figures, max_size=3).map(tuple),
    fact_lines=st.dictionaries(
        st.sampled_from(["title", "intro", "issuer", "report_date"]), spans().filter(bool)
    ).map(lambda d: tuple(sorted(d.items()))),
)


@settings(max_examples=150, deadline=None, database=None)
@given(reports)
def test_round_trip(report: ParsedReport) -> None:
    data = to_ledger_json(report)
    assert from_ledger_json(data) == report
    text = json.dumps(data, ensure_ascii=False)
    text.encode("utf-8")
    assert from_ledger_json(json.loads(text)) == report
