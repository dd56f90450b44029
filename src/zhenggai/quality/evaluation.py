"""Precision and recall of the rules on a labelled corpus (``zhenggai quality-eval``).

A corpus is a folder of ``NAME.labels.json`` files, each naming a report
(``"report": "NAME.txt"``, or ``"package:zhenggai.documents/fixtures/seed_report.txt"``)
or a ledger description (``"ledger": "NAME.ledger.json"``, see
:func:`~zhenggai.quality.subject.from_json`) and listing every flag the rules should
raise on it: ``{"rule", "problem", "measure", "related": [{"problem", "measure"}],
"kind"}`` (``kind`` only for ``evidence_gap``: ``none``, ``late``, ``shared``,
``images``). A finding matches a label when rule, kind and the set of problems and
measures involved are equal; anything else found is a false positive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from zhenggai.documents.readers import read_report
from zhenggai.quality.engine import Finding, all_rules, run_rules
from zhenggai.quality.subject import CheckSubject, from_json, from_report

Key = tuple[str, str, frozenset[tuple[str | None, int | None]]]


@dataclass
class Document:
    name: str
    subject: CheckSubject
    expected: set[Key]


@dataclass
class RuleScore:
    rule: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass
class Evaluation:
    scores: dict[str, RuleScore]
    documents: int
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "rules": [score.to_json() for score in self.scores.values()],
            "mistakes": self.mistakes,
        }


def label_key(label: dict[str, Any]) -> Key:
    members = {
        (str(label["problem"]) if label.get("problem") is not None else None, label.get("measure"))
    }
    members |= {(str(r["problem"]), r.get("measure")) for r in label.get("related", [])}
    return (label["rule"], label.get("kind", ""), frozenset(members))


def finding_key(finding: Finding) -> Key:
    members = {(finding.problem, finding.measure)}
    members |= {(r.problem, r.measure) for r in finding.related if not r.external}
    kind = finding.key.split(":")[0] if finding.rule == "evidence_gap" else ""
    return (finding.rule, kind, frozenset(members))


def _report_source(reference: str, folder: Path) -> str:
    if reference.startswith("package:"):
        package, _, name = reference.removeprefix("package:").partition("/")
        return resources.files(package).joinpath(name).read_text("utf-8")
    return (folder / reference).read_text("utf-8")


def load_corpus(folder: Path) -> list[Document]:
    """Every labelled document of ``folder``, in name order."""
    documents = []
    for labels in sorted(folder.glob("*.labels.json")):
        data = json.loads(labels.read_text("utf-8"))
        name = labels.name.removesuffix(".labels.json")
        if "ledger" in data:
            subject = from_json(json.loads((folder / data["ledger"]).read_text("utf-8")))
        else:
            subject = from_report(read_report(_report_source(data["report"], folder)), name=name)
        documents.append(Document(name, subject, {label_key(x) for x in data["flags"]}))
    return documents


def evaluate(documents: Iterable[Document]) -> Evaluation:
    """Run every rule on every document and score the findings against the labels."""
    scores = {rule.id: RuleScore(rule.id) for rule in all_rules()}
    mistakes: list[dict[str, Any]] = []
    count = 0
    for document in documents:
        count += 1
        found = {finding_key(f): f for f in run_rules(document.subject)}
        for key in found.keys() | document.expected:
            score = scores[key[0]]
            if key in found and key in document.expected:
                score.true_positives += 1
                continue
            if key in found:
                score.false_positives += 1
                what = "false_positive"
            else:
                score.false_negatives += 1
                what = "false_negative"
            members = sorted(key[2], key=lambda m: (m[0] or "", m[1] or 0))
            mistakes.append(
                {
                    "document": document.name,
                    "rule": key[0],
                    "kind": key[1],
                    "what": what,
                    "members": [list(m) for m in members],
                }
            )
    return Evaluation(scores, count, mistakes)
