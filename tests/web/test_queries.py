"""Every list page costs a fixed number of queries, whatever the amount of data.

Each test runs at two data sizes (the populated world, then with 6 more problems and
24 more measures in every state) and pins the same count. Every request starts with
the same four queries: the session, the user, the user's memberships (the scope,
computed once per request and shared by the view and the navigation) and the count of
unread messages shown in the navigation.
"""

from __future__ import annotations

import pytest

from tests.web.helpers import grow, populate, url
from tests.world import World

FIRST = 4  # session, user, memberships, unread messages
#: Paginated lists count their rows only when the first page is full (else the rows are
#: the count); the counts below include that COUNT.
PAGINATED = {"web:ledger", "web:reviews", "web:overview", "web:inspections"}
#: Lists read whole (and paged in Python): a whole-unit reader's unfiltered problems tab.
READ_WHOLE = {("coordinator", "tab=problems")}

# (persona, url name, needs the inspection id, query string, queries after FIRST, what they are)
PAGES = [
    ("dept", "web:home", False, "", 2, "returned rows; rows to update"),
    ("leader", "web:home", False, "", 2, "leader's queue rows; extensions to decide"),
    (
        "secretary",
        "web:home",
        False,
        "",
        4,
        "closure queue rows; extensions to decide; measures under supervision orders; "
        "count of the public's messages waiting for an answer (意见建议)",
    ),
    (
        "coordinator",
        "web:home",
        False,
        "",
        4,
        "overdue/near rows; unassigned rows; measures under supervision orders; "
        "count of the public's messages waiting for an answer (意见建议)",
    ),
    (
        "office",
        "web:home",
        False,
        "",
        2,
        "inspections ranked by overdue measures; the figures of the shown ones",
    ),
    (
        "coordinator",
        "web:ledger",
        True,
        "tab=ledger",
        5,
        "inspection; the filter choices (categories, departments, leaders) in one; count "
        "(only when the first page is full); "
        "rows; supporting departments of the page",
    ),
    (
        "coordinator",
        "web:ledger",
        True,
        "tab=problems",
        3,
        "inspection; filter choices; every problem with its measure counts (no count)",
    ),
    (
        "coordinator",
        "web:ledger",
        True,
        "tab=tasks",
        4,
        "inspection; filter choices; count; rows",
    ),
    (
        "coordinator",
        "web:ledger",
        True,
        "tab=responsibility",
        5,
        "inspection; filter choices; count; rows; supporting departments",
    ),
    (
        "office",
        "web:ledger",
        True,
        "tab=ledger&sort=light&overdue=1&department=0",
        5,
        "as the ledger tab (the filters and the light sort add no query)",
    ),
    (
        "dept",
        "web:ledger",
        True,
        "tab=ledger",
        5,
        "as the ledger tab, scoped to the department inside the same queries",
    ),
    (
        "dept",
        "web:ledger",
        True,
        "tab=problems",
        4,
        "inspection; filter choices; count; rows with measure counts, scoped",
    ),
    ("leader", "web:reviews", False, "", 2, "count; rows of the leader's queue"),
    ("secretary", "web:reviews", False, "", 2, "count; rows of the closure queue"),
    ("office", "web:overview", False, "", 2, "count; rows with every figure annotated"),
    (
        "office",
        "web:overview",
        False,
        "sort=overdue",
        3,
        "count; the page's inspections ranked by overdue measures; their figures",
    ),
    ("coordinator", "web:inspections", False, "", 2, "count; rows with figures"),
]


@pytest.mark.parametrize("full", [False, True], ids=["part-page", "full-page"])
@pytest.mark.parametrize("size", [0, 6], ids=["small", "large"])
@pytest.mark.parametrize(
    ("persona", "name", "with_inspection", "query", "queries", "what"),
    PAGES,
    ids=[f"{p[1]}-{p[0]}-{p[3] or 'default'}" for p in PAGES],
)
def test_list_page_query_count(
    world: World,
    as_user,
    django_assert_num_queries,
    settings,
    full: bool,
    size: int,
    persona: str,
    name: str,
    with_inspection: bool,
    query: str,
    queries: int,
    what: str,
) -> None:
    populate(world)
    if size:
        grow(world, size)
    client = as_user(persona)
    args = (world.a.inspection.pk,) if with_inspection else ()
    paginated = name in PAGINATED and (persona, query) not in READ_WHOLE
    if full:
        settings.ZHENGGAI_PAGE_SIZE = 1  # every list in these worlds fills its first page
    elif paginated:
        queries -= 1  # fewer rows than a page: no COUNT
    with django_assert_num_queries(FIRST + queries):
        response = client.get(url(name, *args, query=query))
    assert response.status_code == 200
    if paginated:
        page = response.context["page"]
        assert len(page.object_list) == (1 if full else page.paginator.count) > 0


def test_large_world_really_is_larger(world: World, as_user) -> None:
    """Guard for the test above: the large size shows more rows than the small one."""
    populate(world)
    small = as_user("coordinator").get(url("web:ledger", world.a.inspection.pk))
    grow(world, 6)
    large = as_user("coordinator").get(url("web:ledger", world.a.inspection.pk))
    assert small.context["page"].paginator.count + 24 == large.context["page"].paginator.count


@pytest.mark.parametrize("size", [0, 6], ids=["small", "large"])
def test_measure_page_query_count(
    world: World, as_user, django_assert_num_queries, size: int
) -> None:
    populate(world)
    if size:
        grow(world, size)
    measure = world.a.measures[0]
    client = as_user("coordinator")
    # measure; progress updates; all the measure's evidence (the updates' and the loose
    # files, one query); reviews; supporting departments; milestones; the quality flags
    # about the measure (one query, the ledger rows' flag counts are annotated and add none)
    with django_assert_num_queries(FIRST + 7):
        assert client.get(url("web:measure.detail", measure.pk)).status_code == 200
