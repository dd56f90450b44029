"""Objects the access matrix (tests/web/test_access.py) needs for the supervision pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.world import TODAY, World
from zhenggai.supervision.models import Notification
from zhenggai.supervision.services import extensions, followup, orders


def make_notification(world: World) -> int:
    note = Notification.objects.create(
        user=world.dept, title="提醒", url="/", created_at=timezone.now()
    )
    return note.pk


def make_extension(world: World) -> int:
    request = extensions.request_extension(
        measure=world.a.measures[0],
        actor=world.dept,
        new_deadline=TODAY + dt.timedelta(days=90),
        reason="等待上级批复",
    )
    return request.pk


def make_order(world: World) -> int:
    order = orders.issue_order(
        inspection=world.a.inspection,
        actor=world.office,
        measures=world.a.measures[:1],
        subject="督办",
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )
    return order.pk


def make_check(world: World) -> int:
    check = followup.create_check(
        rnd=world.a.inspection.round, actor=world.office, method="random", sample_size=1, seed=1
    )
    return check.pk
