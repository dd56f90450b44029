"""The seed report (2020-03-27): every flag, exactly, from the file and from the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.quality.helpers import SEED, seed_subject
from tests.world import World
from zhenggai.documents.importer import import_ledger
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import read_report
from zhenggai.ledger.services import plan
from zhenggai.quality.engine import run_rules
from zhenggai.quality.services import run_checks

MISMATCHED = ["2", "4", "5", "6", "9", "10", "11", "12", "13", "14", "15", "16", "17", "20"]
PENDING = [("1", 2), ("8", 4), ("16", 4)]
REUSED = [
    (("3", 1), [("14", 1)]),
    (("3", 2), [("14", 2), ("16", 2)]),
    (("13", 5), [("14", 4), ("16", 3)]),
    (("14", 5), [("20", 2)]),
]


def _expected() -> list[tuple[str, str, int | None, list[tuple[str, int]]]]:
    rows = [("count_mismatch", p, None, []) for p in MISMATCHED]
    rows += [("pending_claim", p, m, []) for p, m in PENDING]
    rows += [("reused_text", a[0], a[1], related) for a, related in REUSED]
    return sorted(rows, key=lambda r: (int(r[1]), r[2] or 0))


def test_seed_flags_from_the_file() -> None:
    findings = run_rules(seed_subject())
    got = sorted(
        (
            (f.rule, f.problem, f.measure, [(r.problem, r.measure) for r in f.related])
            for f in findings
        ),
        key=lambda r: (int(r[1]), r[2] or 0),
    )
    assert got == _expected()


def test_no_flag_rests_on_a_plan_noun() -> None:
    quoted = [s.text for f in run_rules(seed_subject()) for s in f.spans if s.source == "measure"]
    for noun in ("工作计划", "学习计划", "整改计划", "按照计划执行", "按计划落实"):
        assert not any(noun in text for text in quoted if len(text) < 60), noun
    pending = [
        s.text
        for f in run_rules(seed_subject())
        if f.rule == "pending_claim"
        for s in f.spans
        if s.source == "measure"
    ]
    assert pending == [
        "正按计划进行组织实施",
        "计划6月份上线运行",
        "并要求2020年将在2019年的基础上压降ems快递送费用不少于30%",
        "拟免去张华勇同志市公共资源交易中心副主任职务",
    ]


@pytest.mark.usefixtures("data_dir")
def test_seed_flags_on_the_imported_ledger(world: World) -> None:
    rnd = plan.create_round(jurisdiction=world.jurisdiction, name="2019年第三轮", year=2019)
    inspection = import_ledger(
        to_ledger_json(read_report(SEED)), round=rnd, unit=world.a.org, source_name="seed"
    )
    flags = run_checks(inspection, now=dt.datetime(2020, 4, 1, tzinfo=dt.UTC))
    rows = sorted(
        (
            (
                f.rule,
                f.problem.number,
                f.measure.position if f.measure else None,
                [(r["problem"], r["measure"]) for r in f.related if "inspection_id" not in r],
            )
            for f in flags
            if f.rule != "evidence_gap"
        ),
        key=lambda r: (int(r[1]), r[2] or 0),
    )
    assert rows == _expected()
    # Imported claims closed all 101 measures on the report date, with no evidence on file.
    gaps = [f for f in flags if f.rule == "evidence_gap"]
    assert len(gaps) == 101
    assert {f.message for f in gaps} == {"已销号,但没有任何佐证材料"}
