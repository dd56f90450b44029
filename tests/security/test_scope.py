"""Checks 12 and 13 at the page level: another unit's objects and extra posted fields.

(Service-level and matrix tests: tests/accounts/test_permissions.py, tests/web/test_access.py,
tests/web/test_evidence.py::test_other_unit_gets_404, tests/ledger/test_plan.py.)
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.world import PDF, TODAY, World
from zhenggai.ledger.models import Measure, MeasureStatus


def test_changing_the_id_to_another_units_objects_gives_404(world: World, as_user) -> None:
    client = as_user("coordinator")
    b = world.b
    for url in (
        f"/inspections/{b.inspection.pk}/ledger/",
        f"/problems/{b.problems[0].pk}/",
        f"/measures/{b.measures[0].pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_lists_and_searches_never_show_another_unit(world: World, as_user) -> None:
    client = as_user("coordinator")
    listing = client.get("/inspections/").content.decode()
    assert "甲局" in listing and "乙局" not in listing
    ledger = client.get(f"/inspections/{world.a.inspection.pk}/ledger/?q=问题").content.decode()
    assert "乙局问题" not in ledger


def test_extra_posted_fields_are_ignored(world: World, as_user) -> None:
    measure = world.a.measures[0]
    before = Measure.objects.get(pk=measure.pk)
    response = as_user("dept").post(
        f"/measures/{measure.pk}/progress/",
        {
            "text": "进展",
            "files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")],
            "status": MeasureStatus.CLOSED,
            "deadline": (TODAY + dt.timedelta(days=400)).isoformat(),
            "lead_department": str(world.b.departments["综合处"].pk),
            "inspection": str(world.b.inspection.pk),
        },
    )
    assert response.status_code == 302
    after = Measure.objects.get(pk=measure.pk)
    assert after.status == MeasureStatus.IN_PROGRESS
    assert after.deadline == before.deadline
    assert after.lead_department_id == before.lead_department_id
    assert after.inspection_id == before.inspection_id
