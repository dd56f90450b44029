"""``count_mismatch``: 共制定N项 against the measures actually listed."""

from __future__ import annotations

from tests.quality.helpers import anchors, problem, report, run, seed_subject

MEASURES = ["一是召开专题会议3次。", "二是修订《考勤管理办法》。", "三是开展检查2轮。"]


def test_stated_more_or_fewer_than_listed_is_flagged() -> None:
    subject = report(
        problem("1", MEASURES, planned=4), problem("2", MEASURES), problem("3", MEASURES, planned=2)
    )
    findings = run("count_mismatch", subject)
    assert anchors(findings) == [("1", None), ("3", None)]
    assert findings[0].message == "称制定4项措施,实际列出3项"
    assert [s.text for s in findings[0].spans] == ["共制定4项整改措施"]
    assert findings[0].spans[0].source == "stated"


def test_no_stated_count_no_flag() -> None:
    item = problem("1", MEASURES, stated="整改落实情况:已整改到位。")
    item = item.__class__(**{**item.__dict__, "stated_planned": None, "stated_done": None})
    assert run("count_mismatch", report(item)) == []


def test_key_changes_with_the_counts() -> None:
    first = run("count_mismatch", report(problem("1", MEASURES, planned=4)))[0]
    second = run("count_mismatch", report(problem("1", MEASURES, planned=5)))[0]
    assert first.fingerprint != second.fingerprint


def test_seed_fourteen_of_twenty() -> None:
    findings = run("count_mismatch", seed_subject())
    assert [f.problem for f in findings] == [
        "2",
        "4",
        "5",
        "6",
        "9",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "20",
    ]
    assert all(f.measure is None and f.related == () for f in findings)
    assert findings[0].message == "称制定6项措施,实际列出8项"
