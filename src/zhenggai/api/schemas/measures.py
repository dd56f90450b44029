"""Measures, milestones, progress, evidence, reviews and lights."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from zhenggai.api import clock
from zhenggai.api.lights import Light, days_left, with_light
from zhenggai.api.schemas.common import (
    Day,
    Id,
    LocalDateTime,
    LongText,
    Reason,
    ShortText,
    bounded,
)
from zhenggai.ledger.models import (
    MeasureKind,
    MeasureStatus,
    ReviewDecision,
    ReviewStage,
)

OwnerName = bounded(100)
MilestoneTitle = bounded(300, 1)


class LightOut(Schema):
    color: Light = Field(description="red: overdue; yellow: ≤ 10 days; green: ≤ 20 days")
    days_left: int | None = Field(description="to the effective deadline; negative: overdue")


class MeasureOut(Schema):
    id: int
    inspection: int = Field(validation_alias="inspection_id")
    problem: int = Field(validation_alias="problem_id")
    position: int
    group: str
    text: str
    kind: MeasureKind
    status: MeasureStatus
    responsible_leader: int | None = Field(validation_alias="responsible_leader_id")
    lead_department: int | None = Field(validation_alias="lead_department_id")
    supporting_departments: list[int]
    deadline: Day | None = Field(description="the original deadline; it never changes")
    extended_deadline: Day | None = Field(description="an approved extension, if any")
    goal: str
    owner_name: str
    note: str
    submitted_by: int | None = Field(validation_alias="submitted_by_id")
    submitted_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    last_progress_at: LocalDateTime | None
    reopened_count: int
    version: int
    created_at: LocalDateTime
    light: LightOut

    @staticmethod
    def resolve_supporting_departments(obj: Any) -> list[int]:
        return sorted(d.pk for d in obj.supporting_departments.all())

    @staticmethod
    def resolve_light(obj: Any) -> dict[str, Any]:
        today = clock.today()
        if not hasattr(obj, "light"):  # lists annotate it; single reads ask here
            with_light(obj, today)
        return {"color": obj.light, "days_left": days_left(obj, today)}


class MeasureIn(Schema):
    problem: Id
    text: LongText
    kind: MeasureKind = MeasureKind.DEADLINE
    group: ShortText = ""
    responsible_leader: Id | None = None
    lead_department: Id | None = None
    supporting_departments: list[Id] = Field(default_factory=list, max_length=50)
    deadline: Day | None = None


class MeasurePatch(Schema):
    """Only the fields sent are changed; ``null`` clears a leader, department or deadline."""

    text: LongText | None = None
    kind: MeasureKind | None = None
    group: ShortText | None = None
    responsible_leader: Id | None = None
    lead_department: Id | None = None
    supporting_departments: list[Id] | None = Field(None, max_length=50)
    deadline: Day | None = None
    goal: LongText | None = None
    owner_name: OwnerName | None = None  # type: ignore[valid-type]
    note: LongText | None = None


class MilestoneOut(Schema):
    id: int
    measure: int = Field(validation_alias="measure_id")
    position: int
    title: str
    due_date: Day
    done_on: Day | None


class MilestoneIn(Schema):
    title: MilestoneTitle  # type: ignore[valid-type]
    due_date: Day


class MilestoneDone(Schema):
    done_on: Day


class EvidenceOut(Schema):
    id: int
    measure: int = Field(validation_alias="measure_id")
    progress: int | None = Field(validation_alias="progress_id")
    original_name: str
    sha256: str
    size: int
    content_type: str
    uploaded_by: int = Field(validation_alias="uploaded_by_id")
    uploaded_at: LocalDateTime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return f"/api/v1/evidence/{obj.pk}/download"


class ProgressOut(Schema):
    id: int
    measure: int = Field(validation_alias="measure_id")
    author: int = Field(validation_alias="author_id")
    text: str
    is_completion_claim: bool
    created_at: LocalDateTime
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        return list(obj.evidence.all())


class ProgressIn(Schema):
    text: LongText


class ReviewOut(Schema):
    id: int
    measure: int = Field(validation_alias="measure_id")
    stage: ReviewStage
    decision: ReviewDecision
    reason: str
    reviewer: int = Field(validation_alias="reviewer_id")
    submitter: int | None = Field(validation_alias="submitter_id")
    created_at: LocalDateTime


class SubmitIn(Schema):
    text: LongText


class ReasonIn(Schema):
    reason: Reason = ""


class LightCounts(Schema):
    inspection: int
    red: int
    yellow: int
    green: int
    closed: int
    none: int
