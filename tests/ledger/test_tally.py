"""The tally of overdue measures per inspection (PostgreSQL): triggers keep it equal to
the live count whatever writes the measures, concurrent writers included, and the
office's ranking reads it only when it counts for the day asked about."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.world import World, build_world
from zhenggai.accounts.permissions import visible_inspections
from zhenggai.ledger import tally
from zhenggai.ledger.models import Inspection, InspectionTally, Measure, MeasureStatus
from zhenggai.web.lights import overdue_q
from zhenggai.web.queries import MostOverdue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers"
)


def live(inspection: Inspection, day: dt.date) -> int:
    return Measure.objects.filter(overdue_q(day), inspection=inspection).count()


def tallied(inspection: Inspection) -> tuple[int, dt.date] | None:
    row = InspectionTally.objects.filter(inspection=inspection).first()
    return None if row is None else (row.overdue, row.as_of)


def test_triggers_follow_every_kind_of_write(world: World) -> None:
    """Inserts, updates of each field that matters, bulk writes, moves and deletes."""
    today = timezone.localdate()  # the triggers count for the database's today
    past, future = today - dt.timedelta(days=2), today + dt.timedelta(days=20)
    a, b = world.a.inspection, world.b.inspection
    measures = Measure.objects.filter(inspection=a)

    def check(expected_a: int, expected_b: int = 0) -> None:
        assert (live(a, today), live(b, today)) == (expected_a, expected_b)
        assert tallied(a) == (expected_a, today)
        assert tallied(b) == (expected_b, today)

    check(0)
    first, second, third, fourth = measures.order_by("pk")
    Measure.objects.filter(pk=first.pk).update(deadline=past)
    check(1)
    Measure.objects.filter(pk__in=[second.pk, third.pk]).update(deadline=past)  # one statement
    check(3)
    Measure.objects.filter(pk=second.pk).update(extended_deadline=future)  # 已延期
    check(2)
    Measure.objects.filter(pk=second.pk).update(extended_deadline=past)  # the extension ran out
    check(3)
    Measure.objects.filter(pk=third.pk).update(
        status=MeasureStatus.CLOSED, closed_at=timezone.now()
    )
    check(2)
    Measure.objects.filter(pk=fourth.pk).update(text="只改文字")  # changes nothing counted
    check(2)
    copies = [
        Measure(
            inspection=a,
            problem=first.problem,
            position=100 + n,
            text=f"批量措施{n}",
            kind=first.kind,
            deadline=past,
        )
        for n in range(3)
    ]
    Measure.objects.bulk_create(copies)
    check(5)
    Measure.objects.filter(pk=first.pk).update(
        inspection=b, problem=world.b.problems[0], position=99
    )
    check(4, 1)
    Measure.objects.filter(text__startswith="批量措施").delete()
    check(1, 1)


def test_new_day_is_counted_by_the_daily_run(world: World) -> None:
    today = timezone.localdate()
    a = world.a.inspection
    Measure.objects.filter(pk=world.a.measures[0].pk).update(deadline=today + dt.timedelta(days=1))
    assert tallied(a) == (0, today)
    after = today + dt.timedelta(days=2)
    assert tally.refresh_all(after) == Inspection.objects.count()
    assert tallied(a) == (1, after) and live(a, after) == 1
    assert set(InspectionTally.objects.values_list("as_of", flat=True)) == {after}


def test_ranking_reads_the_tally_only_when_it_is_of_the_day(world: World) -> None:
    today = timezone.localdate()
    a, b = world.a.inspection, world.b.inspection
    Measure.objects.filter(pk=world.a.measures[0].pk).update(deadline=today - dt.timedelta(days=1))
    visible = visible_inspections(world.office)
    assert [row.pk for row in MostOverdue(visible, today)[:2]] == [a.pk, b.pk]
    # A tally of today is believed: a wrong count of today shows (it proves which is read).
    InspectionTally.objects.filter(inspection=b).update(overdue=7)
    assert [row.pk for row in MostOverdue(visible, today)[:2]] == [b.pk, a.pk]
    # One row of another day and the ranking counts live.
    InspectionTally.objects.filter(inspection=a).update(as_of=today - dt.timedelta(days=1))
    assert [row.pk for row in MostOverdue(visible, today)[:2]] == [a.pk, b.pk]
    tally.refresh_all(today)
    assert tallied(b) == (0, today)
    ranked = MostOverdue(visible, today)[:2]
    assert [row.pk for row in ranked] == [a.pk, b.pk]
    assert [row.measures_overdue for row in ranked] == [1, 0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_unit_leave_the_right_count() -> None:
    """The second writer's trigger waits for the first's lock on the tally row and then
    counts with a snapshot that holds the first writer's change."""
    world = build_world()
    today = timezone.localdate()
    a = world.a.inspection
    one, two = (m.pk for m in world.a.measures[:2])
    assert tallied(a) == (0, today)
    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                Measure.objects.filter(pk=one).update(deadline=today - dt.timedelta(days=1))
                first_wrote.set()
                time.sleep(0.8)  # the second writer reaches the lock meanwhile
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                Measure.objects.filter(pk=two).update(deadline=today - dt.timedelta(days=3))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert live(a, today) == 2
    assert tallied(a) == (2, today)


def test_deleting_a_unit_takes_its_tally_row(world: World) -> None:
    from zhenggai.ledger.models import Category, Problem

    b = world.b.inspection
    assert tallied(b) is not None
    with transaction.atomic():
        Measure.objects.filter(inspection=b).delete()
        Problem.objects.filter(inspection=b).delete()
        Category.objects.filter(inspection=b).delete()
        b.delete()
    assert not InspectionTally.objects.filter(inspection_id=b.pk).exists()


def test_the_daily_run_recounts_for_its_day(world: World) -> None:
    from zhenggai.supervision.services.periodic import run_periodic

    day = timezone.localdate() + dt.timedelta(days=40)  # every measure of the world is late
    summary = run_periodic(day, hooks=False)
    assert summary["tallied_inspections"] == Inspection.objects.count()
    assert tallied(world.a.inspection) == (live(world.a.inspection, day), day)
    assert live(world.a.inspection, day) == 4
