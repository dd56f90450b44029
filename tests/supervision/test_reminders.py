"""Due reminders: recipients by level, idempotent runs, the periodic command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.supervision.conftest import set_deadline
from tests.world import TODAY
from zhenggai.supervision.models import (
    Delivery,
    LightRule,
    Notification,
    NotificationPreference,
)
from zhenggai.supervision.services.periodic import run_periodic
from zhenggai.supervision.services.reminders import due_items

pytestmark = pytest.mark.django_db


def recipients(measure_pk: int) -> set[str]:
    rows = Delivery.objects.filter(item_kind="measure", item_id=measure_pk, channel="inbox")
    return {d.user.username for d in rows}


@pytest.mark.parametrize(
    ("days", "level", "people"),
    [
        (20, "green", {"dept"}),
        (10, "yellow", {"dept", "leader"}),
        (-1, "red", {"dept", "leader", "secretary"}),
    ],
)
def test_levels_reach_the_right_people(world, measure, days, level, people):
    set_deadline(measure, days)
    run_periodic(TODAY, hooks=False)
    levels = Delivery.objects.filter(item_kind="measure", item_id=measure.pk).values_list(
        "level", flat=True
    )
    assert set(levels) == {level}
    assert recipients(measure.pk) == people


def test_no_reminder_beyond_green(world, measure):
    for m in world.a.measures + world.b.measures:
        set_deadline(m, 21)
    assert due_items("measure", TODAY) == []


def test_second_run_sends_nothing(world, measure):
    world.dept.email = "dept@example.org"
    world.dept.save()
    set_deadline(measure, -1)
    first = run_periodic(TODAY, hooks=False)
    assert first["reminders_sent"]["inbox"] == 3
    assert first["reminders_sent"]["email"] == 1
    assert len(mail.outbox) == 1
    second = run_periodic(TODAY, hooks=False)
    assert second["reminders_planned"] == 0 and second["reminders_sent"] == {}
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=world.dept).count() == 1
    # Red repeats after the configured interval (7 days); green and yellow do not.
    assert run_periodic(TODAY + dt.timedelta(days=3), hooks=False)["reminders_planned"] == 0
    assert (
        run_periodic(TODAY + dt.timedelta(days=7), hooks=False)["reminders_planned"] == 4
    )  # 3 inbox + 1 e-mail


def test_red_repeats_after_the_interval_of_the_units_jurisdiction(world, measure):
    """A jurisdiction's own light rule sets its red repeat interval; a rule of another
    jurisdiction changes nothing here (the default is 7 days)."""
    from zhenggai.accounts.models import OrganisationKind
    from zhenggai.accounts.services import create_organisation

    elsewhere = create_organisation(name="另一市委巡察办", kind=OrganisationKind.JURISDICTION)
    LightRule.objects.create(jurisdiction=elsewhere, red_repeat_days=1)
    set_deadline(measure, -1)
    run_periodic(TODAY, hooks=False)

    def repeated(days: int) -> bool:
        run_periodic(TODAY + dt.timedelta(days=days), hooks=False)
        return Delivery.objects.filter(
            item_id=measure.pk, level="red", day=TODAY + dt.timedelta(days=days)
        ).exists()

    assert not repeated(2)  # the other jurisdiction's 1 day is not this unit's rule
    LightRule.objects.create(jurisdiction=world.jurisdiction, red_repeat_days=3)
    assert repeated(3)
    assert not repeated(5)  # 2 days after the last
    assert repeated(6)


def test_level_change_is_a_new_reminder(world, measure):
    set_deadline(measure, 15)
    run_periodic(TODAY, hooks=False)
    assert run_periodic(TODAY + dt.timedelta(days=5), hooks=False)["reminders_planned"] == 2


def test_preferences_choose_channels(world, measure):
    NotificationPreference.objects.create(
        user=world.dept, email=False, sms=True, phone="13800000000"
    )
    set_deadline(measure, 20)
    run_periodic(TODAY, hooks=False)
    channels = set(Delivery.objects.filter(user=world.dept).values_list("channel", flat=True))
    assert channels == {"inbox", "sms"}


def test_command_json(world, measure):
    set_deadline(measure, 10)
    out = StringIO()
    call_command("periodic", "--json", "--today", TODAY.isoformat(), "--no-hooks", stdout=out)
    data = json.loads(out.getvalue())
    assert data["lights"]["measure"]["yellow"] == 1
    assert data["reminders_sent"] == {"inbox": 2}
    out = StringIO()
    call_command("periodic", "--json", "--today", TODAY.isoformat(), "--no-hooks", stdout=out)
    assert json.loads(out.getvalue())["reminders_sent"] == {}
