"""``zhenggai inspections``, ``zhenggai report`` and ``zhenggai round-summary``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.reports.conftest import require_soffice
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.documents.models import Report
from zhenggai.documents.readers import read_report


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_inspections_json_lists_ids(world: World) -> None:
    rows = json.loads(run("inspections", "--json"))
    assert [row["id"] for row in rows] == sorted([world.a.inspection.pk, world.b.inspection.pk])
    row = next(r for r in rows if r["id"] == world.a.inspection.pk)
    assert row["unit"]["name"] == "甲局" and row["problems"] == 2 and row["measures"] == 4
    assert row["round"]["id"] == world.a.inspection.round_id
    assert "甲局" in run("inspections")


@pytest.mark.parametrize("fmt", ["docx", "html", "txt"])
def test_report_writes_the_file_and_audits(world: World, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out" / f"report.{fmt}"
    output = run("report", str(world.a.inspection.pk), "--format", fmt, "-o", str(target))
    assert "v1" in output and target.exists()
    report = Report.objects.get()
    entry = AuditEntry.objects.filter(action="report.generated").get()
    assert (
        entry.actor is None and entry.actor_name == "system" and entry.object_id == str(report.pk)
    )
    data = target.read_bytes()
    if fmt == "docx":
        assert data[:2] == b"PK"
    if fmt == "txt":
        assert len(read_report(data).problems) == 2
    if fmt == "html":
        assert "甲局问题1" in data.decode()


def test_report_public_version(world: World, tmp_path: Path) -> None:
    world.a.problems[1].is_public = False
    world.a.problems[1].save()
    target = tmp_path / "public.txt"
    run("report", str(world.a.inspection.pk), "--format", "txt", "--public", "-o", str(target))
    assert "甲局问题2" not in target.read_text("utf-8")


def test_round_summary(world: World, tmp_path: Path) -> None:
    target = tmp_path / "round.html"
    run("round_summary", str(world.a.inspection.round_id), "--format", "html", "-o", str(target))
    html = target.read_text("utf-8")
    assert "2026年第一轮整改进展情况汇总" in html and "<table>" in html and "乙局" in html
    assert Report.objects.get().kind == "round"


def test_bad_ids_are_errors(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no inspection"):
        run("report", "999", "-o", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="no round"):
        run("round_summary", "999", "-o", str(tmp_path / "x.docx"))


def test_pdf_from_the_command_line(world: World, tmp_path: Path) -> None:
    require_soffice()
    target = tmp_path / "round.pdf"
    run("round_summary", str(world.a.inspection.round_id), "--format", "pdf", "-o", str(target))
    assert target.read_bytes()[:5] == b"%PDF-"
