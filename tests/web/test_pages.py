"""Error pages, dates and lights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import loader

from tests.web.helpers import url
from tests.world import World
from zhenggai.ledger.models import MeasureStatus
from zhenggai.web.lights import Light, light_of
from zhenggai.web.templatetags.zhenggai_web import cn_date, iso_date

DAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("status", "days", "light"),
    [
        (MeasureStatus.IN_PROGRESS, -1, Light.OVERDUE),
        (MeasureStatus.IN_PROGRESS, 0, Light.NEAR),
        (MeasureStatus.IN_PROGRESS, 10, Light.NEAR),
        (MeasureStatus.IN_PROGRESS, 11, Light.ON_TRACK),
        (MeasureStatus.SUBMITTED, 30, Light.ON_TRACK),
        (MeasureStatus.DRAFT, 30, Light.NOT_STARTED),
        (MeasureStatus.DRAFT, -2, Light.OVERDUE),  # late is late, started or not
        (MeasureStatus.CLOSED, -30, Light.CLOSED),  # a closed item is never red
        (MeasureStatus.IN_PROGRESS, None, Light.ON_TRACK),
    ],
)
def test_light_rules(status: str, days: int | None, light: Light) -> None:
    deadline = None if days is None else DAY + dt.timedelta(days=days)
    assert light_of(status, deadline, DAY).light == light


def test_light_words() -> None:
    assert light_of(MeasureStatus.IN_PROGRESS, DAY - dt.timedelta(days=3), DAY).label == "逾期"
    assert light_of(MeasureStatus.IN_PROGRESS, DAY - dt.timedelta(days=3), DAY).days_late == 3
    assert light_of(MeasureStatus.CLOSED, DAY, DAY).label == "已销号"


def test_dates() -> None:
    assert cn_date(dt.date(2020, 3, 27)) == "2020年3月27日"
    assert iso_date(dt.date(2020, 3, 7)) == "2020-03-07"
    assert cn_date(None) == "" and iso_date(None) == ""


def test_status_is_dot_and_word(world: World, as_user) -> None:
    body = as_user("coordinator").get(url("web:ledger", world.a.inspection.pk)).content.decode()
    assert (
        'class="light light--not_started"><span class="dot" aria-hidden="true"></span>未开始'
        in body
    )


def test_measure_page_tells_the_story(world: World, as_user) -> None:
    from tests.web.helpers import returned

    measure = returned(world, world.a.measures[0])
    body = as_user("dept").get(url("web:measure.detail", measure.pk)).content.decode()
    order = [
        "针对的问题",
        measure.problem.text,
        measure.text,
        "完成时限",
        "2026年12月28日",
        "责任领导",
        "牵头部门",
        "配合部门",
        "信息中心",
        "整改过程",
    ]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)
    # The timeline is newest first: the return, then the claim, then the progress report.
    timeline = body[body.index("整改过程") :]
    assert (
        timeline.index("退回") < timeline.index("提交审核(申请销号)") < timeline.index("报送进展")
    )
    assert "佐证不足,请补充会议纪要" in timeline


def test_actions_shown_only_to_those_allowed(world: World, as_user) -> None:
    measure = world.a.measures[0]
    detail = url("web:measure.detail", measure.pk)
    assert 'id="progress"' in as_user("dept").get(detail).content.decode()
    assert url("web:measure.submit", measure.pk) in as_user("dept").get(detail).content.decode()
    support = as_user("dept_support").get(detail).content.decode()
    assert 'id="progress"' in support and url("web:measure.submit", measure.pk) not in support
    for persona in ("inspector", "coordinator", "office", "leader", "secretary"):
        body = as_user(persona).get(detail).content.decode()
        assert 'id="actions"' not in body, persona


def test_404_page_is_chinese(world: World, as_user) -> None:
    response = as_user("dept").get("/measures/999999/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


def test_403_page_is_chinese(world: World, as_user) -> None:
    response = as_user("dept").get(url("web:overview"))
    assert response.status_code == 403
    assert "无权执行此操作" in response.content.decode()


def test_500_page_renders_without_a_request() -> None:
    body = loader.get_template("500.html").render()
    assert "系统出错了" in body and "Traceback" not in body


def test_static_assets_are_vendored() -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/htmx/htmx.min.js")
    assert finders.find("vendor/htmx/LICENSE")
    assert "2.0." in Path(finders.find("vendor/htmx/VERSION")).read_text(encoding="utf-8")
    assert finders.find("web/site.css") and finders.find("web/site.js")
