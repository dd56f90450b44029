"""``vague_measure``: no concrete action, and no date, number or deliverable."""

from __future__ import annotations

import pytest

from tests.quality.helpers import anchors, problem, report, run, seed_subject
from zhenggai.quality.rules.vague_measure import is_vague


@pytest.mark.parametrize(
    "text",
    [
        "加强学习,提高认识。",
        "进一步强化责任意识,切实改进工作作风。",
        "严格落实各项规章制度,加大监督检查力度。",
        "强化责任担当,坚决扛起整改政治责任。",
        "提高政治站位,增强“四个意识”,坚定“四个自信”,做到“两个维护”。",
        "严格落实“三会一课”制度。",
        "抓好日常教育。强化廉洁意识,筑牢思想防线。",
        "进一步加强管理,切实提高服务水平。",
        "加强督查。进一步压实各级河长责任,提高巡河质量。",
        "深化党建与生产经营融合。强化党建引领,推动党建工作与生产经营深度融合。",
        "切实把整改责任扛在肩上,结合工作实际抓好落实。",
    ],
)
def test_vague(text: str) -> None:
    assert is_vague(text)


@pytest.mark.parametrize(
    "text",
    [
        "2020年8月组织全局党员干部开展警示教育。",
        "每季度对各村党组织会议记录开展一次检查并通报。",
        "开展执法培训6次。",
        "修订《考勤管理办法》。",
        "建立专项资金使用管理台账,实行按月对账。",
        "对全市在建工地开展扬尘专项整治。",
        "建立农民工工资支付监控预警平台。",
        "对全体窗口人员开展业务轮训。",
        "畅通投诉渠道。在各医院门诊大厅公布投诉电话,对投诉件实行限时办结。",
        "加强对窗口人员的培训,组织窗口人员参加消防演练。",
        "加大巡查监管。通过晨检、日常巡查、视频监控、第三方暗访测评等手段加大巡查力度。",
    ],
)
def test_concrete(text: str) -> None:
    assert not is_vague(text)


def test_flag_quotes_the_whole_measure() -> None:
    findings = run("vague_measure", report(problem("1", ["开展检查3次。", "加强学习,提高认识。"])))
    assert anchors(findings) == [("1", 2)]
    assert findings[0].spans[0].text == "加强学习,提高认识。"


def test_seed_has_no_vague_measure() -> None:
    assert run("vague_measure", seed_subject()) == []
