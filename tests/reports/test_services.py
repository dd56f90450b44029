"""Snapshots: generating, versions, fingerprints, rights, publishing, exporting, texts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.ledger.helpers import audit_mark, entries_since, to_closed
from tests.world import TODAY, World
from zhenggai.audit.log import verify_chain
from zhenggai.audit.models import AuditChainHead
from zhenggai.core.errors import DomainError
from zhenggai.documents.models import Report, ReportKind
from zhenggai.documents.report.services import (
    can_view,
    export_report,
    generate_report,
    generate_round_summary,
    get_report_for,
    is_current,
    preview_html,
    publish_report,
    published_reports,
    render,
    report_text_drafts,
    reports_for,
    save_report_texts,
    withdraw_report,
)


def test_generate_stores_a_snapshot_and_audits_it(world: World) -> None:
    mark = audit_mark()
    report = generate_report(inspection=world.a.inspection, actor=world.coordinator, today=TODAY)
    assert (report.kind, report.version, report.created_by) == (
        ReportKind.UNIT,
        1,
        world.coordinator,
    )
    assert report.title == "中共甲局党组关于巡察整改进展情况的通报"
    assert report.content["format"] == "zhenggai.report/1"
    assert report.public_content["meta"]["public"] is True
    assert report.figures["problems"] == 2
    assert len(report.ledger_hash) == 64 and is_current(report)
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor, entry.object_id) == (
        "report.generated",
        world.coordinator,
        str(report.pk),
    )
    assert entry.after["ledger_hash"] == report.ledger_hash
    # The head recorded is the chain's head before this entry: the state the report saw.
    assert report.audit_head == entry.prev_hash
    assert AuditChainHead.objects.get(pk=1).last_hash == entry.hash
    assert not list(verify_chain())


def test_versions_and_fingerprint_follow_the_ledger(world: World) -> None:
    first = generate_report(inspection=world.a.inspection, actor=world.secretary, today=TODAY)
    same = generate_report(inspection=world.a.inspection, actor=None, today=TODAY)
    assert (same.version, same.created_by) == (2, None)
    assert same.ledger_hash == first.ledger_hash
    to_closed(world, world.a.measures[0])
    changed = generate_report(inspection=world.a.inspection, actor=world.coordinator, today=TODAY)
    assert changed.version == 3 and changed.ledger_hash != first.ledger_hash
    assert not is_current(first) and is_current(changed)
    # The snapshot does not change with the ledger.
    first.refresh_from_db()
    assert "已落实整改0项" in render(first_document(first), "txt").content.decode()


def first_document(report: Report):
    from zhenggai.documents.report.services import document_of

    return document_of(report)


@pytest.mark.parametrize(
    "persona", ["dept", "leader", "inspector", "outsider_secretary", "auditadmin"]
)
def test_only_the_compilers_generate(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        generate_report(inspection=world.a.inspection, actor=world.users[persona])
    assert not Report.objects.exists()


def test_reading_is_for_whole_unit_readers(world: World) -> None:
    report = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    for persona in ("coordinator", "secretary", "leader", "inspector", "office"):
        assert get_report_for(world.users[persona], report.pk) == report
    for persona in ("dept", "outsider_secretary", "sysadmin"):
        with pytest.raises(Http404):
            get_report_for(world.users[persona], report.pk)
        with pytest.raises(PermissionDenied):
            reports_for(world.users[persona], world.a.inspection)
    assert list(reports_for(world.leader, world.a.inspection)) == [report]
    with pytest.raises(PermissionDenied):
        preview_html(inspection=world.a.inspection, user=world.dept)
    assert 'class="zg-report"' in preview_html(inspection=world.a.inspection, user=world.office)


def test_publishing_by_the_secretary_withdraws_the_previous_version(world: World) -> None:
    v1 = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    v2 = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    with pytest.raises(PermissionDenied):
        publish_report(report=v1, actor=world.coordinator)
    mark = audit_mark()
    publish_report(report=v1, actor=world.secretary)
    publish_report(report=v2, actor=world.secretary)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert not v1.is_published and v1.withdrawn_at is not None
    assert v2.is_published and v2.published_by == world.secretary
    assert [e.action for e in entries_since(mark)] == [
        "report.published",
        "report.withdrawn",
        "report.published",
    ]
    assert list(published_reports()) == [v2]
    withdraw_report(report=v2, actor=world.secretary)
    assert not published_reports().exists()
    with pytest.raises(DomainError):
        withdraw_report(report=v2, actor=world.secretary)


def test_round_summary_is_for_the_office(world: World) -> None:
    rnd = world.a.inspection.round
    for persona in ("coordinator", "secretary", "outsider_secretary"):
        with pytest.raises(PermissionDenied):
            generate_round_summary(round=rnd, actor=world.users[persona])
    summary = generate_round_summary(round=rnd, actor=world.office, today=TODAY)
    assert summary.kind == ReportKind.ROUND and summary.inspection is None
    assert [u["unit_name"] for u in summary.figures["units"]] == ["乙局", "甲局"]
    assert can_view(world.office, summary) and not can_view(world.secretary, summary)
    with pytest.raises(DomainError):
        publish_report(report=summary, actor=world.secretary)


def test_export_is_audited(world: World) -> None:
    report = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    mark = audit_mark()
    rendered = export_report(report=report, actor=world.leader, fmt="docx")
    assert rendered.filename == "中共甲局党组关于巡察整改进展情况的通报-v1.docx"
    assert rendered.content[:2] == b"PK"
    html = export_report(report=report, actor=world.leader, fmt="html")
    assert html.content_type.startswith("text/html") and b"<!DOCTYPE html>" in html.content
    assert [(e.action, e.after["format"]) for e in entries_since(mark)] == [
        ("report.exported", "docx"),
        ("report.exported", "html"),
    ]
    with pytest.raises(Http404):
        export_report(report=report, actor=world.outsider_secretary, fmt="txt")
    with pytest.raises(DomainError):
        export_report(report=report, actor=world.leader, fmt="exe")


def test_report_texts_are_drafted_saved_and_audited(world: World) -> None:
    drafts = report_text_drafts(world.a.inspection)
    assert "将巡察反馈的2个问题细化为4项整改措施" in drafts["organisation_text"]
    assert "仍需持续整改" in drafts["next_steps_text"]
    with pytest.raises(PermissionDenied):
        save_report_texts(
            inspection=world.a.inspection,
            actor=world.dept,
            organisation_text="x",
            next_steps_text="y",
        )
    mark = audit_mark()
    save_report_texts(
        inspection=world.a.inspection,
        actor=world.coordinator,
        organisation_text=" 组织有力。 ",
        next_steps_text="继续整改。",
        contact={"phone": "123", "secret": "no"},
    )
    [entry] = entries_since(mark)
    assert entry.action == "inspection.report_texts_updated"
    assert entry.after["organisation_text"] == "组织有力。"
    world.a.inspection.refresh_from_db()
    assert world.a.inspection.contact == {"phone": "123"}
    report = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    text = render(first_document(report), "txt").content.decode()
    assert "组织有力。" in text and "继续整改。" in text and "联系方式：电话123。" in text
