"""Reading flags for pages: per measure, problem, inspection; acknowledgement; counts; views."""

from __future__ import annotations

import pytest

from tests.quality.conftest import REUSED, retext
from tests.quality.helpers import SEED
from tests.world import World
from zhenggai.documents.readers import read_report
from zhenggai.ledger.models import Measure
from zhenggai.quality.models import Flag
from zhenggai.quality.presentation import view_findings, view_flags
from zhenggai.quality.selectors import (
    flag_counts_by_unit,
    flag_counts_for_inspection,
    flags_for_inspection,
    flags_for_measure,
    flags_for_problem,
    open_flags_requiring_ack,
)
from zhenggai.quality.services import check_report, dismiss_flag, run_checks

pytestmark = pytest.mark.usefixtures("data_dir")


def ids(flags: list[Flag]) -> list[str]:
    return [f.rule for f in flags]


def test_flags_for_measure_include_the_ones_involving_it(flagged: World) -> None:
    m1, m2, m3, m4 = flagged.a.measures
    assert ids(flags_for_measure(m2)) == ["reused_text"]
    assert ids(flags_for_measure(m3)) == ["reused_text"]  # anchored at m2, involves m3
    assert flags_for_measure(m1) == []
    assert ids(flags_for_measure(m4)) == ["vague_measure"]


def test_flags_for_problem_and_inspection(flagged: World) -> None:
    p1, p2 = flagged.a.problems
    assert ids(flags_for_problem(p1)) == ["count_mismatch", "reused_text"]
    assert ids(flags_for_problem(p2)) == ["reused_text", "vague_measure"]
    assert ids(flags_for_inspection(flagged.a.inspection)) == [
        "count_mismatch",
        "reused_text",
        "vague_measure",
    ]
    assert ids(flags_for_inspection(flagged.a.inspection, rule="vague_measure")) == [
        "vague_measure"
    ]


def test_department_sees_flags_on_its_measures_only(flagged: World) -> None:
    Measure.objects.filter(pk=flagged.a.measures[3].pk).update(lead_department=None)
    Measure.supporting_departments.through.objects.filter(
        measure_id=flagged.a.measures[3].pk
    ).delete()
    problem = flagged.a.problems[1]
    assert ids(flags_for_problem(problem, user=flagged.dept)) == ["reused_text"]
    assert ids(flags_for_problem(problem, user=flagged.leader)) == ["reused_text", "vague_measure"]


def test_reviewer_must_acknowledge_open_flags_before_approving(flagged: World) -> None:
    m2 = flagged.a.measures[1]
    assert ids(open_flags_requiring_ack(m2)) == ["count_mismatch", "reused_text"]
    for flag in open_flags_requiring_ack(m2):
        dismiss_flag(flag, flagged.leader, "两个问题确由同一项制度修订解决")
    assert open_flags_requiring_ack(m2) == []
    assert ids(flags_for_measure(m2)) == ["reused_text"]  # still shown, as dismissed
    assert ids(open_flags_requiring_ack(flagged.a.measures[3])) == ["vague_measure"]


def test_counts_per_unit_for_the_office(flagged: World) -> None:
    dismiss_flag(flags_for_measure(flagged.a.measures[3])[0], flagged.secretary, "已细化")
    counts = {c.unit_name: c for c in flag_counts_by_unit(flagged.office)}
    a = counts["甲局"]
    assert (a.open, a.dismissed, a.open_high) == (2, 1, 0)
    assert a.open_by_rule == {"count_mismatch": 1, "reused_text": 1}
    retext(flagged.b.measures[0], "加强学习,提高认识。")
    run_checks(flagged.b.inspection)
    assert [c.unit_name for c in flag_counts_by_unit(flagged.office)] == ["甲局", "乙局"]
    assert [c.unit_name for c in flag_counts_by_unit(flagged.outsider_secretary)] == ["乙局"]
    assert flag_counts_for_inspection(flagged.a.inspection) == {
        "count_mismatch": {"open": 1, "dismissed": 0},
        "reused_text": {"open": 1, "dismissed": 0},
        "vague_measure": {"open": 0, "dismissed": 1},
    }


def test_views_for_templates(flagged: World) -> None:
    flag = flags_for_measure(flagged.a.measures[1])[0]
    dismiss_flag(flag, flagged.coordinator, "同一项制度修订")
    [view] = view_flags(
        [
            Flag.objects.select_related("problem", "measure", "dismissed_by", "inspection").get(
                pk=flag.pk
            )
        ],
        flagged.leader,
    )
    assert (view.title, view.severity_label, view.where) == (
        "措施文字重复使用",
        "中",
        "问题(1)第2项",
    )
    assert view.related[0].label == "问题(2)第1项" and view.related[0].similarity == "100%"
    assert view.related[0].measure_id == flagged.a.measures[2].pk
    assert view.spans[0].source_label == "措施" and view.spans[0].text == REUSED
    assert (view.status_label, view.dismissed_by, view.dismiss_reason) == (
        "已排除",
        "coordinator",
        "同一项制度修订",
    )
    assert view.can_dismiss is False  # already dismissed
    [hidden] = view_flags([flag], flagged.outsider_secretary)
    assert hidden.related[0].measure_id is None


def test_template_fragment_renders_flags_and_dismiss_form(flagged: World) -> None:
    from django.template.loader import render_to_string

    flags = flags_for_measure(flagged.a.measures[3])
    html = render_to_string(
        "quality/_flags.html",
        {"flags": view_flags(flags, flagged.leader), "dismiss_url_name": None},
    )
    assert "措施空泛" in html and "<mark>加强学习,提高认识。</mark>" in html
    assert "<form" not in html  # no URL name given, no form
    assert render_to_string("quality/_flags.html", {"flags": []}).strip() == ""


def test_import_preview_views_without_database() -> None:
    views = view_findings(check_report(read_report(SEED)))
    assert len(views) == 21 and views[0].id is None
    assert views[0].where == "问题(1)第2项" and views[0].spans[-1].source_label == "整改落实情况"


def test_approval_and_closure_wait_for_open_flags_whatever_the_way_in(flagged: World) -> None:
    """The services refuse, so the API and scripts cannot skip what the pages ask for."""
    from tests.web.helpers import submitted
    from zhenggai.core.errors import DomainError
    from zhenggai.ledger.models import MeasureStatus
    from zhenggai.ledger.services import workflow

    m2 = Measure.objects.get(pk=flagged.a.measures[1].pk)
    submitted(flagged, m2)
    with pytest.raises(DomainError) as refused:
        workflow.leader_review(measure=m2, actor=flagged.leader, approve=True, reason="同意")
    assert "体检提示" in refused.value.message and refused.value.field == "ack_reason"
    m2.refresh_from_db()
    assert m2.status == MeasureStatus.SUBMITTED  # nothing written
    # Returning needs no acknowledgement: the department fixes the measure.
    for flag in open_flags_requiring_ack(m2):
        dismiss_flag(flag, flagged.leader, "两个问题确由同一项制度修订解决")
    workflow.leader_review(measure=m2, actor=flagged.leader, approve=True, reason="同意")
    run_checks(flagged.a.inspection)  # a re-run keeps dismissed flags dismissed
    workflow.close_measure(measure=m2, actor=flagged.secretary, approve=True, reason="销号")
    m2.refresh_from_db()
    assert m2.status == MeasureStatus.CLOSED


def test_measure_flags_carry_their_anchor_in_the_one_query(flagged: World) -> None:
    """The measure page's flags name the anchor and the dismisser from the flags' own query
    (no query per flag), exactly as the related rows would."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    m2, m3 = flagged.a.measures[1], flagged.a.measures[2]
    dismiss_flag(flags_for_measure(m2)[0], flagged.coordinator, "同一项制度修订")
    flagged.coordinator.display_name = ""
    flagged.coordinator.save()
    for measure in (m2, m3):
        with CaptureQueriesContext(connection) as captured:
            views = view_flags(flags_for_measure(measure))
        assert len(captured.captured_queries) == 1
        related = Flag.objects.select_related("problem", "measure", "dismissed_by").filter(
            pk__in=[v.id for v in views]
        )
        expected = view_flags(list(related.order_by("position", "id")))
        assert [(v.where, v.problem, v.measure, v.dismissed_by) for v in views] == [
            (v.where, v.problem, v.measure, v.dismissed_by) for v in expected
        ]
    assert (views[0].where, views[0].dismissed_by) == ("问题(1)第2项", "coordinator")
    assert view_flags(flags_for_measure(m2, open_only=True)) == []
