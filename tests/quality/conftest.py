from __future__ import annotations

from pathlib import Path

import pytest

from tests.ledger.helpers import reload
from tests.world import World
from zhenggai.ledger.models import Measure, Problem
from zhenggai.quality.services import run_checks

REUSED = (
    "完善内控制度。整改期间,组织对招标文件备案、开标评标监管、保证金退付、政府采购业务办理、"
    "网络安全等23项内控制度进行修订完善,进一步堵塞监管漏洞,简化办事流程,提升工作效能。"
)


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    """Evidence files of the database tests go to a fresh directory."""
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    return tmp_path


def retext(measure: Measure, text: str) -> Measure:
    Measure.objects.filter(pk=measure.pk).update(text=text)
    return reload(measure)


#: Distinct, concrete texts for the world's measures (unit A, then B), so that only what a
#: test sets up is flagged: the world's own texts are alike across problems and units.
TEXTS = [
    "2026年10月修订《理论学习中心组学习制度》,明确每月集中学习1次。",
    "建立学习考勤台账,对缺勤3次以上的党员进行约谈。",
    "组织窗口人员参加业务轮训2期,考试合格率达到95%。",
    "在办事大厅设置意见箱5个,每周开箱登记群众意见。",
]
TEXTS_B = [
    "2026年11月对辖区37家加油站开展安全检查,整改隐患12处。",
    "印发《危险化学品仓储管理细则》,明确台账登记要求。",
    "为执法人员配备执法记录仪20台,现场检查全程录像。",
    "开通企业服务热线1条,工作日8小时专人值守。",
]


@pytest.fixture
def world(world: World) -> World:
    for unit, texts in ((world.a, TEXTS), (world.b, TEXTS_B)):
        for measure, text in zip(unit.measures, texts, strict=True):
            Measure.objects.filter(pk=measure.pk).update(text=text)
    return world


REUSED = (
    "完善内控制度。整改期间,组织对招标文件备案、开标评标监管、保证金退付、政府采购业务办理、"
    "网络安全等23项内控制度进行修订完善,进一步堵塞监管漏洞,简化办事流程,提升工作效能。"
)


@pytest.fixture
def flagged(world: World, data_dir: Path) -> World:
    """Unit A: problem 1 states 3 measures, lists 2; measures 1-2 and 2-1 alike; 2-2 vague."""
    a = world.a
    Problem.objects.filter(pk=a.problems[0].pk).update(
        stated_planned=3, stated_text="整改落实情况:共制定3项整改措施。"
    )
    retext(a.measures[1], REUSED)
    retext(a.measures[2], REUSED)
    retext(a.measures[3], "加强学习,提高认识。")
    for unit in (world.a, world.b):
        run_checks(unit.inspection)
    return world
