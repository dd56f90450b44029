"""Outcomes (整改成果) in the pages: recording accountability, institutions and funds,
and the list page with its totals at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.web.helpers import url
from tests.web.test_edit import field_error, messages_of
from tests.web.test_queries import FIRST
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityForm,
    Institution,
    InstitutionKind,
    Recovery,
)
from zhenggai.ledger.services import outcome


def audited(action: str, obj: Any) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


# ---------------------------------------------------------------- accountability


@pytest.mark.parametrize("persona", ["inspector", "coordinator"])
def test_accountability_is_recorded(world: World, as_user, persona: str) -> None:
    problem = world.a.problems[1]
    data = {
        "form": AccountabilityForm.ADMONISHMENT,
        "people": "2",
        "decided_on": "2026-11-20",
        "description": "对学习制度落实不力的2名干部予以诫勉",
        "problem": problem.pk,
    }
    response = as_user(persona).post(
        url("web:accountability.add", world.a.inspection.pk), data, follow=True
    )
    item = Accountability.objects.get(inspection=world.a.inspection)
    assert (item.form, item.people, item.decided_on) == ("admonishment", 2, dt.date(2026, 11, 20))
    assert item.problem == problem and item.recorded_by == world.users[persona]
    assert audited("accountability.recorded", item)
    assert messages_of(response) == [
        "已登记问责:诫勉 2 人次。已计入“整改成果”,整改报告汇总时一并统计。"
    ]
    assert response.redirect_chain[-1][0].startswith(url("web:outcomes", world.a.inspection.pk))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"form": ""}, "form", "请选择问责方式。"),
        ({"form": "shot"}, "form", "请选择问责方式。"),
        ({"people": "0"}, "people", "人次必须大于0。"),
        ({"people": "两人"}, "people", "人次须为整数。"),
        ({"decided_on": ""}, "decided_on", "请填写决定日期。"),
        ({"problem": "B"}, "problem", "所选问题不属于本次巡察,请从列表中选择。"),
    ],
    ids=["no-form", "bad-form", "zero-people", "text-people", "no-date", "other-unit-problem"],
)
def test_accountability_bad_input(
    world: World, as_user, changes: dict, field: str, message: str
) -> None:
    data = {"form": "reminder", "people": "1", "decided_on": "2026-11-20", **changes}
    if data.get("problem") == "B":
        data["problem"] = world.b.problems[0].pk
    response = as_user("inspector").post(url("web:accountability.add", world.a.inspection.pk), data)
    field_error(response, field, message)
    assert not Accountability.objects.exists()


# ---------------------------------------------------------------- institutions


def test_institution_is_recorded_once(world: World, as_user) -> None:
    client = as_user("coordinator")
    target = url("web:institution.add", world.a.inspection.pk)
    data = {
        "title": "机关干部理论学习管理办法",
        "kind": InstitutionKind.REVISED,
        "document_number": "甲局党〔2026〕12号",
        "issued_on": "2026-11-01",
    }
    response = client.post(target, data, follow=True)
    item = Institution.objects.get(inspection=world.a.inspection)
    assert item.kind == "revised" and item.document_number == "甲局党〔2026〕12号"
    assert item.issued_on == dt.date(2026, 11, 1) and item.problem is None
    assert audited("institution.recorded", item)
    assert messages_of(response)[0].startswith("已登记修订制度“机关干部理论学习管理办法”。")

    again = client.post(target, data)
    field_error(again, "title", "该制度已登记。")
    assert (
        '<small lang="en">This institution is already recorded.</small>' in again.content.decode()
    )
    assert Institution.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "请填写制度名称。"),
        ({"kind": "draft"}, "kind", "请选择制度类型。"),
        ({"issued_on": "明天"}, "issued_on", "请按 2026-03-27 的格式填写日期。"),
    ],
    ids=["no-title", "bad-kind", "bad-date"],
)
def test_institution_bad_input(
    world: World, as_user, changes: dict, field: str, message: str
) -> None:
    data = {"title": "管理办法", "kind": "new", "issued_on": "2026-11-01", **changes}
    response = as_user("coordinator").post(url("web:institution.add", world.a.inspection.pk), data)
    field_error(response, field, message)
    assert not Institution.objects.exists()


# ---------------------------------------------------------------- recovered funds


@pytest.mark.parametrize(
    ("amount", "unit", "yuan", "said"),
    [
        ("12.5", "wan", Decimal("125000.00"), "12.50 万元(125,000.00 元)"),
        ("0.000123", "wan", Decimal("1.23"), "0.00 万元(1.23 元)"),
        ("3000.5", "yuan", Decimal("3000.50"), "0.30 万元(3,000.50 元)"),
    ],
    ids=["wan", "wan-small", "yuan"],
)
def test_recovery_is_recorded_in_yuan(
    world: World, as_user, amount: str, unit: str, yuan: Decimal, said: str
) -> None:
    data = {
        "amount": amount,
        "unit": unit,
        "description": "追缴违规发放的津补贴",
        "recorded_on": "2026-11-15",
        "problem": world.a.problems[0].pk,
    }
    response = as_user("coordinator").post(
        url("web:recovery.add", world.a.inspection.pk), data, follow=True
    )
    item = Recovery.objects.get(inspection=world.a.inspection)
    assert item.amount_yuan == yuan and item.recorded_on == dt.date(2026, 11, 15)
    assert audited("recovery.recorded", item)
    assert (
        messages_of(response)[0]
        == f"已登记追缴挽回资金 {said}。已计入“整改成果”,整改报告汇总时一并统计。"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": ""}, "amount", "请填写金额。"),
        ({"amount": "十万"}, "amount", "金额须为数字"),
        ({"amount": "0"}, "amount", "金额必须大于0。"),
        ({"amount": "-3"}, "amount", "金额必须大于0。"),
        ({"amount": "1.234", "unit": "yuan"}, "amount", "以元为单位时最多两位小数"),
        ({"amount": "0.0000001"}, "amount", "金额最多保留到分"),
        ({"unit": "dollar"}, "unit", "请选择金额单位。"),
        ({"description": ""}, "description", "请填写情况说明。"),
        ({"recorded_on": ""}, "recorded_on", "请填写日期。"),
    ],
    ids=[
        "no-amount",
        "words",
        "zero",
        "negative",
        "fen",
        "too-precise",
        "bad-unit",
        "no-text",
        "no-date",
    ],
)
def test_recovery_bad_input(world: World, as_user, changes: dict, field: str, message: str) -> None:
    data = {
        "amount": "1",
        "unit": "wan",
        "description": "追缴",
        "recorded_on": "2026-11-15",
        **changes,
    }
    response = as_user("coordinator").post(url("web:recovery.add", world.a.inspection.pk), data)
    field_error(response, field, message)
    assert not Recovery.objects.exists()


# ---------------------------------------------------------------- refusals on POST


@pytest.mark.parametrize(
    ("name", "allowed", "wrong"),
    [
        ("web:accountability.add", "inspector", "secretary"),
        ("web:institution.add", "coordinator", "inspector"),
        ("web:recovery.add", "coordinator", "office"),
    ],
)
def test_outcome_posts_are_refused(
    world: World, as_user, name: str, allowed: str, wrong: str
) -> None:
    data = {
        "form": "reminder",
        "people": "1",
        "decided_on": "2026-11-20",
        "title": "办法",
        "kind": "new",
        "issued_on": "2026-11-01",
        "amount": "1",
        "unit": "wan",
        "description": "说明",
        "recorded_on": "2026-11-15",
    }
    assert as_user(wrong).post(url(name, world.a.inspection.pk), data).status_code == 403
    assert as_user("dept").post(url(name, world.a.inspection.pk), data).status_code == 403
    assert as_user(allowed).post(url(name, world.b.inspection.pk), data).status_code == 404
    assert Client().post(url(name, world.a.inspection.pk), data).status_code == 302
    counts = (Accountability.objects.count(), Institution.objects.count(), Recovery.objects.count())
    assert counts == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__endswith=".recorded").exists()


# ---------------------------------------------------------------- the list page


def record_outcomes(world: World, n: int) -> None:
    """``n`` of each outcome in unit A (and one of each in unit B, never shown for A)."""
    forms = list(AccountabilityForm.values)
    for i in range(n):
        problem = world.a.problems[i % 2] if i % 3 else None
        outcome.record_accountability(
            inspection=world.a.inspection,
            actor=world.inspector,
            form=forms[i % len(forms)],
            people=i + 1,
            decided_on=dt.date(2026, 10, 1) + dt.timedelta(days=i),
            problem=problem,
        )
        outcome.record_institution(
            inspection=world.a.inspection,
            actor=world.coordinator,
            title=f"制度{i + 1}",
            kind="revised" if i % 2 else "new",
            issued_on=dt.date(2026, 10, 1),
            problem=problem,
        )
        outcome.record_recovery(
            inspection=world.a.inspection,
            actor=world.coordinator,
            amount_yuan=Decimal("12345.67") * (i + 1),
            description=f"追缴{i + 1}",
            recorded_on=dt.date(2026, 10, 2),
            problem=problem,
        )
    Recovery.objects.create(
        inspection=world.b.inspection, recorded_by=world.outsider_secretary,
        amount_yuan=Decimal("99999999"), description="乙局", recorded_on=dt.date(2026, 10, 2),
    )  # fmt: skip


def test_outcome_page_totals(world: World, as_user) -> None:
    record_outcomes(world, 4)
    response = as_user("secretary").get(url("web:outcomes", world.a.inspection.pk))
    assert response.status_code == 200
    context = response.context
    # people 1+2+3+4; forms reminder, criticism, admonishment, organisational
    assert context["people_total"] == 10 and context["accountability_total"] == 4
    assert [(f["n"], f["people"]) for f in context["forms"]] == [
        (1, 1), (1, 2), (1, 3), (1, 4), (0, 0), (0, 0),
    ]  # fmt: skip
    assert (context["institutions_new"], context["institutions_revised"]) == (2, 2)
    # 12345.67 × (1+2+3+4) = 123456.70 元 = 12.35 万元
    assert context["funds_wan"] == Decimal("12.35") and context["funds_count"] == 4
    body = response.content.decode()
    assert "12.35<small>万元</small>" in body and "123,456.70 元" in body
    assert "新建 2 项,修订 2 项" in body
    assert "乙局" not in body
    # The secretary reads; recording is for the inspector and the coordinator.
    assert url("web:accountability.add", world.a.inspection.pk) not in body


@pytest.mark.parametrize(
    ("persona", "buttons"),
    [
        ("coordinator", {"accountability", "institution", "recovery"}),
        ("inspector", {"accountability"}),
        ("office", set()),
        ("leader", set()),
    ],
)
def test_outcome_buttons_follow_the_permissions(
    world: World, as_user, persona: str, buttons: set[str]
) -> None:
    body = as_user(persona).get(url("web:outcomes", world.a.inspection.pk)).content.decode()
    for name in ("accountability", "institution", "recovery"):
        assert (url(f"web:{name}.add", world.a.inspection.pk) in body) == (name in buttons)


def test_outcome_page_empty_states(world: World, as_user) -> None:
    body = as_user("coordinator").get(url("web:outcomes", world.a.inspection.pk)).content.decode()
    assert "尚未登记问责情况 — 由纪检监察或整改办在作出问责决定后登记。" in body
    assert "尚未登记建章立制 — 由整改办登记为整改新建或修订的制度。" in body
    assert "尚未登记追缴挽回资金 — 由整改办按笔登记" in body
    assert "0.00<small>万元</small>" in body


@override_settings(ZHENGGAI_PAGE_SIZE=5)
@pytest.mark.parametrize("size", [3, 12], ids=["small", "large"])
def test_outcome_page_query_count(
    world: World, as_user, django_assert_num_queries, size: int
) -> None:
    record_outcomes(world, size)
    client = as_user("coordinator")
    # FIRST: what every page costs (session, user, memberships, …); then the inspection;
    # accountability by form; institutions by kind; the funds' count and sum; one page of
    # each of the three tables (their totals come from the summary queries: no COUNT each)
    with django_assert_num_queries(FIRST + 1 + 3 + 3):
        response = client.get(url("web:outcomes", world.a.inspection.pk, query="apage=2"))
    assert response.status_code == 200
    # Page 2 of the accountability table (a page past the end shows the last one).
    assert len(response.context["accountabilities"].object_list) == (3 if size == 3 else 5)
    assert len(response.context["recoveries"].object_list) == min(size, 5)
    assert response.context["recoveries"].paginator.num_pages == (size + 4) // 5
