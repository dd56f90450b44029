"""Precision and recall of every rule on the labelled corpus: at least 0.9 each."""

from __future__ import annotations

import json

import pytest

from tests.quality.helpers import CORPUS
from zhenggai.quality.engine import all_rules
from zhenggai.quality.evaluation import Document, evaluate, label_key, load_corpus
from zhenggai.quality.subject import SubjectKind

TARGET = 0.9


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return load_corpus(CORPUS)


def test_corpus_covers_every_rule_and_both_kinds(corpus: list[Document]) -> None:
    labelled = {key[0] for document in corpus for key in document.expected}
    assert labelled == {rule.id for rule in all_rules()}
    assert {d.subject.kind for d in corpus} == {SubjectKind.REPORT, SubjectKind.LEDGER}
    assert "seed" in {d.name for d in corpus}


@pytest.mark.parametrize("rule", [r.id for r in all_rules()])
def test_precision_and_recall_at_least_target(corpus: list[Document], rule: str) -> None:
    score = evaluate(corpus).scores[rule]
    assert score.true_positives >= 3
    assert score.precision >= TARGET, evaluate(corpus).mistakes
    assert score.recall >= TARGET, evaluate(corpus).mistakes


def test_scoring_counts_misses_and_false_alarms(corpus: list[Document]) -> None:
    document = next(d for d in corpus if d.name == "market_regulation")
    extra = label_key({"rule": "vague_measure", "problem": "1", "measure": 1})
    missing = label_key({"rule": "pending_claim", "problem": "1", "measure": 2})
    changed = Document(document.name, document.subject, (document.expected - {missing}) | {extra})
    result = evaluate([changed])
    assert result.scores["vague_measure"].false_negatives == 1
    assert result.scores["pending_claim"].false_positives == 1
    assert json.loads(json.dumps(result.to_json()))["mistakes"]
