"""The unit report composed from the ledger: structure, computed counts, drafts, public version."""

from __future__ import annotations

import datetime as dt

from tests.ledger.helpers import to_closed, to_in_progress
from tests.world import TODAY, World
from zhenggai.accounts.models import OrganisationKind
from zhenggai.accounts.services import create_organisation
from zhenggai.documents.report.compose import compose_unit_report, strip_status_note
from zhenggai.documents.report.document import Kind, ReportDocument
from zhenggai.documents.report.plain import write_html_fragment, write_text
from zhenggai.ledger.models import Measure, MeasureKind, Problem
from zhenggai.ledger.services import plan


def texts(document: ReportDocument, kind: Kind) -> list[str]:
    return [block.full_text for block in document.blocks if block.kind == kind]


def test_structure_follows_the_published_reports(world: World) -> None:
    document = compose_unit_report(world.a.inspection, today=TODAY)
    kinds = [block.kind for block in document.blocks]
    assert kinds[:3] == [Kind.TITLE, Kind.BLANK, Kind.PARA]
    assert kinds[-3:] == [Kind.BLANK, Kind.SIGNATURE, Kind.DATE]
    assert document.title == "中共甲局党组关于巡察整改进展情况的通报"
    assert texts(document, Kind.H1) == [
        "一、整改工作组织情况",
        "二、整改落实情况",
        "三、下一步工作计划",
    ]
    assert texts(document, Kind.H3) == ["1.关于“党的建设方面”问题的整改。"]
    assert [t[:3] for t in texts(document, Kind.H4)] == ["（1）", "（2）"]
    intro = document.blocks[2].text
    assert "2026年6月1日至7月15日，市委第一巡察组对中共甲局党组进行了巡察" in intro
    assert "9月1日，巡察组向中共甲局党组反馈了巡察意见" in intro
    assert texts(document, Kind.SIGNATURE) == ["中共甲局党组"]
    assert texts(document, Kind.DATE) == ["2026年11月28日"]


def test_counts_are_computed_and_open_work_says_so(world: World) -> None:
    to_closed(world, world.a.measures[0])
    to_in_progress(world, world.a.measures[1])
    document = compose_unit_report(world.a.inspection, today=TODAY)
    body = write_text(document)
    assert "整改落实情况：共制定2项整改措施，已落实整改1项，其余1项正在推进。" in body
    assert "整改落实情况：共制定2项整改措施，已落实整改0项，其余2项尚未启动。" in body
    assert (
        "一是制定学习计划并每月检查落实情况（1-1）。二是制定学习计划并每月检查落实情况（1-2）"
        "（正在推进，完成时限2026年12月28日）。" in body
    )
    assert "（尚未启动，完成时限2026年12月28日）" in body
    late = compose_unit_report(world.a.inspection, today=TODAY + dt.timedelta(days=60))
    assert "（正在推进，原定完成时限2026年12月28日，已逾期）" in write_text(late)
    assert (
        strip_status_note("检查落实情况（正在推进，完成时限2026年12月28日）。") == "检查落实情况。"
    )


def test_summary_paragraph_states_the_figures_and_the_rate(world: World) -> None:
    to_closed(world, world.a.measures[0])
    to_closed(world, world.a.measures[1])
    document = compose_unit_report(world.a.inspection, today=TODAY)
    summary = next(b.text for b in document.blocks if b.text.startswith("截至"))
    assert "反馈的2个问题中，已完成整改1个，阶段性完成0个" in summary
    assert "正在整改1个" in summary
    assert "整改完成率（已完成和阶段性完成的问题占问题总数的比例）为50.0%" in summary
    assert "共制定整改措施4项，已落实2项。" in summary
    assert document.meta["figures"]["completion_rate"] == 50.0


def test_long_term_measures_and_groups(world: World) -> None:
    problem = world.a.problems[0]
    Measure.objects.filter(problem=problem).update(kind=MeasureKind.ONGOING, group="在学习制度方面")
    plan.add_measure(problem=problem, text="建立台账", kind=MeasureKind.ONGOING, group="台账管理")
    body = write_text(compose_unit_report(world.a.inspection, today=TODAY))
    assert "，并常态坚持。" in body
    assert "在学习制度方面：一是制定学习计划" in body
    assert "在台账管理方面：建立台账（尚未启动" in body


def test_public_version_leaves_out_non_public_problems(world: World) -> None:
    hidden = world.a.problems[1]
    Problem.objects.filter(pk=hidden.pk).update(is_public=False)
    internal = write_text(compose_unit_report(world.a.inspection, today=TODAY))
    public_doc = compose_unit_report(world.a.inspection, public=True, today=TODAY)
    public = write_text(public_doc)
    assert "甲局问题2" in internal
    assert "甲局问题2" not in public and "（1-1）" in public and "（2-1）" not in public
    assert "其中1个问题按规定不予公开，未列入本通报。" in public
    assert texts(public_doc, Kind.H4)[0].startswith("（1）甲局问题1")
    assert public_doc.meta["public"] is True


def test_empty_ledger_says_so_in_every_format(world: World) -> None:
    org = create_organisation(name="丙局", kind=OrganisationKind.UNIT, parent=world.jurisdiction)
    empty = plan.create_inspection(
        round=world.a.inspection.round,
        unit=org,
        unit_name="中共丙局党组",
        team="市委第二巡察组",
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 7, 1),
        feedback_date=dt.date(2026, 8, 1),
    )
    document = compose_unit_report(empty, today=TODAY)
    body = write_text(document)
    assert "尚未录入反馈问题和整改措施，暂无整改落实情况。" in body
    assert "尚未录入反馈问题。" in body
    assert "丙局" in write_html_fragment(document)


def test_saved_texts_replace_the_drafts(world: World) -> None:
    draft = compose_unit_report(world.a.inspection, today=TODAY)
    assert draft.meta["drafts"] == {"organisation": True, "next_steps": True}
    assert "将巡察反馈的2个问题细化为4项整改措施" in write_text(draft)
    insp = world.a.inspection
    insp.organisation_text = (
        "局党组高度重视。\n(一)加强组织领导,压实责任。成立领导小组。\n(二)健全机制"
    )
    insp.next_steps_text = "继续抓好整改。"
    insp.contact = {
        "phone": "84396060",
        "address": "示例路1号",
        "postcode": "223800",
        "email": "zg@example.cn",
    }
    insp.report_date = dt.date(2026, 12, 5)
    insp.save()
    document = compose_unit_report(insp, today=TODAY)
    run_in = next(b for b in document.blocks if b.lead.startswith("（一）"))
    assert (run_in.lead, run_in.lead_kind, run_in.text) == (
        "（一）加强组织领导，压实责任。",
        Kind.H2,
        "成立领导小组。",
    )
    assert texts(document, Kind.H2) == ["（二）健全机制"]
    body = write_text(document)
    assert "继续抓好整改。" in body
    assert (
        "联系方式：电话84396060；邮政信箱：示例路1号（邮编223800）；电子邮箱：zg@example.cn。"
        in body
    )
    assert texts(document, Kind.DATE) == ["2026年12月5日"]


def test_html_escapes_ledger_text(world: World) -> None:
    Problem.objects.filter(pk=world.a.problems[0].pk).update(text="<script>alert(1)</script>问题")
    html = write_html_fragment(compose_unit_report(world.a.inspection, today=TODAY))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_document_survives_json(world: World) -> None:
    document = compose_unit_report(world.a.inspection, today=TODAY)
    assert ReportDocument.from_json(document.to_json()) == document
