"""``evidence_gap``: closure the evidence does not support (ledgers only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.quality.helpers import anchors, ledger, problem, report, run
from zhenggai.quality.engine import CheckContext, Ref

PDF, PNG, JPG = "application/pdf", "image/png", "image/jpeg"
CLOSED = "2024-05-10T12:00:00+08:00"


def ev(
    name: str, sha: str, kind: str = PDF, at: str = "2024-05-01T09:00:00+08:00"
) -> dict[str, Any]:
    return {"name": name, "sha256": sha * 64, "content_type": kind, "uploaded_at": at}


def closed(*evidence: dict[str, Any], text: str = "开展检查3次。") -> dict[str, Any]:
    return {"text": text, "status": "closed", "closed_at": CLOSED, "evidence": list(evidence)}


def one_problem(*measures: dict[str, Any]) -> Any:
    return ledger({"problems": [{"number": "1", "measures": list(measures)}]})


def kinds(findings: Iterable[Any]) -> list[tuple[str | None, int | None, str]]:
    return [(f.problem, f.measure, f.key.split(":")[0]) for f in findings]


def test_closed_without_evidence() -> None:
    findings = run("evidence_gap", one_problem(closed(), closed(ev("纪要.pdf", "1"))))
    assert kinds(findings) == [("1", 1, "none")]
    assert findings[0].severity == "high"
    assert findings[0].spans[0].text == "已销号 2024-05-10"


def test_evidence_uploaded_after_closure() -> None:
    late = ev("补充材料.pdf", "2", at="2024-05-11T09:00:00+08:00")
    exactly = ev("检查记录.pdf", "3", at=CLOSED)
    findings = run("evidence_gap", one_problem(closed(ev("纪要.pdf", "1"), late), closed(exactly)))
    assert kinds(findings) == [("1", 1, "late")]
    assert [s.file.name for s in findings[0].spans] == ["补充材料.pdf"]
    assert findings[0].message == "1份佐证材料在销号(2024-05-10)之后才上传"


def test_images_only_when_completion_is_claimed() -> None:
    photos = (ev("截图1.png", "4", PNG), ev("照片.jpg", "5", JPG))
    subject = one_problem(
        closed(*photos),
        {"text": "开展检查3次。", "status": "in_progress", "evidence": [ev("照片.jpg", "6", JPG)]},
        {"text": "开展检查3次。", "status": "submitted", "evidence": [ev("截图.png", "7", PNG)]},
        closed(ev("照片.jpg", "8", JPG), ev("记录.pdf", "9")),
    )
    findings = run("evidence_gap", subject)
    assert kinds(findings) == [("1", 1, "images"), ("1", 3, "images")]
    assert findings[0].severity == "low"


def test_same_file_for_unrelated_measures() -> None:
    subject = ledger(
        {
            "problems": [
                {
                    "number": "1",
                    "measures": [closed(ev("纪要.pdf", "a")), closed(ev("纪要副本.pdf", "a"))],
                },
                {"number": "2", "measures": [closed(ev("纪要.pdf", "a"))]},
                {
                    "number": "3",
                    "measures": [closed(ev("清单.pdf", "b")), closed(ev("清单.pdf", "b"))],
                },
            ]
        }
    )
    findings = run("evidence_gap", subject)
    assert kinds(findings) == [("1", 1, "shared")]
    assert [(r.problem, r.measure) for r in findings[0].related] == [("1", 2), ("2", 1)]
    assert findings[0].message == "同一文件“纪要.pdf”同时作为3项措施的佐证,涉及不同问题"


class _Elsewhere:
    def similar_measures(self, measures: Sequence[tuple[int, str]]) -> Mapping[int, list[Ref]]:
        return {}

    def shared_evidence(self, hashes: Iterable[str]) -> Mapping[str, list[Ref]]:
        return {
            h: [Ref(problem="4", measure=2, measure_id=77, inspection_id=9, unit="乙局", year=2023)]
            for h in hashes
            if h == "c" * 64
        }


def test_same_file_in_another_inspection() -> None:
    subject = one_problem(closed(ev("纪要.pdf", "c")), closed(ev("记录.pdf", "d")))
    findings = run("evidence_gap", subject, CheckContext(external=_Elsewhere()))
    assert kinds(findings) == [("1", 1, "shared")]
    assert findings[0].related[0].inspection_id == 9


def test_does_not_apply_to_a_report() -> None:
    from zhenggai.quality.engine import run_rules

    subject = report(problem("1", ["开展检查3次。"]))
    assert [f for f in run_rules(subject) if f.rule == "evidence_gap"] == []
    assert anchors(run("evidence_gap", one_problem(closed(ev("a.pdf", "e"))))) == []
