"""Organisations, rounds, inspections, categories and problems."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field, model_validator

from zhenggai.accounts.models import OrganisationKind
from zhenggai.api.schemas.common import (
    Count,
    Day,
    Id,
    LocalDateTime,
    LongText,
    Name,
    Number,
    TeamName,
    Title,
)
from zhenggai.ledger.models import InspectionKind, ProblemStatus


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: OrganisationKind
    parent: int | None = Field(None, validation_alias="parent_id")


class RoundOut(Schema):
    id: int
    jurisdiction: int = Field(validation_alias="jurisdiction_id")
    name: str
    year: int
    kind: InspectionKind
    created_at: LocalDateTime


class RoundIn(Schema):
    jurisdiction: Id
    name: Name
    year: int = Field(ge=1949, le=2199)
    kind: InspectionKind = InspectionKind.XUNCHA


class InspectionOut(Schema):
    id: int
    round: int = Field(validation_alias="round_id")
    unit: int = Field(validation_alias="unit_id")
    unit_name: str
    team: str
    period_start: Day
    period_end: Day
    feedback_date: Day
    plan_due: Day
    report_due: Day
    report_date: Day | None
    plan_approved_at: LocalDateTime | None
    created_at: LocalDateTime


class InspectionIn(Schema):
    round: Id
    unit: Id
    unit_name: Name
    team: TeamName
    period_start: Day
    period_end: Day
    feedback_date: Day
    plan_due: Day | None = None
    report_due: Day | None = None


class CategoryOut(Schema):
    id: int
    inspection: int = Field(validation_alias="inspection_id")
    number: str
    position: int
    title: str


class CategoryIn(Schema):
    title: Title
    number: Number = ""


class ProblemOut(Schema):
    id: int
    inspection: int = Field(validation_alias="inspection_id")
    category: int = Field(validation_alias="category_id")
    number: str
    position: int
    text: str
    status: ProblemStatus
    stated_planned: int | None
    stated_done: int | None
    is_public: bool
    created_at: LocalDateTime


class ProblemIn(Schema):
    category: Id
    text: LongText
    number: Number = ""
    stated_planned: Count | None = None
    stated_done: Count | None = None
    stated_text: LongText = ""

    @model_validator(mode="after")
    def done_within_planned(self) -> ProblemIn:
        if (
            self.stated_planned is not None
            and self.stated_done is not None
            and self.stated_done > self.stated_planned
        ):
            raise ValueError("stated_done must not exceed stated_planned")
        return self


__all__ = [
    "CategoryIn",
    "CategoryOut",
    "InspectionIn",
    "InspectionOut",
    "OrganisationOut",
    "ProblemIn",
    "ProblemOut",
    "RoundIn",
    "RoundOut",
]
