"""``vague_measure``: a measure with no concrete action, date, number or deliverable.

A measure is concrete when it names a date or period (2020年1月, 每月, 年底前), a
number (3次, 22人次, 30%), or a deliverable (《…》, 制定…办法/方案/清单/台账), or when
one of its clauses is a concrete action. A clause is not one when it is led by a stock
verb of exhortation (加强…, 进一步压实…, 推动…深度融合), or when, once the words that
carry no commitment — stock verbs (加强, 提高, 落实) and abstract objects (认识, 意识,
作风, 力度, 水平, 工作) — are taken out, fewer than :data:`MIN_CONCRETE` characters remain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import CheckContext, Finding, Rule, Severity
from zhenggai.quality.shingles import normalise
from zhenggai.quality.subject import CheckSubject
from zhenggai.quality.text import whole_measure_span

#: Fewer remaining characters than this, and the measure names nothing concrete.
MIN_CONCRETE = 4

_CN_COUNT = r"[一二两三四五六七八九十百千万]+"
_UNIT = r"(?:次|项|个|人次|人|期|份|条|台|件|家|场|篇|本|批|轮|名|处|万元|元|天|小时|课时|学时)"
_DATE = re.compile(
    r"\d{4}\s*年|\d{1,2}\s*月|[一二三四五六七八九十]{1,3}月|月底|年底|年内|年前|季度|上半年|下半年|"
    r"每(?:月|周|季|年|半年|日|天|季度)|\d{1,2}\s*日|限期|时限|节点"
)
_NUMBER = re.compile(rf"\d|{_CN_COUNT}\s*{_UNIT}|百分之")
_DELIVERABLE = re.compile(
    r"《[^》]{2,}》|(?:制定|出台|修订|印发|编制|起草|建立|形成|下发|发布|汇编|编印|签订)"
    r"[^,，。;；]{0,16}?(?:办法|方案|清单|台账|细则|规定|规则|报告|通知|意见|规划|指南|手册|"
    r"标准|预案|流程|目录|章程|制度汇编|责任书|承诺书)"
)

#: Words that carry no commitment by themselves, longest first when removed.
_EMPTY_WORDS = sorted(
    set(
        """
        进一步 不折不扣 常抓不懈 持之以恒 切实 不断 持续 认真 积极 主动 全面 深入 扎实 努力 着力
        大力 狠抓 抓好 抓实 抓紧 做好 做实 确保 加强 强化 提高 提升 增强 深化 推进 推动 坚持 落实
        注重 树立 改进 完善 健全 严格 加大 规范 优化 转变 端正 牢固 贯彻 执行 重视 高度 自觉 始终
        坚决 务必 有效 充分 发挥 营造 形成 筑牢 夯实 压实 压紧 把握 强调 树牢 增进 改善 促进 保持
        巩固 拓展 加快 全力 真正 用心 开展 进行 组织 实施 实行 建立 健全 加以 予以 给予 做到 达到
        实现 认识 意识 思想 作风 工作 力度 水平 能力 站位 政治 观念 责任 纪律 制度 机制 理论 业务
        素质 队伍 党性 修养 服务 质量 效率 效能 风险 防控 问题 成效 实效 长效 常态化 制度化 规范化
        常态 主体 党风廉政 廉政 廉洁 自律 宗旨 党建 领导 干部 党员 职工 全体 人员 各项 相关 有关
        方面 要求 精神 部署 措施 举措 力量 保障 基础 核心 作用 引领 示范 带头 表率 氛围 环境 底线
        红线 大局 初心 使命 担当 作为 责任感 使命感 紧迫感 自觉性 主动性 积极性 针对性 实效性
        执行力 战斗力 凝聚力 向心力 全局 单位 部门 班子 成员 同志 学习 教育 引导 督促 指导 建设
        管理 监督 监管 检查 督查 巡查 督导 整改 整治 治理 规矩 规章 规定 意见 要点 重点 难点
        薄弱环节 环节 领域 关键 日常 经常性 经常 长期 全过程 过程 政策 法规 法律 业务知识 知识
        技能 培训 宣传 沟通 协调 配合 联系 结合 实际 情况 全员 各级 上下 内部 外部 自身 本职 岗位
        廉洁从政
        """.split()
    ),
    key=len,
    reverse=True,
)
_EMPTY = re.compile("|".join(map(re.escape, _EMPTY_WORDS)))
_FILLER = re.compile(
    r"[的和与及并等了在对把将为以从使让各全每其中上下内是有不要更好新高强大实真严之所而且或]"
)


#: Set phrases of political language whose numerals are not counts (四个意识, 三会一课).
_SET_PHRASES = re.compile(
    r"四个意识|四个自信|两个维护|两个确立|三会一课|一岗双责|第一种形态|四种形态|四风|三重一大|"
    r"两学一做|三严三实|不忘初心|牢记使命"
)


#: Adverbs that may stand before the leading verb of a clause.
_ADVERBS = re.compile(
    r"^(?:进一步|切实|积极|不断|持续|全面|认真|着力|大力|努力|坚决|始终|严格|深入|扎实|主动|"
    r"充分|有效|全力|自觉|要|并|同时|继续|更加|狠抓)*"
)
#: Verbs of exhortation: a clause they lead commits to a direction, not to an act.
_EXHORTATION = re.compile(
    r"^(?:加强|加大|强化|提高|提升|增强|深化|推动|推进|压实|压紧|落实|坚持|注重|树立|树牢|改进|"
    r"完善|健全|规范|优化|转变|端正|筑牢|夯实|抓好|抓实|做好|做实|做到|确保|营造|巩固|促进|保持|"
    r"坚定|牢记|践行|发挥|扛起|担起|扛牢|履行|贯彻|执行|重视|畅通|严守|增进|改善|拓展|加快|"
    r"守住|守牢|提振|激发|凝聚|弘扬)"
)
_CLAUSE = re.compile(r"[^。；;！!？?，,：:\n]+")


def residue(text: str) -> str:
    """What is left of the text once words that commit to nothing are taken out."""
    return _FILLER.sub("", _EMPTY.sub("", normalise(text)))


def concrete_clause(clause: str) -> bool:
    """Not led by a verb of exhortation, and naming something once the stock words are out."""
    lead = _ADVERBS.sub("", normalise(clause))
    return not _EXHORTATION.match(lead) and len(residue(clause)) >= MIN_CONCRETE


def is_vague(text: str) -> bool:
    """No date, number or deliverable, and no clause that is a concrete action."""
    text = _SET_PHRASES.sub("", text)
    if _DATE.search(text) or _NUMBER.search(text) or _DELIVERABLE.search(text):
        return False
    return not any(concrete_clause(c) for c in _CLAUSE.findall(text))


class VagueMeasure(Rule):
    id = "vague_measure"
    order = 40
    severity = Severity.LOW
    title = _("措施空泛")
    explanation = _(
        "措施只有“加强学习”“提高认识”“进一步落实”之类的表态,没有针对具体对象的具体行动,也没有"
        "时间、数量或成果(文件、制度、台账)。这样的措施无法检查是否做到,做没做都一样,是形式"
        "整改的常见写法。请写明做什么、对谁做、何时完成、以什么成果为证。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        for problem, measure in subject.measures:
            if not is_vague(measure.text):
                continue
            yield self.finding(
                problem=problem.number,
                problem_id=problem.id,
                measure=measure.index,
                measure_id=measure.id,
                spans=(whole_measure_span(problem, measure),),
                message=str(_("没有具体行动、时间、数量或成果")),
                key=normalise(measure.text),
            )


RULE = VagueMeasure()
