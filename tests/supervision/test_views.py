"""The supervision pages: scoping, actions through services, dashboards equal the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.supervision.conftest import set_deadline
from tests.world import TODAY
from zhenggai.documents.report.figures import round_figures
from zhenggai.ledger.models import Measure
from zhenggai.supervision.models import ExtensionRequest, Notification, SupervisionOrder
from zhenggai.supervision.services.extensions import decide_extension, request_extension
from zhenggai.supervision.services.periodic import run_periodic
from zhenggai.web import clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def login(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def test_inbox_and_unread_count(world, measure):
    set_deadline(measure, 5)
    run_periodic(TODAY, hooks=False)
    client = login(world, "dept")
    page = client.get(reverse("web:home")).content.decode()
    assert 'data-nav="inbox"' in page and "1 条未读" in page
    note = Notification.objects.get(user=world.dept)
    response = client.get(reverse("web:supervision.inbox.open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "web:measure.detail", args=[measure.pk]
    )
    assert "条未读" not in client.get(reverse("web:home")).content.decode()
    other = login(world, "outsider_dept")
    assert other.get(reverse("web:supervision.inbox.open", args=[note.pk])).status_code == 404


def test_preferences_page(world):
    client = login(world, "dept")
    response = client.post(reverse("web:supervision.preferences"), {"sms": "on", "phone": ""})
    assert response.status_code == 200 and "手机号码" in response.content.decode()
    response = client.post(
        reverse("web:supervision.preferences"), {"sms": "on", "phone": "13800000000"}
    )
    assert response.status_code == 302
    assert world.dept.notification_preference.phone == "13800000000"


def test_extension_pages(world, measure):
    set_deadline(measure, 3)
    dept = login(world, "dept")
    url = reverse("web:supervision.extension.request", args=[measure.pk])
    assert login(world, "leader").get(url).status_code == 403
    assert login(world, "outsider_dept").get(url).status_code == 404
    new = (TODAY + dt.timedelta(days=30)).isoformat()
    assert dept.post(url, {"new_deadline": new, "reason": "等待上级批复"}).status_code == 302
    request = ExtensionRequest.objects.get()
    leader = login(world, "leader")
    listing = leader.get(reverse("web:supervision.extensions")).content.decode()
    assert "同意延期" in listing
    decide = reverse("web:supervision.extension.decide", args=[request.pk])
    assert (
        login(world, "outsider_secretary").post(decide, {"decision": "approve"}).status_code == 404
    )
    leader.post(decide, {"decision": "approve"})
    measure.refresh_from_db()
    assert measure.extended_deadline == TODAY + dt.timedelta(days=30)
    ledger = leader.get(reverse("web:ledger", args=[measure.inspection_id])).content.decode()
    assert "已延期" in ledger


def test_order_pages_and_docx(world):
    office = login(world, "office")
    url = reverse("web:supervision.order.new", args=[world.a.inspection.pk])
    assert login(world, "coordinator").get(url).status_code == 403
    response = office.post(
        url,
        {
            "subject": "督促整改",
            "due_date": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
            "measures": [world.a.measures[0].pk],
        },
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert (
        login(world, "outsider_secretary")
        .get(reverse("web:supervision.order", args=[order.pk]))
        .status_code
        == 404
    )
    coordinator = login(world, "coordinator")
    coordinator.post(
        reverse("web:supervision.order.act", args=[order.pk, "answer"]), {"text": "已办"}
    )
    office.post(reverse("web:supervision.order.act", args=[order.pk, "accept"]), {"text": ""})
    order.refresh_from_db()
    assert order.status == "accepted"
    docx = coordinator.get(reverse("web:supervision.order.docx", args=[order.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_dashboard_figures_equal_the_round_report(world, measure):
    set_deadline(measure, -3)
    other = world.a.measures[1]
    set_deadline(other, -1)
    req = request_extension(
        measure=other, actor=world.dept, new_deadline=TODAY + dt.timedelta(days=9), reason="x"
    )
    decide_extension(request=req, actor=world.secretary, approve=True)
    rnd = world.a.inspection.round
    office = login(world, "office")
    response = office.get(reverse("web:dashboard.round", args=[rnd.pk]))
    assert response.status_code == 200
    specs = {
        s["key"]: s
        for s in json.loads(
            response.content.decode()
            .split('id="chart-specs" type="application/json">')[1]
            .split("</script>")[0]
        )
    }
    figures = round_figures(rnd, world.office, TODAY)
    by_unit = {row[0]: row for row in specs["units"]["rows"]}
    for f in figures.units:
        row = by_unit[f.unit_name]
        assert row[1:] == [
            f.problems,
            f.done,
            f.partial,
            f.completion_rate or 0,
            f.measures,
            f.measures_closed,
            f.measures_overdue,
            f.measures_extended,
        ]
    assert figures.total.measures_overdue == 1 and figures.total.measures_extended == 1
    lights = {row[0]: row for row in specs["lights"]["rows"]}
    assert lights["甲局"][1:] == [1, 1, 0]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                office.get(
                    reverse("web:dashboard.round.csv", args=[rnd.pk]) + "?chart=units"
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[0][0] == "单位" and len(csv_rows) == 1 + len(figures.units)
    # Every figure drills down to the ledger list it counts.
    assert (
        f"/inspections/{world.a.inspection.pk}/ledger/?tab=ledger&amp;overdue=1"
        in response.content.decode()
    )
    assert (
        login(world, "dept").get(reverse("web:dashboard.round", args=[rnd.pk])).status_code == 403
    )


def test_unit_dashboard(world, measure):
    set_deadline(measure, -2)
    client = login(world, "coordinator")
    response = client.get(reverse("web:dashboard.unit", args=[world.a.inspection.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "挂图作战" in page and "按牵头部门" in page
    assert (
        login(world, "outsider_secretary")
        .get(reverse("web:dashboard.unit", args=[world.a.inspection.pk]))
        .status_code
        == 404
    )
    assert Measure.objects.count()
