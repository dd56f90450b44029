"""Role × endpoint matrix: a token sees exactly what its user sees; another unit's object is 404.

Each row is (persona, method, path, expected status) on the world of ``tests/world.py``
after :func:`tests.api.helpers.populate`. Writes that a persona may make are covered
in the workflow tests; here every refused write must be 403 (visible) or 404 (not).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import populate
from tests.world import World

pytestmark = pytest.mark.django_db

READERS = ["office", "secretary", "leader", "coordinator", "inspector", "dept", "dept_support"]
OUTSIDERS = ["outsider_secretary", "outsider_dept"]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]


def _ids(world: World) -> dict[str, int]:
    measures = populate(world)
    return {
        "inspection": world.a.inspection.pk,
        "problem": world.a.problems[0].pk,
        "measure": measures["overdue"].pk,
        "submitted": measures["submitted"].pk,
        "approved": measures["approved"].pk,
        "closed": measures["closed"].pk,
        "round": world.a.inspection.round_id,
        "unit": world.a.org.pk,
    }


READ_PATHS = [
    "/inspections/{inspection}",
    "/problems/{problem}",
    "/measures/{measure}",
    "/measures/{measure}/progress",
    "/measures/{measure}/milestones",
    "/measures/{measure}/evidence",
    "/measures/{measure}/reviews",
    "/measures/{measure}/flags",
    "/inspections/{inspection}/categories",
    "/inspections/{inspection}/lights",
    "/inspections/{inspection}/flags",
    "/rounds/{round}",
    "/organisations/{unit}",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_reads_by_role(world: World, api_as: Any, path: str) -> None:
    ids = _ids(world)
    url = path.format(**ids)
    for persona in READERS:
        assert api_as(persona).get(url).status_code == 200, (persona, url)
    # The round is shared by both units, so unit B sees it too.
    hidden_from = ADMINS if path.startswith("/rounds") else OUTSIDERS + ADMINS
    for persona in hidden_from:
        response = api_as(persona).get(url)
        assert response.status_code == 404, (persona, url)
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("coordinator", 4),
        ("secretary", 4),
        ("office", 8),
        ("dept", 4),
        ("outsider_secretary", 4),
        ("sysadmin", 0),
    ],
)
def test_lists_are_scoped(world: World, api_as: Any, persona: str, visible: int) -> None:
    _ids(world)
    items = api_as(persona).get("/measures?limit=200").json()["items"]
    assert len(items) == visible
    mine = {world.a.inspection.pk} if persona not in ("office", "outsider_secretary") else None
    if mine and visible:
        assert {m["inspection"] for m in items} == mine


def test_department_user_sees_only_its_measures(world: World, api_as: Any) -> None:
    from zhenggai.ledger.services import plan

    hidden = plan.add_measure(
        problem=world.a.problems[0],
        text="由信息中心独立负责",
        actor=world.coordinator,
        lead_department=world.a.departments["信息中心"],
    )
    assert api_as("dept").get(f"/measures/{hidden.pk}").status_code == 404
    assert api_as("dept_support").get(f"/measures/{hidden.pk}").status_code == 200
    assert api_as("coordinator").get(f"/measures/{hidden.pk}").status_code == 200


# (persona, method, path, body) → expected status: refused writes.
WRITES = [
    ("dept", "post", "/measures/{submitted}/leader-approve", {}, 403),
    ("leader2", "post", "/measures/{submitted}/leader-approve", {}, 403),
    ("coordinator", "post", "/measures/{approved}/close", {}, 403),
    ("leader", "post", "/measures/{approved}/close", {}, 403),
    ("inspector", "post", "/measures/{measure}/submit", {"text": "完成"}, 403),
    ("dept_support", "post", "/measures/{measure}/submit", {"text": "完成"}, 403),
    ("dept", "post", "/measures/{closed}/reopen", {"reason": "x"}, 403),
    ("outsider_secretary", "post", "/measures/{approved}/close", {}, 404),
    ("outsider_dept", "post", "/measures/{measure}/submit", {"text": "完成"}, 404),
    ("sysadmin", "post", "/measures/{measure}/submit", {"text": "完成"}, 404),
    ("dept", "post", "/problems", {"category": 0, "text": "x"}, 422),
    ("dept", "post", "/measures", {"problem": "{problem}", "text": "新措施"}, 403),
    ("outsider_secretary", "post", "/measures", {"problem": "{problem}", "text": "x"}, 404),
    ("leader", "post", "/inspections/{inspection}/categories", {"title": "x"}, 403),
    ("coordinator", "post", "/rounds", {"jurisdiction": 1, "name": "x", "year": 2026}, 404),
    ("coordinator", "post", "/inspections/{inspection}/approve-plan", {}, 403),
    ("dept", "post", "/inspections/{inspection}/reports", {}, 403),
    ("outsider_secretary", "post", "/inspections/{inspection}/reports", {}, 404),
    ("dept", "get", "/inspections/{inspection}/reports", None, 403),
    (
        "dept",
        "post",
        "/webhooks",
        {"organisation": "{unit}", "url": "http://x.test/", "events": ["measure.closed"]},
        403,
    ),
    (
        "outsider_secretary",
        "post",
        "/webhooks",
        {"organisation": "{unit}", "url": "http://x.test/", "events": ["measure.closed"]},
        404,
    ),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("persona, method, path, body, expected", WRITES)
def test_refused_writes(
    world: World, api_as: Any, persona: str, method: str, path: str, body: Any, expected: int
) -> None:
    ids = _ids(world)
    client = api_as(persona)
    url = path.format(**ids)
    response = client.get(url) if method == "get" else client.post(url, _fill(body, ids))
    assert response.status_code == expected, response.content
    assert set(response.json()["error"]) == {"code", "message_zh", "message_en", "field"}


def test_patch_matrix(world: World, api_as: Any) -> None:
    ids = _ids(world)
    url = f"/measures/{ids['measure']}"
    for persona, expected in [
        ("dept", 403),
        ("leader", 403),
        ("office", 403),
        ("outsider_secretary", 404),
        ("coordinator", 200),
    ]:
        client = api_as(persona)
        etag = client.get(url).get("ETag") or 'W/"1"'
        response = client.patch(url, {"note": persona}, headers={"If-Match": etag})
        assert response.status_code == expected, (persona, response.content)


def test_wrong_method_is_json_405(world: World, api_as: Any) -> None:
    ids = _ids(world)
    response = api_as("coordinator").client.put(f"/api/v1/measures/{ids['measure']}/submit")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response["Allow"]
