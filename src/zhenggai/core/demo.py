"""The demo: the seed report as a real unit's ledger, plus a clearly synthetic unit.

The seed (``documents/fixtures/seed_report.txt``) is read by the report reader,
never retyped. Its departments are the offices the report itself names; which
department leads each measure is chosen by keywords in the measure text — a demo
assignment, since published reports do not list it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.models import Organisation, OrganisationKind, Role, User
from zhenggai.accounts.services import create_organisation, grant_role
from zhenggai.documents.importer import ImportOptions, import_ledger
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import read_report
from zhenggai.ledger.models import Inspection, MeasureKind
from zhenggai.ledger.services import plan, workflow

SEED_RESOURCE = "seed_report.txt"
JURISDICTION = "中共宿迁市委巡察工作领导小组办公室"
SEED_UNIT = "宿迁市行政审批局"
DEMO_UNIT = "示例市数据管理局(演示)"

#: (department, keywords) — first match wins; the last is the default.
SEED_DEPARTMENTS: list[tuple[str, tuple[str, ...]]] = [
    ("市公共资源交易中心", ("交易中心", "招标", "投标", "串标", "保证金", "招投标")),
    ("12345政府热线服务中心", ("12345", "热线")),
    (
        "市政务服务中心",
        ("窗口", "大厅", "不见面", "一体机", "黄牛", "便民方舟", "快递送", "政务服务网"),
    ),
    (
        "机关党委",
        ("党建", "党支部", "党员", "廉政", "理论", "第一种形态", "谈心谈话", "一岗双责", "党组"),
    ),
    ("局办公室", ("干部", "轮岗", "选拔", "财务", "固定资产", "考勤", "法律顾问")),
    ("政策法规处", ()),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    where: str


ACCOUNTS = [
    DemoAccount("office", "巡察办 王明", Role.OFFICE, JURISDICTION),
    DemoAccount("secretary", "党组书记 李华", Role.SECRETARY, "both units"),
    DemoAccount("leader", "分管领导 张强", Role.LEADER, "both units"),
    DemoAccount("coordinator", "整改办 陈静", Role.COORDINATOR, "both units"),
    DemoAccount("dept", "市政务服务中心 刘洋", Role.DEPARTMENT, f"{SEED_UNIT} / 市政务服务中心"),
    DemoAccount("inspector", "派驻纪检组 赵敏", Role.INSPECTOR, "both units"),
    DemoAccount("sysadmin", "系统管理员", Role.SYSADMIN, JURISDICTION),
    DemoAccount("secadmin", "安全管理员", Role.SECADMIN, JURISDICTION),
    DemoAccount("auditadmin", "审计管理员", Role.AUDITADMIN, JURISDICTION),
    DemoAccount("dept2", "综合处 孙悦", Role.DEPARTMENT, f"{DEMO_UNIT} / 综合处"),
]


def seed_text() -> str:
    return (
        resources.files("zhenggai.documents").joinpath("fixtures", SEED_RESOURCE).read_text("utf-8")
    )


def demo_password(configured: str | None) -> tuple[str, bool]:
    """The configured demo password, or a fresh one (and ``True`` to say it was generated)."""
    if configured:
        return configured, False
    return secrets.token_urlsafe(9), True


def _user(username: str, name: str, password: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": name})
    user.display_name = name
    user.set_password(password)
    user.is_active = True
    # A printed password is an initial one: outside demo mode (ZHENGGAI_DEMO) these accounts
    # must change it and, for the office and the 三员, set up TOTP (docs/security.md).
    user.is_demo = True
    user.must_change_password = True
    user.save()
    return user


def _department_chooser(departments: dict[str, Organisation]) -> Any:
    def choose(text: str) -> Organisation:
        for name, words in SEED_DEPARTMENTS:
            if not words or any(word in text for word in words):
                return departments[name]
        return departments[SEED_DEPARTMENTS[-1][0]]

    return choose


def load_demo(*, password: str, today: dt.date | None = None) -> dict[str, Any]:
    """Create (or refresh the passwords of) the demo, then run the periodic work once
    (lights, reminders into the inbox, order escalation), so that every start of the demo
    shows today's reminders. A real deployment runs ``zhenggai periodic`` from a timer."""
    from zhenggai.supervision.services.periodic import run_periodic

    summary = _load_demo(password=password, today=today)
    periodic = run_periodic(today)
    summary["periodic"] = {"reminders_sent": periodic["reminders_sent"]}
    return summary


@transaction.atomic
def _load_demo(*, password: str, today: dt.date | None = None) -> dict[str, Any]:
    users = {a.username: _user(a.username, a.name, password) for a in ACCOUNTS}
    if Organisation.objects.filter(name=JURISDICTION, parent=None).exists():
        return {"created": False, "users": list(users)}
    today = today or timezone.localdate()
    office = create_organisation(
        name=JURISDICTION, kind=OrganisationKind.JURISDICTION, short_name="市委巡察办"
    )
    seed_unit = create_organisation(name=SEED_UNIT, kind=OrganisationKind.UNIT, parent=office)
    demo_unit = create_organisation(name=DEMO_UNIT, kind=OrganisationKind.UNIT, parent=office)
    seed_depts = {
        name: create_organisation(name=name, kind=OrganisationKind.DEPARTMENT, parent=seed_unit)
        for name, _ in SEED_DEPARTMENTS
    }
    demo_depts = {
        name: create_organisation(name=name, kind=OrganisationKind.DEPARTMENT, parent=demo_unit)
        for name in ("综合处", "信息中心", "财务处")
    }
    for account in ACCOUNTS:
        user = users[account.username]
        if account.role == Role.DEPARTMENT:
            org = (
                seed_depts["市政务服务中心"] if account.username == "dept" else demo_depts["综合处"]
            )
            grant_role(user=user, organisation=org, role=account.role)
        elif account.role in (Role.OFFICE, Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN):
            grant_role(user=user, organisation=office, role=account.role)
        else:
            for unit in (seed_unit, demo_unit):
                grant_role(user=user, organisation=unit, role=account.role)
    seed = load_seed(office=office, unit=seed_unit, departments=seed_depts, leader=users["leader"])
    synthetic = build_synthetic(
        office=office, unit=demo_unit, departments=demo_depts, users=users, today=today
    )
    supervise_synthetic(synthetic, users=users, today=today)
    return {"created": True, "users": list(users), "seed": seed.pk, "synthetic": synthetic.pk}


def load_seed(
    *, office: Organisation, unit: Organisation, departments: dict[str, Organisation], leader: User
) -> Inspection:
    report = read_report(seed_text())
    data = to_ledger_json(report)
    year = int(data["inspection"]["period"]["start"][:4])
    rnd = plan.create_round(jurisdiction=office, name=f"{year}年市委巡察", year=year)
    options = ImportOptions(leader=leader, department_for=_department_chooser(departments))
    return import_ledger(data, round=rnd, unit=unit, options=options, source_name="seed_report.txt")


# A minimal, valid one-page PDF used as evidence in the synthetic unit.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

SYNTHETIC = [
    (
        "数据安全管理方面",
        [
            (
                "数据分级分类制度未建立,部分业务数据共享缺少审批留痕。",
                [
                    ("制定《数据分级分类管理办法》并印发执行", MeasureKind.DEADLINE, -20, "closed"),
                    (
                        "对2025年以来的数据共享申请逐项补办审批手续",
                        MeasureKind.IMMEDIATE,
                        -5,
                        "overdue",
                    ),
                    ("每季度开展一次数据共享合规检查", MeasureKind.ONGOING, 40, "in_progress"),
                ],
            ),
            (
                "政务云资源台账不全,闲置资源未及时回收。",
                [
                    ("完成政务云资源全面盘点,建立资源台账", MeasureKind.DEADLINE, 6, "submitted"),
                    ("回收闲置超过90天的云主机", MeasureKind.DEADLINE, 15, "approved"),
                ],
            ),
        ],
    ),
    (
        "财务管理方面",
        [
            (
                "项目验收后尾款支付滞后,个别合同未按约定履行。",
                [
                    (
                        "梳理2024年以来全部信息化项目合同履行情况",
                        MeasureKind.DEADLINE,
                        -12,
                        "overdue",
                    ),
                    ("修订《信息化项目资金支付管理规定》", MeasureKind.DEADLINE, 9, "in_progress"),
                ],
            ),
            (
                "公务接待审批单填写不规范。",
                [
                    (
                        "组织财务人员专题培训并逐单整改2025年接待审批单",
                        MeasureKind.IMMEDIATE,
                        -30,
                        "closed",
                    ),
                ],
            ),
        ],
    ),
    (
        "作风建设方面",
        [
            (
                "12345工单办理存在超期回复现象。",
                [
                    (
                        "建立工单超期预警机制,超期前3天提醒承办人",
                        MeasureKind.DEADLINE,
                        25,
                        "in_progress",
                    ),
                    ("对超期工单逐件复核并回访群众", MeasureKind.DEADLINE, 3, "draft"),
                ],
            ),
        ],
    ),
]


def build_synthetic(
    *,
    office: Organisation,
    unit: Organisation,
    departments: dict[str, Organisation],
    users: dict[str, User],
    today: dt.date,
) -> Inspection:
    """A small ledger with current dates: overdue, near-deadline, waiting and closed items."""
    from io import BytesIO

    rnd = plan.create_round(jurisdiction=office, name=f"{today.year}年演示轮次", year=today.year)
    feedback = today - dt.timedelta(days=45)
    inspection = plan.create_inspection(
        round=rnd,
        unit=unit,
        unit_name=f"中共{DEMO_UNIT}党组",
        team="市委第九巡察组(演示)",
        period_start=feedback - dt.timedelta(days=90),
        period_end=feedback - dt.timedelta(days=40),
        feedback_date=feedback,
        issuer=f"中共{DEMO_UNIT}党组",
    )
    coordinator, dept2 = users["coordinator"], users["dept2"]
    moment = timezone.now() - dt.timedelta(days=10)
    measures = []
    for title, problems in SYNTHETIC:
        category = plan.add_category(inspection=inspection, title=title, actor=coordinator)
        for text, items in problems:
            problem = plan.add_problem(category=category, text=text, actor=coordinator)
            for m_text, kind, days, state in items:
                measure = plan.add_measure(
                    problem=problem,
                    text=m_text,
                    kind=kind,
                    responsible_leader=users["leader"],
                    lead_department=departments["综合处"],
                    supporting_departments=[departments["信息中心"]],
                    deadline=today + dt.timedelta(days=days),
                    actor=coordinator,
                )
                measures.append((measure, state))
    plan.approve_plan(inspection=inspection, actor=users["secretary"], now=moment)
    for measure, state in measures:
        if state == "draft":
            continue
        workflow.report_progress(
            measure=measure,
            actor=dept2,
            text="已召开专题会议部署,明确责任人和时间表。",
            files=[("专题会议纪要.pdf", BytesIO(DEMO_PDF))],
            now=moment,
        )
        if state in ("submitted", "approved", "closed"):
            workflow.submit_for_review(
                measure=measure,
                actor=dept2,
                text="已完成全部整改内容,佐证材料已上传。",
                now=moment + dt.timedelta(days=1),
            )
        if state in ("approved", "closed"):
            workflow.leader_review(
                measure=measure,
                actor=users["leader"],
                approve=True,
                reason="同意",
                now=moment + dt.timedelta(days=2),
            )
        if state == "closed":
            workflow.close_measure(
                measure=measure,
                actor=users["secretary"],
                approve=True,
                reason="同意销号",
                now=moment + dt.timedelta(days=3),
            )
    return inspection


def supervise_synthetic(inspection: Inspection, *, users: dict[str, User], today: dt.date) -> None:
    """An approved extension (已延期, apart from 逾期) and a supervision order (督办单)."""
    from zhenggai.supervision.services import extensions, orders

    overdue = list(inspection.measures.filter(deadline__lt=today).exclude(status="closed"))
    if not overdue:
        return
    first = overdue[0]
    request = extensions.request_extension(
        measure=first,
        actor=users["dept2"],
        new_deadline=today + dt.timedelta(days=15),
        reason="涉及多个业务系统,需等待上级平台接口改造完成。",
    )
    extensions.decide_extension(request=request, actor=users["leader"], approve=True, reason="同意")
    orders.issue_order(
        inspection=inspection,
        actor=users["office"],
        measures=overdue[1:] or overdue,
        subject="逾期整改事项督办",
        requirement="请立即组织力量推进,按期反馈办理情况。",
        due_date=today + dt.timedelta(days=7),
    )
