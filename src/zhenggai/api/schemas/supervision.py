"""Extension requests (延期申请) and supervision orders (督办单)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from zhenggai.api.schemas.common import Day, Id, LocalDateTime, LongText, Reason, bounded
from zhenggai.supervision.models import ExtensionStatus, OrderStatus

Subject = bounded(300, 1)


class ExtensionOut(Schema):
    id: int
    measure: int = Field(validation_alias="measure_id")
    current_deadline: Day
    requested_deadline: Day
    reason: str
    status: ExtensionStatus
    requested_by: int = Field(validation_alias="requested_by_id")
    requested_at: LocalDateTime
    decided_by: int | None = Field(validation_alias="decided_by_id")
    decided_at: LocalDateTime | None
    decision_reason: str


class ExtensionIn(Schema):
    new_deadline: Day
    reason: Reason


class NoticeOut(Schema):
    step: int
    kind: str
    title: str
    level: str
    number: str
    issued_at: LocalDateTime


class OrderOut(Schema):
    id: int
    number: str
    jurisdiction: int = Field(validation_alias="jurisdiction_id")
    inspection: int = Field(validation_alias="inspection_id")
    unit: int = Field(validation_alias="unit_id")
    subject: str
    requirement: str
    measures: list[int]
    due_date: Day
    status: OrderStatus
    step: int
    issued_by: int = Field(validation_alias="issued_by_id")
    issued_at: LocalDateTime
    answer: str
    answered_at: LocalDateTime | None
    review_reason: str
    closed_at: LocalDateTime | None
    notices: list[NoticeOut]

    @staticmethod
    def resolve_measures(obj: Any) -> list[int]:
        return sorted(m.pk for m in obj.measures.all())

    @staticmethod
    def resolve_notices(obj: Any) -> list[Any]:
        return list(obj.notices.all())


class OrderIn(Schema):
    inspection: Id
    measures: list[Id] = Field(min_length=1, max_length=200)
    subject: Subject  # type: ignore[valid-type]
    requirement: LongText = ""
    due_date: Day


class AnswerIn(Schema):
    text: LongText
