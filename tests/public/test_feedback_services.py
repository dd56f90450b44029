"""The unit's side of feedback: who sees it, who answers it, and the audit trail."""

from __future__ import annotations

import pytest
from django.core import signing
from django.http import Http404

from tests.ledger.helpers import audit_mark, entries_since
from tests.world import World
from zhenggai.core.errors import DomainError
from zhenggai.documents.models import Feedback, FeedbackStatus, Report
from zhenggai.documents.report.feedback import (
    FeedbackRefused,
    answer_feedback,
    feedback_for,
    find_by_receipt,
    get_feedback_for,
    new_challenge,
    open_feedback_count,
    submit_feedback,
)
from zhenggai.documents.report.services import generate_report


def solve(token: str) -> str:
    from zhenggai.documents.report.feedback import SALT

    return str(signing.loads(token, salt=SALT)["s"])


def submit(report: Report, address: str = "192.0.2.1") -> Feedback:
    challenge = new_challenge()
    return submit_feedback(
        report=report,
        message="建议加快整改。",
        address=address,
        token=challenge.token,
        answer=solve(challenge.token),
    )


def test_routed_to_the_units_coordinator_and_secretary(world: World, published: Report) -> None:
    feedback = submit(published)
    for persona in ("coordinator", "secretary"):
        assert list(feedback_for(world.users[persona])) == [feedback]
        assert get_feedback_for(world.users[persona], feedback.pk) == feedback
        assert open_feedback_count(world.users[persona]) == 1
    for persona in ("leader", "dept", "inspector", "office", "outsider_secretary", "auditadmin"):
        assert not feedback_for(world.users[persona]).exists()
        with pytest.raises(Http404):
            get_feedback_for(world.users[persona], feedback.pk)


def test_answering(world: World, published: Report) -> None:
    feedback = submit(published)
    with pytest.raises(FeedbackRefused):
        answer_feedback(feedback=feedback, actor=world.leader, answer="好")
    with pytest.raises(FeedbackRefused):
        answer_feedback(feedback=feedback, actor=world.coordinator, answer="  ")
    mark = audit_mark()
    answered = answer_feedback(feedback=feedback, actor=world.secretary, answer="已研究采纳。")
    assert (answered.status, answered.answered_by) == (FeedbackStatus.ANSWERED, world.secretary)
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor, entry.after["status"]) == (
        "feedback.answered",
        world.secretary,
        "answered",
    )
    assert open_feedback_count(world.coordinator) == 0
    assert find_by_receipt(feedback.receipt.lower()) == feedback


def test_only_published_reports_take_feedback(world: World) -> None:
    draft = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    with pytest.raises(DomainError):
        submit(draft)
    assert not Feedback.objects.exists()
