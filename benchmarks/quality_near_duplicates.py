"""Benchmark: near-duplicate search over 1,000,000 measure texts (MinHash + LSH, pure Python).

Budgets (issue 7): the index builds in under 5 minutes on this machine (2 cores) and
answers one new text — signature, band look-up and ranking — in under 50 ms.

Texts are synthetic, generated from templates of real measure wording (title,
date, acting body, action, object, results with numbers); every 100th text is an
edited copy of the one before it (a planted near duplicate). Queries are 500 edited
copies of indexed texts (each should find its original) and 500 fresh texts (which
should find nothing). Signatures are computed in worker processes, one per core;
the index is built in the main process.

    .venv/bin/python benchmarks/quality_near_duplicates.py [--count 1000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhenggai.quality.minhash import IndexPart, LshIndex, index_part, signature  # noqa: E402

BUILD_BUDGET_S = 300.0
QUERY_BUDGET_MS = 50.0
MATCH = 0.5  # the resemblance estimate a returned match must reach

TITLES = """专题研究部署 完善内控制度 开展专项检查 强化警示教育 规范执法行为 加强资金管理
推进信息公开 健全考核机制 落实主体责任 开展廉政谈话 深化作风建设 加强队伍建设 优化服务流程
严肃追责问责 开展回头看 建立长效机制 加强财务管理 规范选人用人 推进制度建设 强化日常监督
开展业务培训 完善议事规则 清理历史欠账 加强资产管理 规范采购行为 畅通投诉渠道 推行清单管理
开展对标找差 强化督查通报 落实整改销号""".split()
BODIES = """局党组 机关党委 办公室 政策法规处 财务科 人事科 纪检组 审批一处 审批二处 执法大队
信息中心 政务服务中心 公共资源交易中心 热线服务中心 各乡镇 下属事业单位 各党支部 综合科 监督科
法规科""".split()
ACTIONS = """召开 组织 开展 修订 制定 印发 建立 排查 核查 督办 约谈 培训 检查 清理 公示 评查
盘点 通报 梳理 完善""".split()
OBJECTS = """专题会议 警示教育大会 廉政风险点排查 固定资产盘点 财务收支自查 执法案卷评查
窗口服务评议 干部轮岗交流 政府采购检查 专项资金清理 合同管理检查 档案资料整理 信访件办理
考勤制度修订 绩效考核办法 议事规则修订 公务用车检查 办公用房清理 保证金清退 误入款清理
工资发放核查 培训经费检查 三重一大事项梳理 内控制度汇编 权力清单调整 服务事项梳理 办事指南修订
投诉件回访 舆情处置演练 数据质量核查 系统安全检查 应急预案修订 安全生产检查 消防设施检查
食堂卫生检查 车辆使用登记 印章管理检查 会议纪要归档 项目资金审计 债权债务清理 往来款项清理
预算执行分析""".split()
PLACES = "全局 全市 全县 全系统 下属单位 各科室 各中心 各乡镇 机关 窗口".split()
RESULTS = [
    "发现问题{n}个",
    "整改到位{n}项",
    "涉及{n}人次",
    "形成台账{n}份",
    "追回资金{n}万元",
    "约谈{n}人",
    "修订制度{n}项",
    "下发整改通知{n}份",
    "清理资金{n}万元",
    "办结{n}件",
    "检查单位{n}家",
    "培训{n}人次",
    "公示{n}天",
    "归档{n}卷",
    "回访群众{n}人",
]
TAILS = [
    "",
    "并形成专题报告。",
    "有关情况已在局网站公开。",
    "结果纳入年度考核。",
    "并报局党组审定。",
    "做到逐项对账销号。",
    "建立了长效管理机制。",
    "相关人员已作出书面检查。",
]


def make_text(seed: int) -> str:
    """One synthetic measure text; the same seed always gives the same text."""
    rng = random.Random(seed)
    results = "，".join(
        rng.choice(RESULTS).format(n=rng.randint(2, 999)) for _ in range(rng.randint(1, 3))
    )
    more = (
        f"同时，{rng.choice(BODIES)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，"
        f"{rng.choice(RESULTS).format(n=rng.randint(2, 999))}。"
        if rng.random() < 0.5
        else ""
    )
    return (
        f"{rng.choice(TITLES)}。{rng.randint(2016, 2024)}年{rng.randint(1, 12)}月"
        f"{rng.randint(1, 28)}日，{rng.choice(BODIES)}{rng.choice(ACTIONS)}{rng.choice(PLACES)}"
        f"{rng.choice(OBJECTS)}{rng.choice(OBJECTS) if rng.random() < 0.5 else ''}，{results}。"
        f"{more}{rng.choice(TAILS)}"
    )


def edit(text: str, seed: int) -> str:
    """A near copy: one run of 2–4 characters replaced and one sentence end added."""
    rng = random.Random(seed)
    at = rng.randrange(4, max(5, len(text) - 4))
    return text[:at] + "进一步"[: rng.randint(2, 3)] + text[at + rng.randint(2, 4) :] + "已完成。"


def text_at(i: int) -> str:
    """Text number ``i`` of the corpus: every 100th is an edited copy of the one before."""
    if i % 100 == 99:
        return edit(make_text(i - 1), i)
    return make_text(i)


def _part(bounds: tuple[int, int]) -> IndexPart:
    start, stop = bounds
    return index_part(start, [(i, text_at(i)) for i in range(start, stop)])


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers (the machine may be shared)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(count: int, workers: int) -> tuple[LshIndex, float]:
    """Signatures and band entries in ``workers`` processes; merging and sorting here."""
    chunk = 20_000
    ranges = [(s, min(s + chunk, count)) for s in range(0, count, chunk)]
    started = time.perf_counter()
    index = LshIndex()
    with Pool(workers) as pool:
        index.add_parts(pool.imap(_part, ranges))
    return index, time.perf_counter() - started


def query_times(index: LshIndex, count: int, queries: int) -> dict[str, object]:
    rng = random.Random(7)
    originals = [rng.randrange(count) for _ in range(queries // 2)]
    originals = [i - 1 if i % 100 == 99 else i for i in originals]
    copies = [(i, edit(text_at(i), 10**9 + i)) for i in originals]
    fresh = [make_text(10**9 + 10**6 + k) for k in range(queries - len(copies))]
    times, cpu, found, false_hits, candidates = [], [], 0, 0, []
    for original, text in [*copies, *((None, t) for t in fresh)]:
        t0, c0 = time.perf_counter(), time.process_time()
        sig = signature(text)
        hits = index.query(sig, MATCH)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        candidates.append(len(index.candidates(sig)))
        if original is None:
            false_hits += bool(hits)
        else:
            found += any(key == original for key, _ in hits)
    ms = sorted(t * 1000 for t in times)
    cpu_ms = sorted(t * 1000 for t in cpu)
    candidates.sort()

    def p95(values: list[float]) -> float:
        return values[int(0.95 * (len(values) - 1))]

    return {
        "queries": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(p95(ms), 2),
        "max_ms": round(ms[-1], 2),
        "cpu_p50_ms": round(statistics.median(cpu_ms), 2),
        "cpu_p95_ms": round(p95(cpu_ms), 2),
        "candidates_p50": candidates[len(candidates) // 2],
        "candidates_p95": candidates[int(0.95 * (len(candidates) - 1))],
        "copies_found": f"{found}/{len(copies)}",
        "fresh_with_a_match": f"{false_hits}/{len(fresh)}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sample = [len(text_at(i)) for i in range(2000)]
    cpu_before = cpu_seconds()
    index, seconds = build(args.count, args.workers)
    build_cpu = cpu_seconds() - cpu_before
    load = os.getloadavg()[0]
    result = {
        "texts": args.count,
        "mean_text_chars": round(statistics.mean(sample), 1),
        "workers": args.workers,
        "build_s": round(seconds, 1),
        "build_budget_ratio": round(seconds / BUILD_BUDGET_S, 3),
        "build_cpu_s": round(build_cpu, 1),
        "load_average_during_build": round(load, 1),
        "index_mb": round(index.nbytes() / 2**20, 1),
        "rss_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(rss_mb("VmHWM"), 1),
        **query_times(index, args.count, args.queries),
    }
    result["query_budget_ratio_p95"] = round(float(result["p95_ms"]) / QUERY_BUDGET_MS, 3)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
