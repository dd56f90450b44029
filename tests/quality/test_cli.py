"""``zhenggai quality FILE_OR_INSPECTION_ID`` and ``zhenggai quality-eval``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.quality.helpers import CORPUS, SEED
from tests.world import World
from zhenggai.cli import main


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_file_as_json_without_a_database() -> None:
    flags = json.loads(run("quality", str(SEED), "--json"))
    assert len(flags) == 21
    assert set(flags[0]) >= {"rule", "problem", "measure", "related", "spans", "severity"}
    assert [(f["rule"], f["problem"], f["measure"]) for f in flags][:2] == [
        ("pending_claim", "1", 2),
        ("count_mismatch", "2", None),
    ]
    reuse = [f for f in flags if f["rule"] == "reused_text"]
    assert [[(r["problem"], r["measure"]) for r in f["related"]] for f in reuse] == [
        [("14", 1)],
        [("14", 2), ("16", 2)],
        [("14", 4), ("16", 3)],
        [("20", 2)],
    ]
    assert "计划6月份上线运行" in [s["text"] for s in flags[0]["spans"]]


def test_rule_filter_and_text_output() -> None:
    flags = json.loads(run("quality", str(SEED), "--json", "--rule", "pending_claim"))
    assert [f["problem"] for f in flags] == ["1", "8", "16"]
    text = run("quality", str(SEED))
    assert "[high] pending_claim 称已完成但仍在计划中 · 问题(1)第2项" in text
    assert text.strip().endswith("共 21 条 / 21 flags")


def test_console_script_accepts_hyphens(capsys: pytest.CaptureFixture[str]) -> None:
    main(["zhenggai", "quality", str(SEED), "--json", "--rule", "count_mismatch"])
    assert len(json.loads(capsys.readouterr().out)) == 14


@pytest.mark.usefixtures("data_dir")
def test_inspection_id_runs_and_stores(flagged: World, tmp_path: Path) -> None:
    pk = str(flagged.a.inspection.pk)
    flags = json.loads(
        run(
            "quality",
            pk,
            "--json",
            "--html",
            str(tmp_path / "r.html"),
            "--docx",
            str(tmp_path / "r.docx"),
        )
    )
    assert [(f["rule"], f["problem"], f["measure"], f["status"]) for f in flags] == [
        ("count_mismatch", "1", None, "open"),
        ("reused_text", "1", 2, "open"),
        ("vague_measure", "2", 2, "open"),
    ]
    assert flags[1]["related"][0]["measure"] == 1
    assert "形式整改体检报告" in (tmp_path / "r.html").read_text("utf-8")
    assert (tmp_path / "r.docx").read_bytes().startswith(b"PK")


@pytest.mark.django_db
def test_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file or inspection id"):
        run("quality", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="no inspection with id 999"):
        run("quality", "999")
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是整改报告。", "utf-8")
    with pytest.raises(CommandError):
        run("quality", str(bad))
    with pytest.raises(CommandError, match="only for an inspection id"):
        run("quality", str(SEED), "--html", str(tmp_path / "x.html"))


def test_eval_command() -> None:
    data = json.loads(run("quality_eval", "--corpus", str(CORPUS), "--json"))
    assert data["documents"] >= 8
    assert {r["rule"] for r in data["rules"]} == {
        "count_mismatch",
        "pending_claim",
        "reused_text",
        "vague_measure",
        "evidence_gap",
        "summary_contradiction",
    }
    text = run("quality_eval", "--corpus", str(CORPUS), "--fail-under", "0.9")
    assert "precision" in text and "recall" in text
    with pytest.raises(CommandError, match="no corpus folder"):
        run("quality_eval", "--corpus", "/nonexistent")
