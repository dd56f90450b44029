"""Who may open what: anonymous, wrong method, the role × URL matrix."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.supervision.helpers import make_check, make_extension, make_notification, make_order
from tests.web.doc_helpers import make_feedback, make_flag, make_report
from tests.web.helpers import pdf, url
from tests.world import TODAY, World
from zhenggai.ledger.services import plan, workflow

PERSONAS = [
    "secretary",
    "leader",
    "leader2",
    "coordinator",
    "inspector",
    "dept",
    "dept_support",
    "office",
    "outsider_secretary",
    "outsider_leader",
    "outsider_dept",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
UNIT_A = {
    "secretary",
    "leader",
    "leader2",
    "coordinator",
    "inspector",
    "dept",
    "dept_support",
    "office",
}
OUTSIDE = {
    "outsider_secretary",
    "outsider_leader",
    "outsider_dept",
    "sysadmin",
    "secadmin",
    "auditadmin",
}
ADMINS = {"sysadmin", "secadmin", "auditadmin"}


def _seen_by_a(allowed: set[str]) -> dict[str, int]:
    """Unit A's object: 200 for ``allowed``, 403 for other unit-A viewers, 404 outside."""
    return {p: 200 if p in allowed else 403 if p in UNIT_A else 404 for p in PERSONAS}


def _only(allowed: set[str]) -> dict[str, int]:
    return {p: 200 if p in allowed else 403 for p in PERSONAS}


#: Who reads unit A's whole ledger (reports, 体检); who compiles its report.
WHOLE_A = {"secretary", "leader", "leader2", "coordinator", "inspector", "office"}
COMPILERS_A = {"secretary", "coordinator", "office"}


def _report_of_a(allowed: set[str]) -> dict[str, int]:
    """A stored report of unit A: 404 for whoever may not read it (departments included)."""
    return {p: 200 if p in allowed else 403 if p in WHOLE_A else 404 for p in PERSONAS}


# (url name, how to build its arguments from the world, expected status per persona)
MATRIX = {
    "web:home": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:inspections": (lambda w: (), {p: 403 if p in ADMINS else 200 for p in PERSONAS}),
    "web:ledger": (lambda w: (w.a.inspection.pk,), _seen_by_a(UNIT_A)),
    "web:problem.detail": (lambda w: (w.a.problems[0].pk,), _seen_by_a(UNIT_A)),
    "web:measure.detail": (lambda w: (w.a.measures[0].pk,), _seen_by_a(UNIT_A)),
    "web:measure.progress.add": (
        lambda w: (w.a.measures[0].pk,),
        _seen_by_a({"dept", "dept_support"}),
    ),
    "web:measure.submit": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"dept"})),
    "web:measure.leader.approve": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"leader"})),
    "web:measure.leader.return": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"leader"})),
    "web:measure.close": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"secretary"})),
    "web:measure.close.return": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"secretary"})),
    "web:measure.reopen": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"secretary", "office"})),
    "web:evidence.download": (lambda w: (w.a.measures[0].evidence.get().pk,), _seen_by_a(UNIT_A)),
    "web:reviews": (
        lambda w: (),
        _only({"secretary", "leader", "leader2", "outsider_secretary", "outsider_leader"}),
    ),
    "web:overview": (lambda w: (), _only({"office"})),
    # Building the ledger (整改办; the office may add categories, problems and measures too).
    "web:category.add": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator", "office"})),
    "web:problem.add": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator", "office"})),
    "web:measure.add": (lambda w: (w.a.problems[0].pk,), _seen_by_a({"coordinator", "office"})),
    "web:measure.edit": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"coordinator"})),
    "web:milestone.add": (lambda w: (w.a.measures[0].pk,), _seen_by_a({"coordinator"})),
    "web:milestone.done": (
        lambda w: (w.a.measures[0].milestones.get().pk,),
        _seen_by_a({"coordinator", "dept", "dept_support"}),
    ),
    "web:plan.approve": (lambda w: (w.a.inspection.pk,), _seen_by_a({"secretary"})),
    # Outcomes: the whole unit reads them; departments see only their own measures.
    "web:outcomes": (lambda w: (w.a.inspection.pk,), _seen_by_a(UNIT_A - {"dept", "dept_support"})),
    "web:accountability.add": (
        lambda w: (w.a.inspection.pk,),
        _seen_by_a({"inspector", "coordinator"}),
    ),
    "web:institution.add": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator"})),
    "web:recovery.add": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator"})),
    # 报告, 意见建议, 形式整改体检, 导入和导出 (web/urls_documents.py)
    "web:reports": (lambda w: (), _only(WHOLE_A | {"outsider_secretary", "outsider_leader"})),
    "web:report": (lambda w: (w.a.inspection.pk,), _seen_by_a(WHOLE_A)),
    "web:report.texts": (lambda w: (w.a.inspection.pk,), _seen_by_a(COMPILERS_A)),
    "web:report.generate": (lambda w: (w.a.inspection.pk,), _seen_by_a(COMPILERS_A)),
    "web:report.version": (lambda w: (make_report(w).pk,), _report_of_a(WHOLE_A)),
    "web:report.download": (lambda w: (make_report(w).pk, "docx"), _report_of_a(WHOLE_A)),
    "web:report.publish": (lambda w: (make_report(w).pk,), _report_of_a({"secretary"})),
    "web:report.withdraw": (
        lambda w: (make_report(w, published=True).pk,),
        _report_of_a({"secretary"}),
    ),
    "web:round.summary": (
        lambda w: (w.a.inspection.round_id,),
        {p: 200 if p == "office" else 404 if p in ADMINS else 403 for p in PERSONAS},
    ),
    "web:feedback.inbox": (
        lambda w: (),
        _only({"coordinator", "secretary", "outsider_secretary"}),
    ),
    "web:feedback.answer": (
        lambda w: (make_feedback(w).pk,),
        {
            p: 200
            if p in {"coordinator", "secretary"}
            else 404
            if p == "outsider_secretary"
            else 403
            for p in PERSONAS
        },
    ),
    "web:quality.overview": (lambda w: (), _only({"office"})),
    "web:quality.check": (lambda w: (w.a.inspection.pk,), _seen_by_a(WHOLE_A)),
    "web:quality.run": (lambda w: (w.a.inspection.pk,), _seen_by_a(COMPILERS_A)),
    "web:quality.download": (lambda w: (w.a.inspection.pk, "docx"), _seen_by_a(WHOLE_A)),
    "web:flag.dismiss": (
        lambda w: (make_flag(w).pk,),
        _seen_by_a({"secretary", "leader", "leader2", "coordinator"}),
    ),
    "web:import.upload": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator", "office"})),
    "web:import.preview": (lambda w: (w.a.inspection.pk,), _seen_by_a({"coordinator", "office"})),
    "web:ledger.export": (lambda w: (w.a.inspection.pk,), _seen_by_a(UNIT_A)),
    # Signing in, the account, the 三员 pages (web/urls_security.py; docs/security.md)
    "web:login.totp": (lambda w: (), {p: 302 for p in PERSONAS}),
    "web:login.totp.enrol": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:account": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:password.change": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:security.roles": (lambda w: (), _only({"secadmin"})),
    "web:security.roles.grant": (lambda w: (), {p: 405 for p in PERSONAS}),
    "web:security.roles.revoke": (
        lambda w: (w.dept.memberships.get().pk,),
        {p: 405 for p in PERSONAS},
    ),
    "web:security.user": (lambda w: (w.dept.pk,), _only({"secadmin"})),
    "web:security.audit": (lambda w: (), _only({"auditadmin"})),
    "web:security.audit.export": (lambda w: (), _only({"auditadmin"})),
    "web:security.audit.verify": (lambda w: (), {p: 405 for p in PERSONAS}),
    # 督办, 延期, 消息, 回头看, 统计 (web/urls_supervision.py; docs/supervision.md)
    "web:supervision.inbox": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:supervision.inbox.open": (
        lambda w: (make_notification(w),),
        {p: 302 if p == "dept" else 404 for p in PERSONAS},
    ),
    "web:supervision.preferences": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:supervision.extensions": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:supervision.extension.request": (
        lambda w: (w.a.measures[0].pk,),
        _seen_by_a({"dept"}),
    ),
    "web:supervision.extension.decide": (
        lambda w: (make_extension(w),),
        {p: 405 for p in PERSONAS},
    ),
    "web:supervision.orders": (lambda w: (), {p: 200 for p in PERSONAS}),
    "web:supervision.order.new": (lambda w: (w.a.inspection.pk,), _seen_by_a({"office"})),
    "web:supervision.order": (lambda w: (make_order(w),), _seen_by_a(UNIT_A)),
    "web:supervision.order.act": (
        lambda w: (make_order(w), "answer"),
        {p: 405 for p in PERSONAS},
    ),
    "web:supervision.order.docx": (lambda w: (make_order(w),), _seen_by_a(UNIT_A)),
    "web:supervision.order.notice.docx": (lambda w: (make_order(w), 0), _seen_by_a(UNIT_A)),
    "web:supervision.followups": (lambda w: (), _only({"office"})),
    "web:supervision.followup": (lambda w: (make_check(w),), _only({"office"})),
    "web:supervision.followup.result": (lambda w: (1,), {p: 405 for p in PERSONAS}),
    "web:dashboard": (lambda w: (), {p: 302 if p == "office" else 403 for p in PERSONAS}),
    "web:dashboard.round": (lambda w: (w.a.inspection.round_id,), _only({"office"})),
    "web:dashboard.round.csv": (lambda w: (w.a.inspection.round_id,), _only({"office"})),
    "web:dashboard.unit": (
        lambda w: (w.a.inspection.pk,),
        _seen_by_a(UNIT_A - {"dept", "dept_support"}),
    ),
    "web:dashboard.unit.csv": (
        lambda w: (w.a.inspection.pk,),
        _seen_by_a(UNIT_A - {"dept", "dept_support"}),
    ),
}

#: Views that change something take GET (the confirmation) and POST; the rest only GET.
ACTIONS = {
    name for name in MATRIX if name.startswith("web:measure.") and name != "web:measure.detail"
} | {
    "web:category.add",
    "web:problem.add",
    "web:milestone.add",
    "web:milestone.done",
    "web:plan.approve",
    "web:accountability.add",
    "web:institution.add",
    "web:recovery.add",
    "web:report.texts",
    "web:report.generate",
    "web:report.publish",
    "web:report.withdraw",
    "web:round.summary",
    "web:feedback.answer",
    "web:quality.run",
    "web:flag.dismiss",
    "web:import.upload",
    "web:import.preview",
    "web:login.totp",
    "web:login.totp.enrol",
    "web:account",
    "web:password.change",
    "web:security.roles.grant",
    "web:security.roles.revoke",
    "web:security.user",
    "web:security.audit.verify",
    "web:supervision.inbox",
    "web:supervision.preferences",
    "web:supervision.extension.request",
    "web:supervision.extension.decide",
    "web:supervision.order.new",
    "web:supervision.order.act",
    "web:supervision.followups",
    "web:supervision.followup.result",
}


@pytest.fixture
def evidence_world(world: World) -> World:
    workflow.report_progress(
        measure=world.a.measures[0], actor=world.dept, text="进展", files=[pdf()]
    )
    plan.add_milestone(measure=world.a.measures[0], title="完成初稿", due_date=TODAY)
    return world


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_role_url_matrix(evidence_world: World, as_user, name: str, persona: str) -> None:
    build, expected = MATRIX[name]
    response = as_user(persona).get(url(name, *build(evidence_world)))
    assert response.status_code == expected[persona]


def _url_names(patterns: list) -> set[str]:
    """The names of the patterns, including those of included modules."""
    names: set[str] = set()
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            names |= _url_names(pattern.url_patterns)
        elif pattern.name:
            names.add(f"web:{pattern.name}")
    return names


def test_matrix_covers_every_page() -> None:
    from zhenggai.web.urls import urlpatterns

    names = _url_names(urlpatterns) - {"web:login", "web:logout"}
    assert names == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(evidence_world: World, name: str) -> None:
    target = url(name, *MATRIX[name][0](evidence_world))
    for method in ("get", "post"):
        response = getattr(Client(), method)(target)
        assert response.status_code == 302
        assert response["Location"].startswith(url("web:login"))
        assert "next=" in response["Location"]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_wrong_method_is_405(evidence_world: World, as_user, name: str) -> None:
    target = url(name, *MATRIX[name][0](evidence_world))
    client = as_user("secretary")
    wrong = ["put", "delete", "patch"] if name in ACTIONS else ["post", "put", "delete"]
    for method in wrong:
        assert getattr(client, method)(target).status_code == 405


def test_login_and_logout(world: World) -> None:
    from tests.world import PASSWORD

    client = Client()
    page = client.get(url("web:login"))
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post(url("web:login"), {"username": "dept", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url("web:home")
    assert client.get(url("web:home")).status_code == 200
    assert client.get(url("web:logout")).status_code == 405  # logout only by POST
    assert client.post(url("web:logout")).status_code == 302
    assert client.get(url("web:home")).status_code == 302


def test_wrong_password_stays_on_login(world: World) -> None:
    client = Client()
    response = client.post(url("web:login"), {"username": "dept", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(url("web:home")).status_code == 302
