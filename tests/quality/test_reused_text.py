"""``reused_text``: measure texts reused under several problems (on ledgers: units, years)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.quality.helpers import anchors, ledger, problem, report, run, seed_subject
from zhenggai.quality.engine import CheckContext, Ref
from zhenggai.quality.rules import reused_text
from zhenggai.quality.subject import CheckSubject

CONTROLS = (
    "完善内控制度。整改期间,交易中心组织对招标文件备案、开标评标监管、保证金退付、政府采购业务"
    "办理、网络安全等23项内控制度进行修订完善,进一步堵塞监管漏洞,简化办事流程,提升工作效能。"
)
TRAINING = "开展执法培训。2020年8月组织全局执法人员集中培训3期,考试合格率98%。"
OTHER = "开展采购数据核查。对全市公立医院2021年以来的采购数据逐月核查,督促8家医院整改。"


def test_identical_text_under_two_problems_is_one_flag() -> None:
    subject = report(problem("1", [TRAINING, CONTROLS]), problem("2", [OTHER, CONTROLS]))
    findings = run("reused_text", subject)
    assert anchors(findings) == [("1", 2)]
    assert [(r.problem, r.measure, r.similarity) for r in findings[0].related] == [("2", 2, 1.0)]
    assert [(s.problem, s.measure) for s in findings[0].spans] == [("1", 2), ("2", 2)]
    assert findings[0].message == "与问题(2)第2项的措施文字相同或近似"


def test_three_copies_are_one_cluster() -> None:
    subject = report(
        problem("1", [CONTROLS]),
        problem("2", [OTHER]),
        problem("3", [CONTROLS]),
        problem("4", [CONTROLS.replace("23项", "二十三项")]),
    )
    findings = run("reused_text", subject)
    assert len(findings) == 1
    assert [(r.problem, r.measure) for r in findings[0].related] == [("3", 1), ("4", 1)]


def test_text_with_a_sentence_appended_is_contained() -> None:
    longer = CONTROLS + "2020年2月,交易中心法规科与局办公室合署办公,加大集中监管力度,定期通报。"
    findings = run("reused_text", report(problem("1", [CONTROLS]), problem("2", [longer])))
    assert anchors(findings) == [("1", 1)]


def test_same_title_different_body_is_not_reuse() -> None:
    other = (
        "完善内控制度。修订《干部选拔任用工作规程》《干部交流轮岗实施办法》,明确年轻干部选拔程序。"
    )
    assert run("reused_text", report(problem("1", [CONTROLS]), problem("2", [other]))) == []


def test_same_problem_twice_and_short_stock_phrases_are_left_alone() -> None:
    assert run("reused_text", report(problem("1", [CONTROLS, CONTROLS]))) == []
    stock = "加强学习,提高认识。"
    assert run("reused_text", report(problem("1", [stock]), problem("2", [stock]))) == []


def test_large_subjects_use_lsh_candidates(monkeypatch) -> None:
    monkeypatch.setattr(reused_text, "EXACT_LIMIT", 2)
    subject = report(problem("1", [TRAINING, CONTROLS]), problem("2", [OTHER, CONTROLS]))
    assert anchors(run("reused_text", subject)) == [("1", 2)]


class _Elsewhere:
    def similar_measures(self, measures: Sequence[tuple[int, str]]) -> Mapping[int, list[Ref]]:
        return {
            pk: [
                Ref(
                    problem="7",
                    measure=1,
                    measure_id=900,
                    inspection_id=5,
                    unit="乙局",
                    year=2019,
                    similarity=0.97,
                )
            ]
            for pk, text in measures
            if text == TRAINING
        }

    def shared_evidence(self, hashes: object) -> Mapping[str, list[Ref]]:
        return {}


def test_reuse_from_another_unit_or_year() -> None:
    subject: CheckSubject = ledger(
        {"problems": [{"number": "1", "measures": [{"text": OTHER}, {"text": TRAINING}]}]}
    )
    findings = run("reused_text", subject, CheckContext(external=_Elsewhere()))
    assert anchors(findings) == [("1", 2)]
    assert findings[0].related[0].inspection_id == 5
    assert findings[0].message == "与乙局 2019年问题(7)的措施文字相同或近似"
    assert [s.measure for s in findings[0].spans] == [2]  # only this inspection's text is quoted


def test_seed_four_reused_passages() -> None:
    findings = run("reused_text", seed_subject())
    clusters = [
        [(f.problem, f.measure)] + [(r.problem, r.measure) for r in f.related] for f in findings
    ]
    assert clusters == [
        [("3", 1), ("14", 1)],  # 定期组织会办研究 (14 adds a sentence)
        [("3", 2), ("14", 2), ("16", 2)],  # 完善内控制度, 23项内控制度
        [("13", 5), ("14", 4), ("16", 3)],  # 加强廉政风险点防控
        [("14", 5), ("20", 2)],  # 投标保证金退付 (20 repeats 14's first part)
    ]
    assert findings[0].spans[0].text.startswith("定期组织会办研究。")
    assert "23项内控制度" in findings[1].spans[2].text
    assert all("廉洁风险点排查及防控措施" in s.text for s in findings[2].spans)
    assert all("投标保证金集中清理" in s.text for s in findings[3].spans)
