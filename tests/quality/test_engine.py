"""The engine: rule discovery, order, findings as JSON, fingerprints, applicability."""

from __future__ import annotations

import json

from django.utils.functional import Promise

from tests.quality.helpers import problem, report, seed_subject
from zhenggai.quality.engine import Finding, Severity, Span, all_rules, get_rule, run_rules
from zhenggai.quality.subject import SubjectKind

RULE_IDS = [
    "count_mismatch",
    "pending_claim",
    "reused_text",
    "vague_measure",
    "evidence_gap",
    "summary_contradiction",
]


def test_every_rule_module_is_discovered_with_its_documentation() -> None:
    rules = all_rules()
    assert [r.id for r in rules] == RULE_IDS
    for rule in rules:
        assert isinstance(rule.title, Promise) and isinstance(rule.explanation, Promise)
        assert str(rule.title) and len(str(rule.explanation)) > 60
        assert rule.severity in Severity.values
        assert get_rule(rule.id) is rule
    assert get_rule("evidence_gap").applies_to == frozenset({SubjectKind.LEDGER})


def test_findings_in_document_order_then_rule_order() -> None:
    findings = run_rules(seed_subject())
    assert [(f.rule, f.problem, f.measure) for f in findings][:4] == [
        ("pending_claim", "1", 2),
        ("count_mismatch", "2", None),
        ("reused_text", "3", 1),
        ("reused_text", "3", 2),
    ]


def test_finding_json_shape() -> None:
    subject = report(problem("1", ["计划6月份上线运行。"], planned=2))
    data = [f.to_json() for f in run_rules(subject)]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data[0] == {
        "rule": "count_mismatch",
        "title": "措施数量与所列不符",
        "severity": "medium",
        "problem": "1",
        "measure": None,
        "related": [],
        "spans": [
            {"text": "共制定2项整改措施", "source": "stated", "problem": "1", "start": 7, "end": 16}
        ],
        "message": "称制定2项措施,实际列出1项",
    }
    assert [d["rule"] for d in data] == ["count_mismatch", "pending_claim"]


def test_fingerprint_depends_on_rule_anchor_and_key_only() -> None:
    def finding(**changes: object) -> Finding:
        values: dict = {
            "rule": "vague_measure",
            "severity": "low",
            "problem": "1",
            "measure": 2,
            "spans": (Span("x", "measure"),),
            "message": "m",
            "key": "k",
        }
        return Finding(**{**values, **changes})

    assert finding().fingerprint == finding(message="other", spans=()).fingerprint
    assert finding().fingerprint != finding(key="k2").fingerprint
    assert finding().fingerprint != finding(measure=3).fingerprint
    assert finding(problem_id=5).fingerprint != finding().fingerprint
