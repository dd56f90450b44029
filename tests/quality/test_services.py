"""``run_checks`` and ``dismiss_flag`` on the database ledger, with the test world's personas."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest

from tests.ledger.helpers import at, audit_mark, entries_since, png_file, to_closed
from tests.quality.conftest import REUSED, retext
from tests.world import PDF, World, pdf_file
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureStatus
from zhenggai.ledger.services import plan, workflow
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.quality.models import Flag, FlagStatus, MeasureBand
from zhenggai.quality.services import dismiss_flag, run_checks

pytestmark = pytest.mark.usefixtures("data_dir")


def rules(flags: list[Flag]) -> list[tuple[str, str | None, int | None]]:
    return [
        (f.rule, f.problem.number if f.problem else None, f.measure.position if f.measure else None)
        for f in flags
    ]


def test_run_checks_stores_flags_once(world: World) -> None:
    a = world.a
    retext(a.measures[1], REUSED)
    retext(a.measures[3], REUSED)
    mark = audit_mark()
    first = run_checks(a.inspection)
    assert ("reused_text", "1", 2) in rules(first)
    reuse = next(f for f in first if f.rule == "reused_text")
    assert set(reuse.involved.values_list("pk", flat=True)) == {a.measures[1].pk, a.measures[3].pk}
    assert reuse.related == [
        {
            "problem": "2",
            "measure": 2,
            "measure_id": a.measures[3].pk,
            "problem_id": a.problems[1].pk,
            "similarity": 1.0,
        }
    ]
    second = run_checks(a.inspection, actor=world.coordinator)
    assert [f.pk for f in second] == [f.pk for f in first]
    assert Flag.objects.filter(inspection=a.inspection).count() == len(first)
    entries = entries_since(mark)
    assert [e.action for e in entries] == ["quality.checked", "quality.checked"]
    assert entries[0].after["new"] == len(first) and entries[1].after["new"] == 0
    assert entries[1].actor_id == world.coordinator.pk


def test_outsider_cannot_run_checks(world: World) -> None:
    with pytest.raises(PermissionRefused):
        run_checks(world.a.inspection, actor=world.outsider_secretary)


@pytest.mark.parametrize("who", ["secretary", "leader", "coordinator"])
def test_unit_reviewers_dismiss_with_reason_audited(world: World, who: str) -> None:
    flag = _vague_flag(world)
    mark = audit_mark()
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    dismiss_flag(flag, getattr(world, who), "  措施后附有详细实施方案。 ", now=now)
    flag.refresh_from_db()
    assert (flag.status, flag.dismissed_by_id, flag.dismissed_at) == (
        FlagStatus.DISMISSED,
        getattr(world, who).pk,
        now,
    )
    assert flag.dismiss_reason == "措施后附有详细实施方案。"
    [entry] = entries_since(mark)
    assert entry.action == "quality.flag_dismissed"
    assert entry.after["reason"] == "措施后附有详细实施方案。"
    assert entry.after["rule"] == "vague_measure"
    assert entry.organisation_id == world.a.org.pk


@pytest.mark.parametrize("who", ["dept", "inspector", "office", "outsider_secretary", "sysadmin"])
def test_others_may_not_dismiss(world: World, who: str) -> None:
    flag = _vague_flag(world)
    with pytest.raises(PermissionRefused):
        dismiss_flag(flag, getattr(world, who), "理由")
    assert reload_flag(flag).status == FlagStatus.OPEN


def test_reason_required_and_dismiss_once(world: World) -> None:
    flag = _vague_flag(world)
    with pytest.raises(DomainError) as error:
        dismiss_flag(flag, world.leader, "   ")
    assert error.value.field == "reason"
    dismiss_flag(flag, world.leader, "已核实")
    with pytest.raises(DomainError):
        dismiss_flag(flag, world.secretary, "再次排除")


def reload_flag(flag: Flag) -> Flag:
    return Flag.objects.get(pk=flag.pk)


def _vague_flag(world: World) -> Flag:
    retext(world.a.measures[0], "加强学习,提高认识。")
    return next(f for f in run_checks(world.a.inspection) if f.rule == "vague_measure")


def test_dismissal_survives_reruns_and_returns_with_the_finding(world: World) -> None:
    measure = world.a.measures[0]
    flag = _vague_flag(world)
    dismiss_flag(flag, world.leader, "已核实,另有实施方案")
    assert reload_flag(flag).status == FlagStatus.DISMISSED
    run_checks(world.a.inspection)
    assert reload_flag(flag).is_current
    retext(measure, "2026年12月前修订《学习制度》,每月检查1次。")
    current = run_checks(world.a.inspection)
    assert flag.pk not in [f.pk for f in current]
    assert reload_flag(flag).is_current is False
    retext(measure, "加强学习,提高认识。")
    run_checks(world.a.inspection)
    again = reload_flag(flag)
    assert again.is_current and again.status == FlagStatus.DISMISSED


def test_open_flags_no_longer_found_are_removed(world: World) -> None:
    flag = _vague_flag(world)
    retext(world.a.measures[0], "2026年12月前修订《学习制度》。")
    run_checks(world.a.inspection)
    assert not Flag.objects.filter(pk=flag.pk).exists()


def test_pending_claim_on_a_closed_measure(world: World) -> None:
    measure = retext(world.a.measures[0], "建设学习平台,计划2027年3月上线运行。")
    to_closed(world, measure)
    flags = run_checks(world.a.inspection)
    pending = [f for f in flags if f.rule == "pending_claim"]
    assert rules(pending) == [("pending_claim", "1", 1)]
    assert pending[0].spans[0]["text"] == "计划2027年3月上线运行"
    assert pending[0].spans[-1] == {
        "text": "已全部完成。",
        "source": "progress",
        "problem": "1",
        "measure": 1,
    }


def test_evidence_gaps_on_the_ledger(world: World) -> None:
    m1, m2, m3, m4 = world.a.measures
    to_closed(world, m1)  # the PDF of to_closed is also uploaded for m3 below
    Measure.objects.filter(pk=m2.pk).update(
        status=MeasureStatus.CLOSED, closed_at=at(5), submitted_by=world.dept
    )
    workflow.report_progress(
        measure=m3, actor=world.dept, text="召开会议。", files=[pdf_file()], now=at(0)
    )
    workflow.report_progress(
        measure=m4, actor=world.dept, text="现场照片。", files=[png_file()], now=at(0)
    )
    workflow.submit_for_review(measure=m4, actor=world.dept, text="已完成。", now=at(1))
    flags = run_checks(world.a.inspection)
    gaps = [
        (f.measure.position, f.problem.number, f.fingerprint and f.message)
        for f in flags
        if f.rule == "evidence_gap"
    ]
    assert gaps == [
        (1, "1", "同一文件“证明.pdf”同时作为2项措施的佐证,涉及不同问题"),
        (2, "1", "已销号,但没有任何佐证材料"),
        (2, "2", "仅以截图或照片作为完成佐证"),
    ]


def test_same_evidence_and_reused_text_in_another_unit(world: World) -> None:
    a, b = world.a, world.b
    retext(a.measures[0], REUSED)
    retext(b.measures[2], REUSED + "并在外网公开。")  # contained: a sentence appended
    workflow.report_progress(
        measure=a.measures[0],
        actor=world.dept,
        text="会议纪要。",
        files=[("纪要.pdf", BytesIO(PDF))],
        now=at(0),
    )
    workflow.report_progress(
        measure=b.measures[2],
        actor=world.outsider_dept,
        text="会议纪要。",
        files=[("纪要副本.pdf", BytesIO(PDF))],
        now=at(0),
    )
    run_checks(a.inspection)
    assert MeasureBand.objects.filter(inspection=a.inspection).exists()
    flags = run_checks(b.inspection)
    reuse = next(f for f in flags if f.rule == "reused_text" and f.measure_id == b.measures[2].pk)
    assert reuse.related[-1]["inspection_id"] == a.inspection.pk
    assert reuse.related[-1]["measure_id"] == a.measures[0].pk
    assert reuse.related[-1]["unit"] == "中共甲局党组"
    assert set(reuse.involved.values_list("pk", flat=True)) == {b.measures[2].pk}
    shared = next(f for f in flags if f.rule == "evidence_gap" and "纪要副本" in f.message)
    assert shared.related == [
        {
            "problem": "1",
            "measure": 1,
            "measure_id": a.measures[0].pk,
            "problem_id": a.problems[0].pk,
            "inspection_id": a.inspection.pk,
            "unit": "中共甲局党组",
            "year": 2026,
        }
    ]


def test_new_measure_text_is_reindexed(world: World) -> None:
    run_checks(world.a.inspection)
    before = set(
        MeasureBand.objects.filter(measure=world.a.measures[0]).values_list("bucket", flat=True)
    )
    plan.update_measure(measure=world.a.measures[0], actor=world.coordinator, text=REUSED)
    run_checks(world.a.inspection)
    after = set(
        MeasureBand.objects.filter(measure=world.a.measures[0]).values_list("bucket", flat=True)
    )
    assert before and after and before != after
