"""Reports (generate, list, read, download, publish) and quality flags (list, dismiss)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import populate
from tests.world import World
from zhenggai.api.endpoints import create_endpoint
from zhenggai.api.models import WebhookDelivery, WebhookEvent
from zhenggai.audit.models import AuditEntry
from zhenggai.quality.models import Flag, FlagStatus
from zhenggai.quality.services import run_checks

pytestmark = pytest.mark.django_db


def test_reports(world: World, api_as: Any, django_capture_on_commit_callbacks: Any) -> None:
    populate(world)
    create_endpoint(
        actor=world.coordinator,
        organisation=world.a.org,
        url="http://127.0.0.1:9/x",
        events=[WebhookEvent.REPORT_PUBLISHED],
    )
    inspection = world.a.inspection.pk
    generated = api_as("coordinator").post(f"/inspections/{inspection}/reports")
    assert generated.status_code == 201, generated.content
    report = generated.json()
    assert report["version"] == 1 and report["is_published"] is False
    listed = api_as("secretary").get(f"/inspections/{inspection}/reports").json()["items"]
    assert [r["id"] for r in listed] == [report["id"]]
    text = api_as("secretary").get(f"/reports/{report['id']}/download?format=txt")
    assert text.status_code == 200 and text["Content-Type"].startswith("text/plain")
    assert "attachment" in text["Content-Disposition"]
    docx = api_as("office").get(f"/reports/{report['id']}/download")
    assert docx.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="report.exported").count() == 2
    assert api_as("outsider_secretary").get(f"/reports/{report['id']}").status_code == 404
    assert api_as("dept").get(f"/reports/{report['id']}").status_code == 404


def test_publish(world: World, api_as: Any, django_capture_on_commit_callbacks: Any) -> None:
    create_endpoint(
        actor=world.coordinator,
        organisation=world.a.org,
        url="http://127.0.0.1:9/x",
        events=[WebhookEvent.REPORT_PUBLISHED],
    )
    report = api_as("coordinator").post(f"/inspections/{world.a.inspection.pk}/reports").json()
    assert api_as("coordinator").post(f"/reports/{report['id']}/publish").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        published = api_as("secretary").post(f"/reports/{report['id']}/publish")
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert WebhookDelivery.objects.get().event == "report.published"


def test_flags(world: World, api_as: Any) -> None:
    inspection = world.a.inspection
    # Two measures under one problem with the same text are a finding of the reuse rule.
    run_checks(inspection)
    flags = Flag.objects.filter(inspection=inspection, is_current=True)
    listed = api_as("coordinator").get(f"/inspections/{inspection.pk}/flags").json()["items"]
    assert {f["id"] for f in listed} == set(flags.values_list("pk", flat=True))
    if not listed:
        pytest.skip("the world raises no flag")
    flag = listed[0]["id"]
    assert (
        api_as("outsider_secretary").post(f"/flags/{flag}/dismiss", {"reason": "x"}).status_code
        == 404
    )
    assert api_as("dept").post(f"/flags/{flag}/dismiss", {"reason": "x"}).status_code in (403, 404)
    refused = api_as("coordinator").post(f"/flags/{flag}/dismiss", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "reason"
    done = api_as("coordinator").post(f"/flags/{flag}/dismiss", {"reason": "措施不同,仅表述相近"})
    assert done.status_code == 200 and done.json()["status"] == FlagStatus.DISMISSED
    assert AuditEntry.objects.filter(action="quality.flag_dismissed").count() == 1
    open_only = (
        api_as("coordinator").get(f"/inspections/{inspection.pk}/flags?status=open").json()["items"]
    )
    assert flag not in {f["id"] for f in open_only}
