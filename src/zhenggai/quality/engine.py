"""The rule engine: rules, what they find, and how they are discovered and run.

A rule is a subclass of :class:`Rule` in its own module under
:mod:`zhenggai.quality.rules`, exposed as the module-level ``RULE``. The engine finds
every such module (no list to edit), runs the rules that apply to the subject and
returns their :class:`Finding` values in document order.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Protocol

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhenggai.quality.subject import CheckSubject, SubjectKind


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class FileRef:
    """An evidence file a finding rests on."""

    name: str
    sha256: str
    content_type: str
    uploaded_at: str | None = None
    evidence_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return _without_none(
            {
                "name": self.name,
                "sha256": self.sha256,
                "content_type": self.content_type,
                "uploaded_at": self.uploaded_at,
                "evidence_id": self.evidence_id,
            }
        )


@dataclass(frozen=True)
class Span:
    """Quoted text (or a file) a finding rests on, and where it comes from.

    ``source`` is ``measure``, ``stated`` (the 整改落实情况 sentence), ``problem``,
    ``report`` (a report-wide passage), ``progress``, ``status`` or ``evidence``.
    ``start``/``end`` are offsets into that source text; ``lines`` are source lines.
    """

    text: str
    source: str
    problem: str | None = None
    measure: int | None = None
    start: int | None = None
    end: int | None = None
    lines: tuple[int, int] | None = None
    file: FileRef | None = None

    def to_json(self) -> dict[str, Any]:
        data = _without_none(
            {
                "text": self.text,
                "source": self.source,
                "problem": self.problem,
                "measure": self.measure,
                "start": self.start,
                "end": self.end,
                "lines": list(self.lines) if self.lines else None,
            }
        )
        if self.file is not None:
            data["file"] = self.file.to_json()
        return data


@dataclass(frozen=True)
class Ref:
    """Another problem or measure involved; ``inspection_id`` is set for another inspection's."""

    problem: str | None
    measure: int | None = None
    measure_id: int | None = None
    problem_id: int | None = None
    inspection_id: int | None = None
    unit: str | None = None
    year: int | None = None
    similarity: float | None = None

    @property
    def external(self) -> bool:
        return self.inspection_id is not None

    def to_json(self) -> dict[str, Any]:
        return _without_none(
            {
                "problem": self.problem,
                "measure": self.measure,
                "measure_id": self.measure_id,
                "problem_id": self.problem_id,
                "inspection_id": self.inspection_id,
                "unit": self.unit,
                "year": self.year,
                "similarity": round(self.similarity, 3) if self.similarity is not None else None,
            }
        )


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, anchored at a problem (and measure, when it concerns one).

    ``key`` distinguishes findings of one rule at one anchor; together with the rule
    and the anchor it makes the fingerprint that keeps re-runs idempotent.
    """

    rule: str
    severity: str
    problem: str | None
    measure: int | None
    spans: tuple[Span, ...]
    message: str
    related: tuple[Ref, ...] = ()
    key: str = ""
    problem_id: int | None = None
    measure_id: int | None = None

    @property
    def fingerprint(self) -> str:
        anchor = f"{self.problem_id or self.problem}|{self.measure_id or self.measure}"
        return hashlib.sha256(f"{self.rule}|{anchor}|{self.key}".encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """``rule``, ``severity``, ``problem`` (as printed), ``measure`` (1-based), ``related``…"""
        rule = get_rule(self.rule)
        return {
            "rule": self.rule,
            "title": str(rule.title),
            "severity": str(self.severity),
            "problem": self.problem,
            "measure": self.measure,
            "related": [ref.to_json() for ref in self.related],
            "spans": [span.to_json() for span in self.spans],
            "message": self.message,
        }


class ExternalLookup(Protocol):
    """Look-ups beyond the subject (other units and years), provided for database ledgers."""

    def similar_measures(self, measures: Sequence[tuple[int, str]]) -> Mapping[int, list[Ref]]:
        """For each ``(measure_id, text)``: the near-duplicate measures of other inspections."""
        ...

    def shared_evidence(self, hashes: Iterable[str]) -> Mapping[str, list[Ref]]:
        """For each SHA-256: the measures of other inspections holding a file with that hash."""
        ...


@dataclass(frozen=True)
class CheckContext:
    """What a rule may use besides the subject."""

    external: ExternalLookup | None = None


class Rule(ABC):
    """A named check. Subclasses set the class attributes and implement :meth:`check`.

    ``applies_to`` lists the subject kinds the rule can judge: a rule that needs
    statuses or files (``evidence_gap``) applies to ledgers only.
    """

    id: ClassVar[str]
    title: ClassVar[Promise]
    explanation: ClassVar[Promise]
    severity: ClassVar[str]
    order: ClassVar[int] = 100
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset(SubjectKind)

    @abstractmethod
    def check(self, subject: CheckSubject, context: CheckContext) -> Iterable[Finding]:
        """Yield the findings of this rule on ``subject``."""

    def finding(self, **values: Any) -> Finding:
        """A :class:`Finding` of this rule; ``severity`` defaults to the rule's own."""
        values.setdefault("severity", self.severity)
        return Finding(rule=self.id, **values)


@dataclass(frozen=True)
class _Registry:
    rules: tuple[Rule, ...]
    by_id: dict[str, Rule] = field(default_factory=dict)


@cache
def _registry() -> _Registry:
    from zhenggai.quality import rules as package

    found: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise TypeError(f"{module.__name__} must define RULE, an instance of Rule")
        if rule.id != info.name:
            raise ValueError(f"rule id {rule.id!r} must equal its module name {info.name!r}")
        found.append(rule)
    found.sort(key=lambda r: (r.order, r.id))
    return _Registry(tuple(found), {r.id: r for r in found})


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in display order."""
    return _registry().rules


def get_rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` if there is none."""
    return _registry().by_id[rule_id]


def run_rules(
    subject: CheckSubject,
    context: CheckContext | None = None,
    rules: Iterable[Rule] | None = None,
) -> list[Finding]:
    """Run the rules that apply to ``subject``; findings in document order, then rule order."""
    context = context or CheckContext()
    chosen = all_rules() if rules is None else tuple(rules)
    problem_rank = {p.number: i for i, p in enumerate(subject.problems)}
    rule_rank = {r.id: i for i, r in enumerate(all_rules())}
    findings = [
        finding
        for rule in chosen
        if subject.kind in rule.applies_to
        for finding in rule.check(subject, context)
    ]
    return sorted(
        findings,
        key=lambda f: (
            problem_rank.get(f.problem or "", -1),
            f.measure or 0,
            rule_rank.get(f.rule, len(rule_rank)),
            f.key,
        ),
    )
