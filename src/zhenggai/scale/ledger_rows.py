"""One unit's synthetic ledger: inspection, categories, problems, measures and their story.

Statuses follow the workflow: a closed measure has a completion claim, a leader
approval and a closure review, and ``closed_at``; a submitted one a completion claim
and ``submitted_by``; an approved one also the leader's approval; a returned one a
leader's return with a reason. Problem statuses come from
:func:`~zhenggai.ledger.services.common.derive_problem_status`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid
from typing import Any

from zhenggai.ledger.models import (
    MeasureKind,
    MeasureStatus,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.services.common import derive_problem_status
from zhenggai.scale import texts
from zhenggai.scale.common import DAY, UnitPeople
from zhenggai.scale.common import at_time as _at
from zhenggai.scale.outcome_rows import add_outcomes
from zhenggai.scale.writer import Table

CLAIMED = ("submitted", "approved", "closed", "returned")

#: (upper age in days, [(state, cumulative probability)]) — older rounds are mostly closed.
STATE_MIX: list[tuple[int, list[tuple[str, float]]]] = [
    (60, [("closed", 0.10), ("submitted", 0.20), ("approved", 0.23), ("returned", 0.26)]),
    (180, [("closed", 0.35), ("submitted", 0.45), ("approved", 0.50), ("returned", 0.55)]),
    (540, [("closed", 0.72), ("submitted", 0.77), ("approved", 0.81), ("returned", 0.84)]),
    (10**6, [("closed", 0.93), ("submitted", 0.945), ("approved", 0.955), ("returned", 0.965)]),
]
KINDS = [(MeasureKind.IMMEDIATE, 0.25), (MeasureKind.DEADLINE, 0.85), (MeasureKind.ONGOING, 1.0)]

#: A tiny valid PDF; the few real evidence files carry a distinct trailing comment each.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class LedgerBuilder:
    def __init__(
        self, tables: dict[str, Table], rng: random.Random, today: dt.date, config: Any
    ) -> None:
        self.t = tables
        self.rng = rng
        self.today = today
        self.cfg = config
        self.real_files: list[tuple[int, str]] = []  # (evidence id, path) needing bytes
        self.extensions = "extension" in tables

    # ------------------------------------------------------------ inspection

    def inspection(self, unit: UnitPeople, round_id: int, base: dt.date) -> int:
        rng, t, today = self.rng, self.t, self.today
        feedback = min(base + dt.timedelta(days=rng.randint(-10, 20)), today - DAY)
        age = (today - feedback).days
        approved_day = feedback + dt.timedelta(days=rng.randint(15, 25))
        plan_approved = approved_day < today
        inspection_id = t["inspection"].allocate()
        t["inspection"].add(
            (
                inspection_id,
                round_id,
                unit.unit_id,
                f"中共{unit.name}党组",
                f"第{rng.randint(1, 12)}巡察组",
                feedback - dt.timedelta(days=120),
                feedback - dt.timedelta(days=45),
                feedback,
                feedback + dt.timedelta(days=30),
                feedback + dt.timedelta(days=60),
                feedback + dt.timedelta(days=58) if age > 60 else None,
                f"中共{unit.name}党组",
                "成立整改工作领导小组,主要负责人任组长。",
                "持续抓好整改,巩固整改成果。",
                "{}",
                _at(approved_day, rng) if plan_approved else None,
                unit.secretary if plan_approved else None,
                "synth",
                _at(feedback, rng),
            )
        )
        categories = rng.sample(range(len(texts.CATEGORIES)), k=4)
        category_ids = []
        for position, c in enumerate(categories, start=1):
            category_id = t["category"].allocate()
            t["category"].add(
                (
                    category_id,
                    inspection_id,
                    "一二三四五六"[position - 1],
                    position,
                    texts.CATEGORIES[c],
                )
            )
            category_ids.append(category_id)
        mix = next(m for limit, m in STATE_MIX if age <= limit)
        problems = max(1, self.cfg.problems_per_unit + rng.randint(-3, 3))
        problem_ids = []
        for position in range(1, problems + 1):
            problem_ids.append(
                self._problem(
                    unit,
                    inspection_id,
                    category_ids[(position - 1) * 4 // problems],
                    position,
                    feedback,
                    approved_day if plan_approved else None,
                    mix,
                )
            )
        add_outcomes(self, unit, inspection_id, problem_ids, feedback)
        return inspection_id

    # ------------------------------------------------------------ problems and measures

    def _problem(
        self,
        unit: UnitPeople,
        inspection_id: int,
        category_id: int,
        position: int,
        feedback: dt.date,
        started: dt.date | None,
        mix: list[tuple[str, float]],
    ) -> int:
        rng, t = self.rng, self.t
        topic = rng.choice(texts.TOPICS)
        problem_id = t["problem"].allocate()
        count = max(1, self.cfg.measures_per_problem + rng.choice((-1, 0, 0, 0, 1)))
        pairs = [
            self._measure(unit, inspection_id, problem_id, k, topic, feedback, started, mix)
            for k in range(1, count + 1)
        ]
        closed = sum(1 for _, status in pairs if status == MeasureStatus.CLOSED)
        planned, done = count, closed
        roll = rng.random()
        if roll < 0.10:  # stated count differs from the measures listed (数字整改)
            planned = count + rng.choice((-1, 1, 2)) if count > 1 else count + 1
            done = min(done, planned)
        elif roll < 0.15:  # claims everything done while work is open (文字整改)
            done = planned
        text = rng.choice(texts.PROBLEMS).format(
            topic=topic, year=feedback.year - 2, n=rng.randint(2, 30)
        )
        t["problem"].add(
            (
                problem_id,
                inspection_id,
                category_id,
                str(position),
                position,
                text,
                planned,
                done,
                f"共制定{planned}项整改措施,已落实整改{done}项。",
                derive_problem_status(pairs).value,
                True,
                _at(feedback, rng),
            )
        )
        return problem_id

    def _kind(self) -> str:
        roll = self.rng.random()
        return next(kind for kind, limit in KINDS if roll < limit)

    def _deadline(self, kind: str, feedback: dt.date) -> dt.date | None:
        rng = self.rng
        if kind == MeasureKind.IMMEDIATE:
            return feedback + dt.timedelta(days=rng.randint(15, 30))
        if kind == MeasureKind.DEADLINE:
            return feedback + dt.timedelta(days=rng.randint(60, 240))
        return feedback + dt.timedelta(days=365) if rng.random() < 0.5 else None

    def _state(self, mix: list[tuple[str, float]]) -> str:
        roll = self.rng.random()
        return next((state for state, limit in mix if roll < limit), "in_progress")

    def _measure(
        self,
        unit: UnitPeople,
        inspection_id: int,
        problem_id: int,
        position: int,
        topic: str,
        feedback: dt.date,
        started: dt.date | None,
        mix: list[tuple[str, float]],
    ) -> tuple[str, str]:
        rng, t, today = self.rng, self.t, self.today
        measure_id = t["measure"].allocate()
        kind = self._kind()
        deadline = self._deadline(kind, feedback)
        state = "draft" if started is None else self._state(mix)
        dept_index = rng.randrange(len(unit.departments))
        lead = unit.departments[dept_index] if rng.random() < 0.97 or state == "closed" else None
        author = unit.dept_users[dept_index]
        leader = unit.leaders[rng.random() < 0.4]
        span_end = today - DAY
        claim_day = close_day = leader_day = None
        if state == "closed":
            limit = min(
                (deadline or feedback + dt.timedelta(days=365)) + dt.timedelta(days=45), span_end
            )
            close_day = _between(rng, started + dt.timedelta(days=6), limit)
            leader_day = close_day - dt.timedelta(days=rng.randint(0, 2))
            claim_day = leader_day - dt.timedelta(days=rng.randint(0, 3))
        elif state in CLAIMED:
            claim_day = _between(rng, started + DAY, span_end, late=30)
            leader_day = min(claim_day + dt.timedelta(days=rng.randint(0, 5)), span_end)
        status = {"returned": "in_progress", "draft": "draft"}.get(state, state)
        story_end = claim_day or span_end
        last_at = (
            self._progress(measure_id, author, started, story_end, state in CLAIMED, topic)
            if started
            else None
        )
        submitted_at = last_at if claim_day else None
        closed_at = reviewed_at = None
        if state in ("approved", "closed", "returned"):
            decision = ReviewDecision.RETURNED if state == "returned" else ReviewDecision.APPROVED
            reason = rng.choice(texts.RETURN_REASONS) if state == "returned" else "同意"
            reviewed_at = self._review(
                measure_id,
                ReviewStage.LEADER,
                decision,
                reason,
                leader,
                author,
                leader_day,
                submitted_at,
            )
        if state == "closed":
            closed_at = self._review(
                measure_id,
                ReviewStage.CLOSURE,
                ReviewDecision.APPROVED,
                "同意销号",
                unit.secretary,
                author,
                close_day,
                reviewed_at,
            )
        holds_claim = state in ("submitted", "approved", "closed")
        extended = self._extension(measure_id, kind, deadline, started, state, unit, author)
        text = rng.choice(texts.MEASURES).format(
            topic=topic, year=feedback.year - 1, n=rng.randint(2, 20)
        )
        t["measure"].add(
            (
                measure_id,
                inspection_id,
                problem_id,
                position,
                "",
                text,
                kind,
                leader,
                lead,
                deadline,
                status,
                author if holds_claim else None,
                submitted_at if holds_claim else None,
                closed_at,
                last_at,
                0,
                1
                + (state in CLAIMED)
                + (state in ("approved", "closed", "returned"))
                + (state == "closed"),
                _at(feedback, rng),
            )
        )
        if self.extensions:
            t["measure"].rows[-1] += (extended,)
        if rng.random() < 0.3 and len(unit.departments) > 1:
            other = unit.departments[(dept_index + 1) % len(unit.departments)]
            t["supporting"].add((measure_id, other))
        self._milestones(measure_id, kind, feedback, deadline, close_day)
        return kind, status

    def _extension(
        self,
        measure_id: int,
        kind: str,
        deadline: dt.date | None,
        started: dt.date | None,
        state: str,
        unit: UnitPeople,
        author: int,
    ) -> dt.date | None:
        """Some started measures asked for more time: most approved, a few still pending.

        Returns the approved new deadline (``extended_deadline``); the original stays.
        """
        if (
            not self.extensions
            or deadline is None
            or started is None
            or kind == MeasureKind.ONGOING
        ):
            return None
        rng, today = self.rng, self.today
        roll = rng.random()
        pending = state == "in_progress" and roll < 0.01
        if not pending and not 0.01 <= roll < 0.07:
            return None
        asked = max(started, min(deadline - dt.timedelta(days=rng.randint(3, 15)), today - DAY))
        if pending:
            asked = max(started, today - dt.timedelta(days=rng.randint(1, 10)))
        requested = deadline + dt.timedelta(days=rng.randint(30, 120))
        decided = min(asked + dt.timedelta(days=rng.randint(1, 5)), today - DAY)
        self.t["extension"].add(
            (
                self.t["extension"].allocate(),
                measure_id,
                deadline,
                requested,
                rng.choice(texts.EXTENSION_REASONS),
                author,
                _at(asked, rng),
                "pending" if pending else "approved",
                None if pending else unit.secretary,
                None
                if pending
                else max(_at(decided, rng), _at(asked, rng) + dt.timedelta(hours=1)),
                "" if pending else "同意延期",
            )
        )
        return None if pending else requested

    def _progress(
        self,
        measure_id: int,
        author: int,
        start: dt.date,
        end: dt.date,
        claim: bool,
        topic: str,
    ) -> dt.datetime | None:
        rng, t = self.rng, self.t
        n = max(1, self.cfg.progress_per_measure + rng.randint(-2, 2))
        span = max((end - start).days, 0)
        days = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))
        last = None
        for i, day in enumerate(days):
            is_claim = claim and i == n - 1
            if is_claim:
                day = end
            progress_id = t["progress"].allocate()
            at = _at(day, rng)
            text = (
                texts.PROGRESS[-1]
                if is_claim
                else rng.choice(texts.PROGRESS[:-1]).format(n=rng.randint(2, 60))
            )
            t["progress"].add((progress_id, measure_id, author, text, is_claim, at))
            files = rng.randint(1, 2) if is_claim else int(rng.random() < 0.25)
            for _ in range(files):
                self._evidence(measure_id, progress_id, author, at)
            last = at
        return last

    def _evidence(self, measure_id: int, progress_id: int, author: int, at: dt.datetime) -> None:
        rng, t = self.rng, self.t
        evidence_id = t["evidence"].allocate()
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        name, content_type = rng.choice(texts.EVIDENCE)
        path = f"evidence/{key.hex[:2]}/{key.hex}"
        if len(self.real_files) < self.cfg.real_files:
            content = PDF + f"% synthetic evidence {evidence_id}\n".encode()
            self.real_files.append((evidence_id, path))
            name, content_type = "专题会议纪要.pdf", "application/pdf"
            sha, size = hashlib.sha256(content).hexdigest(), len(content)
        else:
            sha, size = f"{rng.getrandbits(256):064x}", rng.randint(20_000, 3_000_000)
        t["evidence"].add(
            (
                evidence_id,
                key,
                measure_id,
                progress_id,
                path,
                name,
                sha,
                size,
                content_type,
                author,
                at,
            )
        )

    def _review(
        self,
        measure_id: int,
        stage: str,
        decision: str,
        reason: str,
        reviewer: int,
        submitter: int,
        day: dt.date,
        after: dt.datetime | None,
    ) -> dt.datetime:
        """A review on ``day``, an hour or more after ``after`` (the claim or the last review)."""
        at = _at(day, self.rng)
        if after is not None:
            at = max(at, after + dt.timedelta(hours=1))
        self.t["review"].add(
            (
                self.t["review"].allocate(),
                measure_id,
                stage,
                decision,
                reason,
                reviewer,
                submitter,
                at,
            )
        )
        return at

    def _milestones(
        self,
        measure_id: int,
        kind: str,
        feedback: dt.date,
        deadline: dt.date | None,
        close_day: dt.date | None,
    ) -> None:
        if kind == MeasureKind.IMMEDIATE or deadline is None:
            return
        rng, t = self.rng, self.t
        dues = (
            [deadline]
            if kind == MeasureKind.ONGOING
            else [feedback + (deadline - feedback) / 2, deadline]
        )
        for position, due in enumerate(dues, start=1):
            done = None
            if close_day is not None:
                done = min(due, close_day)
            elif due < self.today and rng.random() < 0.6:
                done = due
            title = "完成排查并形成清单" if position == 1 and len(dues) > 1 else "全面完成整改"
            t["milestone"].add((t["milestone"].allocate(), measure_id, position, title, due, done))

    def write_real_files(self) -> None:
        """Store the bytes of the few evidence rows that carry real files."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        for evidence_id, path in self.real_files:
            if not default_storage.exists(path):
                default_storage.save(
                    path, ContentFile(PDF + f"% synthetic evidence {evidence_id}\n".encode())
                )


def _between(rng: random.Random, low: dt.date, high: dt.date, late: int | None = None) -> dt.date:
    """A day in [low, high]; ``late`` biases it to the last ``late`` days; ``high`` if empty."""
    if high <= low:
        return high
    if late is not None:
        low = max(low, high - dt.timedelta(days=late))
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))
