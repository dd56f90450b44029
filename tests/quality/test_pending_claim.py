"""``pending_claim``: done is claimed, the text says planned or under way."""

from __future__ import annotations

import pytest

from tests.quality.helpers import anchors, ledger, problem, report, run, seed_subject


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("系统已完成招标,计划6月份上线运行。", "计划6月份上线运行"),
        ("平台计划于2021年3月底前上线运行。", "平台计划于2021年3月底前上线运行"),
        ("经研究,拟免去张某同志副主任职务。", "拟免去张某同志副主任职务"),
        ("审计报告将于2021年12月底前完成。", "审计报告将于2021年12月底前完成"),
        ("要求2020年将在2019年的基础上压降费用30%。", "要求2020年将在2019年的基础上压降费用30%"),
        ("人事系统正在开发,预计年底前投入使用。", "人事系统正在开发"),
        ("力争明年起将考核结果与评优挂钩。", "力争明年起将考核结果与评优挂钩"),
        ("考核办法尚未出台。", "考核办法尚未出台"),
        ("待省平台接口开放后实现自动推送。", "待省平台接口开放后实现自动推送"),
        ("预警平台即将上线。", "预警平台即将上线"),
        ("争取年底前全部完成。", "争取年底前全部完成"),
        ("其中4座已整改到位,2座水厂的消毒设备仍在采购中。", "2座水厂的消毒设备仍在采购中"),
    ],
)
def test_pending_wording_under_a_done_claim(text: str, quoted: str) -> None:
    findings = run("pending_claim", report(problem("1", ["开展检查3次。", text])))
    assert anchors(findings) == [("1", 2)]
    assert findings[0].spans[0].text == quoted
    assert findings[0].spans[-1].source == "stated"
    assert findings[0].spans[-1].text == "已落实整改2项"


@pytest.mark.parametrize(
    "text",
    [
        "制定2020年度执法人员学习计划,全年集中培训6次。",
        "为制定下一年工作计划或要点提供参考。",
        "对照计划单列的重点任务逐项推进。",
        "制定党建工作计划,并严格按照计划执行。",
        "按计划完成了全局127个岗位的廉政风险点排查。",
        "原计划9月开学前开通,已于8月25日提前开通。",
        "拟定了《教师公开招聘工作规程》。",
        "监控系统目前正在运行良好。",
        "目前系统正在平稳运行。",
        "该制度仍在坚持执行,每月通报一次。",
        "将食品安全监管纳入年度绩效考核。",
        "将在建项目全部纳入督查范围。",
        "积极争取上级补助资金1.2亿元。",
        "热情接待来访群众。",
        "组织开展应急模拟演练2次。",
        "未发现其他问题。",
        "研究巡视反馈问题的整改计划和改进措施,督促严格按计划落实。",
        "纳入《党风廉政建设和反腐败工作计划》,逐项分解。",
    ],
)
def test_nouns_and_past_narrative_are_not_pending(text: str) -> None:
    assert run("pending_claim", report(problem("1", [text]))) == []


def test_no_claim_no_flag() -> None:
    partial = problem("1", ["计划6月份上线运行。", "开展检查3次。"], planned=2, done=1)
    assert run("pending_claim", report(partial)) == []


def test_report_wide_claim_counts_for_each_measure() -> None:
    partial = problem("1", ["计划6月份上线运行。", "开展检查3次。"], planned=2, done=1)
    subject = report(partial, summaries=["截至目前,巡察反馈的问题已全部整改到位。"])
    findings = run("pending_claim", subject)
    assert anchors(findings) == [("1", 1)]
    assert findings[0].spans[-1].source == "report"


def test_future_summary_is_not_a_claim() -> None:
    partial = problem("1", ["计划6月份上线运行。"], planned=1, done=0)
    subject = report(partial, summaries=["确保余下问题全部整改到位。"])
    assert run("pending_claim", subject) == []


def test_ledger_status_and_completion_claim_text() -> None:
    subject = ledger(
        {
            "problems": [
                {
                    "number": "1",
                    "measures": [
                        {
                            "text": "部署监测系统。",
                            "status": "submitted",
                            "progress": [
                                {
                                    "text": "已完成部署,计划下月正式上线运行。",
                                    "is_completion_claim": True,
                                    "created_at": "2024-06-02T10:00:00+08:00",
                                }
                            ],
                        },
                        {"text": "计划于2024年9月底前完成验收。", "status": "in_progress"},
                        {
                            "text": "计划于2024年9月底前完成验收。",
                            "status": "closed",
                            "closed_at": "2024-06-01T10:00:00+08:00",
                        },
                    ],
                }
            ]
        }
    )
    findings = run("pending_claim", subject)
    assert anchors(findings) == [("1", 1), ("1", 3)]
    assert findings[0].spans[0].source == "progress"
    assert findings[0].spans[0].text == "计划下月正式上线运行"
    assert findings[1].spans[-1].text == "已销号"


def test_seed_three_claims() -> None:
    findings = run("pending_claim", seed_subject())
    assert anchors(findings) == [("1", 2), ("8", 4), ("16", 4)]
    quoted = [[s.text for s in f.spans if s.source == "measure"] for f in findings]
    assert quoted == [
        ["正按计划进行组织实施", "计划6月份上线运行"],
        ["并要求2020年将在2019年的基础上压降ems快递送费用不少于30%"],
        ["拟免去张华勇同志市公共资源交易中心副主任职务"],
    ]
    assert all(f.spans[-1].text.startswith("已落实整改") for f in findings)
