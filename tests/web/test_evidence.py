"""Evidence downloads: only through the authorising view, checked against the stored digest."""

from __future__ import annotations

import pytest

from tests.web.helpers import pdf, url
from tests.world import PDF, World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Evidence
from zhenggai.ledger.services import workflow


@pytest.fixture
def evidence(world: World) -> Evidence:
    workflow.report_progress(
        measure=world.a.measures[0], actor=world.dept, text="进展", files=[pdf("会议纪要 2026.pdf")]
    )
    return Evidence.objects.get()


def test_download_is_an_attachment_with_nosniff(world: World, as_user, evidence: Evidence) -> None:
    response = as_user("inspector").get(url("web:evidence.download", evidence.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese name survives
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_each_download_is_audited(world: World, as_user, evidence: Evidence) -> None:
    as_user("office").get(url("web:evidence.download", evidence.pk))
    entry = AuditEntry.objects.filter(action="evidence.downloaded").get()
    assert entry.actor == world.office and entry.object_id == str(evidence.pk)
    assert entry.success and entry.after["sha256"] == evidence.sha256


@pytest.mark.parametrize("persona", ["outsider_secretary", "outsider_dept", "auditadmin"])
def test_other_unit_gets_404(world: World, as_user, evidence: Evidence, persona: str) -> None:
    assert as_user(persona).get(url("web:evidence.download", evidence.pk)).status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.downloaded").exists()


def test_tampered_file_is_not_sent(world: World, as_user, evidence: Evidence) -> None:
    with open(evidence.file.path, "ab") as handle:
        handle.write(b"% changed afterwards")
    response = as_user("secretary").get(url("web:evidence.download", evidence.pk))
    assert response.status_code == 409
    assert "Content-Disposition" not in response
    body = response.content.decode()
    assert "SHA-256 摘要不一致" in body and "%PDF" not in body
    failure = AuditEntry.objects.get(action="evidence.integrity_failed")
    assert failure.success is False and failure.actor == world.secretary
    assert not AuditEntry.objects.filter(action="evidence.downloaded").exists()


def test_missing_file_is_409(world: World, as_user, evidence: Evidence) -> None:
    evidence.file.storage.delete(evidence.file.name)
    response = as_user("secretary").get(url("web:evidence.download", evidence.pk))
    assert response.status_code == 409
    assert "找不到" in response.content.decode()


def test_measure_page_lists_evidence_with_download_links(
    world: World, as_user, evidence: Evidence
) -> None:
    page = as_user("leader").get(url("web:measure.detail", evidence.measure_id)).content.decode()
    assert url("web:evidence.download", evidence.pk) in page
    assert "会议纪要 2026.pdf" in page
    assert evidence.sha256[:12] in page
