"""The measure's life through the API: progress with a file, submit, approve, close, reopen.

Each step must leave the same audit entries as the pages, because it calls the same
services; evidence downloads are checked and audited like the page's.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest

from tests.world import PDF, World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Evidence, Measure, ProblemStatus

pytestmark = pytest.mark.django_db


def _file(name: str = "会议纪要.pdf", data: bytes = PDF) -> BytesIO:
    handle = BytesIO(data)
    handle.name = name
    return handle


def _actions(measure: Measure) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="Measure", object_id=str(measure.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_full_cycle(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    dept, leader, secretary = api_as("dept"), api_as("leader"), api_as("secretary")

    progress = dept.upload(
        f"/measures/{measure.pk}/progress", {"text": "已召开专题会议", "files": [_file()]}
    )
    assert progress.status_code == 201, progress.content
    evidence = progress.json()["evidence"]
    assert [e["original_name"] for e in evidence] == ["会议纪要.pdf"]
    assert progress["ETag"] == 'W/"2"'

    download = dept.get(evidence[0]["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"

    submitted = dept.post(
        f"/measures/{measure.pk}/submit",
        {"text": "整改已完成"},
        headers={"If-Match": progress["ETag"]},
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"

    approved = leader.post(f"/measures/{measure.pk}/leader-approve", {"reason": "同意"})
    assert approved.json()["status"] == "approved"
    closed = secretary.post(f"/measures/{measure.pk}/close", {})
    assert closed.json()["status"] == "closed" and closed.json()["light"]["color"] == "closed"
    reopened = secretary.post(f"/measures/{measure.pk}/reopen", {"reason": "回头看发现反弹"})
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["reopened_count"] == 1

    assert _actions(measure) == [
        "measure.created",
        "measure.progress_reported",
        "measure.submitted",
        "measure.approved_by_leader",
        "measure.closed",
        "measure.reopened",
    ]
    assert AuditEntry.objects.filter(action="evidence.uploaded").count() == 1
    assert AuditEntry.objects.filter(action="evidence.downloaded").count() == 1
    reviews = dept.get(f"/measures/{measure.pk}/reviews").json()["items"]
    assert [r["stage"] for r in reviews] == ["reopen", "closure", "leader"]


def test_returns_need_a_reason(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    api_as("dept").upload(f"/measures/{measure.pk}/progress", {"text": "进展", "files": [_file()]})
    api_as("dept").post(f"/measures/{measure.pk}/submit", {"text": "完成"})
    refused = api_as("leader").post(f"/measures/{measure.pk}/leader-return", {"reason": ""})
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "reason"
    returned = api_as("leader").post(f"/measures/{measure.pk}/leader-return", {"reason": "补充"})
    assert returned.json()["status"] == "in_progress"
    assert "measure.returned_by_leader" in _actions(measure)


def test_submit_without_evidence_is_a_domain_error(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    response = api_as("dept").post(f"/measures/{measure.pk}/submit", {"text": "完成"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("domain_error", "file")
    assert error["message_zh"] and error["message_en"]


def test_a_bad_file_refuses_the_whole_update(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    response = api_as("dept").upload(
        f"/measures/{measure.pk}/progress",
        {"text": "进展", "files": [_file(), _file("virus.exe", b"MZ\x90\x00" * 50)]},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "file"
    assert not Evidence.objects.exists()
    assert Measure.objects.get(pk=measure.pk).version == measure.version


def test_stale_if_match_on_an_action_is_412(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    response = api_as("dept").post(
        f"/measures/{measure.pk}/submit", {"text": "完成"}, headers={"If-Match": 'W/"99"'}
    )
    assert response.status_code == 412


def test_tampered_evidence_is_not_sent(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    body = (
        api_as("dept")
        .upload(f"/measures/{measure.pk}/progress", {"text": "进展", "files": [_file()]})
        .json()
    )
    evidence = Evidence.objects.get(pk=body["evidence"][0]["id"])
    with evidence.file.open("wb") as handle:
        handle.write(b"changed")
    response = api_as("coordinator").get(f"/evidence/{evidence.pk}/download")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "integrity_failed"
    assert AuditEntry.objects.filter(action="evidence.integrity_failed", success=False).exists()
    assert api_as("outsider_secretary").get(f"/evidence/{evidence.pk}/download").status_code == 404


def test_milestones_and_ledger_building(world: World, api_as: Any) -> None:
    coordinator = api_as("coordinator")
    category = coordinator.post(
        f"/inspections/{world.a.inspection.pk}/categories", {"title": "作风建设方面"}
    )
    assert category.status_code == 201
    problem = coordinator.post(
        "/problems",
        {
            "category": category.json()["id"],
            "text": "会风文风不实",
            "stated_planned": 2,
            "stated_done": 3,
        },
    )
    assert problem.status_code == 422  # stated done > planned
    problem = coordinator.post("/problems", {"category": category.json()["id"], "text": "会风不实"})
    assert problem.status_code == 201 and problem.json()["status"] == ProblemStatus.NOT_STARTED
    measure = world.a.measures[0]
    milestone = coordinator.post(
        f"/measures/{measure.pk}/milestones", {"title": "制定方案", "due_date": "2026-12-10"}
    )
    assert milestone.status_code == 201
    done = api_as("dept").post(
        f"/milestones/{milestone.json()['id']}/complete", {"done_on": "2026-12-01"}
    )
    assert done.status_code == 200 and done.json()["done_on"] == "2026-12-01"
    approve = api_as("secretary").post(f"/inspections/{world.a.inspection.pk}/approve-plan")
    assert approve.status_code == 200 and approve.json()["plan_approved_at"].endswith("+08:00")


def test_office_registers_rounds_and_inspections(world: World, api_as: Any) -> None:
    office = api_as("office")
    rnd = office.post(
        "/rounds", {"jurisdiction": world.jurisdiction.pk, "name": "2027年第一轮", "year": 2027}
    )
    assert rnd.status_code == 201, rnd.content
    from zhenggai.accounts.models import OrganisationKind
    from zhenggai.accounts.services import create_organisation

    unit = create_organisation(name="丙局", kind=OrganisationKind.UNIT, parent=world.jurisdiction)
    inspection = office.post(
        "/inspections",
        {
            "round": rnd.json()["id"],
            "unit": unit.pk,
            "unit_name": "中共丙局党组",
            "team": "第二巡察组",
            "period_start": "2027-03-01",
            "period_end": "2027-04-15",
            "feedback_date": "2027-05-10",
        },
    )
    assert inspection.status_code == 201, inspection.content
    assert inspection.json()["report_due"] == "2027-07-10"
    again = office.post(
        "/rounds", {"jurisdiction": world.jurisdiction.pk, "name": "2027年第一轮", "year": 2027}
    )
    assert again.status_code == 400 and again.json()["error"]["field"] == "name"
