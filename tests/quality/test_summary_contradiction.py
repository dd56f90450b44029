"""``summary_contradiction``: done in the summary or status, not done in the measure."""

from __future__ import annotations

import pytest

from tests.quality.helpers import anchors, ledger, problem, report, run, seed_subject


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("目前仍有2个项目的资金尚未完成清退。", "目前仍有2个项目的资金尚未完成清退"),
        ("另有2个问题因涉及诉讼未整改到位。", "另有2个问题因涉及诉讼未整改到位"),
        ("截至目前,审计工作尚未完成。", "审计工作尚未完成"),
        ("仍有3户补偿款没有发放。", "仍有3户补偿款没有发放"),
    ],
)
def test_measure_says_not_done_under_a_done_claim(text: str, quoted: str) -> None:
    findings = run("summary_contradiction", report(problem("1", ["开展检查3次。", text])))
    assert anchors(findings) == [("1", 2)]
    assert findings[0].spans[0].text == quoted
    assert findings[0].spans[-1].text == "已落实整改2项"


@pytest.mark.parametrize(
    "text",
    [
        "对未整改到位的问题,实行挂牌督办。",
        "未发现党委会议决策程序违规问题。",
        "对于2个项目误入款未及时清退问题,明确专人跟踪办理。",
        "没有完成年度目标的3个单位主要负责人已被约谈。",
        "新划入职能未能及时明确处室,后成立审改处。",
        "其中16个问题已整改到位。",
    ],
)
def test_descriptions_and_results_are_not_contradictions(text: str) -> None:
    assert run("summary_contradiction", report(problem("1", [text]))) == []


def test_report_wide_claim_against_an_unfinished_measure() -> None:
    partial = problem("1", ["开展检查3次。", "审计工作尚未完成。"], planned=2, done=1)
    assert run("summary_contradiction", report(partial)) == []
    subject = report(partial, summaries=["目前,反馈的13个问题均已整改到位。"])
    findings = run("summary_contradiction", subject)
    assert anchors(findings) == [("1", 2)]
    assert findings[0].spans[-1].text == "反馈的13个问题均已整改到位"


def test_closed_measure_whose_latest_progress_says_unfinished() -> None:
    subject = ledger(
        {
            "problems": [
                {
                    "number": "1",
                    "measures": [
                        {
                            "text": "开展培训2期。",
                            "status": "closed",
                            "closed_at": "2024-04-30T12:00:00+08:00",
                            "progress": [
                                {
                                    "text": "培训已完成。",
                                    "created_at": "2024-04-25T10:00:00+08:00",
                                    "is_completion_claim": True,
                                },
                                {
                                    "text": "经回头看,部分单位培训尚未完成。",
                                    "created_at": "2024-07-10T10:00:00+08:00",
                                },
                            ],
                        },
                        {
                            "text": "开展培训2期。",
                            "status": "in_progress",
                            "progress": [
                                {
                                    "text": "培训尚未完成。",
                                    "created_at": "2024-04-25T10:00:00+08:00",
                                }
                            ],
                        },
                    ],
                }
            ]
        }
    )
    findings = run("summary_contradiction", subject)
    assert anchors(findings) == [("1", 1)]
    assert findings[0].spans[0].source == "progress"
    assert findings[0].spans[0].text == "部分单位培训尚未完成"


def test_seed_has_no_contradiction() -> None:
    assert run("summary_contradiction", seed_subject()) == []
