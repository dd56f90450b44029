"""Figures a report prints about itself, and the checks that compare them with its body.

Reports state totals in their introduction or organisation section (截至目前,反馈的
20个问题已完成整改18个,阶段性完成2个,完成率90%;问责15人次,其中提醒谈话10人次…;
新建制度12项,修订完善8项;收回资金35.6万元) and counts per problem or per area. The
reader keeps every figure as printed (:class:`ParsedFigure`) and reports, as warnings,
where the figures disagree with what the body lists — the mark of 数字整改.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .frame import NUMBER, cn_int
from .model import (
    ParsedCategory,
    ParsedFigure,
    ParsedProblem,
    ParsedReport,
    ParsedStatus,
    ParsedTally,
    ParsedWarning,
)
from .source import Paragraph

#: Every figure key the reader produces, with its Chinese name.
FIGURE_KEYS: dict[str, str] = {
    "problems_total": "问题总数",
    "problems_done": "已完成整改",
    "problems_partial": "阶段性完成",
    "problems_in_progress": "正在整改",
    "completion_rate": "整改完成率(%)",
    "measures_total": "整改措施数",
    "measures_done": "已完成措施数",
    "accountability_total": "问责人次",
    "reminder": "提醒谈话",
    "criticism": "批评教育",
    "admonishment": "诫勉",
    "organisational": "组织处理",
    "party_discipline": "党纪处分",
    "government_discipline": "政务处分",
    "discipline": "党纪政务处分",
    "institutions_total": "建立完善制度",
    "institutions_new": "新建制度",
    "institutions_revised": "修订制度",
    "funds_yuan": "资金(元)",
}

#: Warning codes for figures that disagree; the preview lists these as inconsistencies.
CONSISTENCY_CODES = frozenset(
    {
        "stated_count_mismatch",
        "stated_done_exceeds_planned",
        "summary_total_mismatch",
        "summary_measures_mismatch",
        "summary_status_mismatch",
        "summary_sum_mismatch",
        "summary_rate_mismatch",
        "summary_accountability_mismatch",
        "summary_institutions_mismatch",
        "category_count_mismatch",
    }
)

_N = rf"({NUMBER})"
_UNIT = r"\s*(?:个|项|条|件)"

# --- statuses ---------------------------------------------------------------------------------

_PARTIAL = re.compile(
    r"阶段性(?:完成|成效|成果|进展)|基本(?:完成|整改到位)|部分(?:完成|整改)|初步完成"
)
_IN_PROGRESS = re.compile(
    r"正在(?:整改|推进|落实|办理)|整改中|推进中|未完成|尚未(?:完成|整改|到位)|未整改|未到位|未到期"
)
_DONE = re.compile(r"完成|已整改|整改到位|已落实|已销号|办结")
_CONTINUING = re.compile(r"持续整改|长期坚持|常态(?:化)?坚持|持续推进")


def status_kind(text: str) -> str:
    """The class of a printed status: ``done``, ``partial``, ``in_progress`` or ``unknown``.

    阶段性完成/基本完成 are ``partial``; 正在整改/未完成 ``in_progress``; 完成/已整改
    ``done``; a status that only says 持续整改 or 长期坚持 is ``partial``.
    """
    if _PARTIAL.search(text):
        return "partial"
    if _IN_PROGRESS.search(text):
        return "in_progress"
    if _DONE.search(text):
        return "done"
    if _CONTINUING.search(text):
        return "partial"
    return "unknown"


def status_is_ongoing(status: ParsedStatus | None) -> bool:
    """True when the printed status says the work continues (长期坚持, 持续整改 …)."""
    return status is not None and (
        status.kind == "partial" or bool(_CONTINUING.search(status.text))
    )


# --- counts for a group of problems -----------------------------------------------------------

_TALLY_TOTAL = (
    re.compile(rf"共(?:[^,，。;；]{{0,30}}?)问题\s*(?:共)?\s*{_N}{_UNIT}"),
    re.compile(rf"共(?:[^,，。;；\d]{{0,12}}?){_N}{_UNIT}(?:具体)?问题"),
)
_TALLY_DONE = re.compile(
    rf"(?<!阶段性)(?<!基本)(?:已(?:全部)?(?:完成整改|整改完成|整改到位|落实整改|落实|整改|完成)"
    r"|完成整改|整改到位)"
    rf"\s*{_N}{_UNIT}"
)
_TALLY_PARTIAL = re.compile(rf"(?:阶段性完成|基本完成|部分整改|部分完成)\s*{_N}{_UNIT}")
_TALLY_IN_PROGRESS = re.compile(
    rf"(?:正在(?:整改|推进)|整改中|未完成整改|未完成|尚未完成|持续整改|未整改)\s*{_N}{_UNIT}"
)


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return cn_int(match.group(1)) if match else None


def read_tally(paragraph: Paragraph) -> ParsedTally | None:
    """Counts like 共发现问题3个,已整改2个,正在整改1个; ``None`` when there is no total."""
    text = paragraph.text
    total = next((_count(p, text) for p in _TALLY_TOTAL if p.search(text)), None)
    if total is None:
        return None
    return ParsedTally(
        total=total,
        done=_count(_TALLY_DONE, text),
        partial=_count(_TALLY_PARTIAL, text),
        in_progress=_count(_TALLY_IN_PROGRESS, text),
        text=text,
        lines=paragraph.lines,
    )


# --- summary figures --------------------------------------------------------------------------

_SUBJECT = re.compile(r"问题|措施|任务")
_SENTENCES = re.compile(r"[^。;；!！?？]+[。;；!！?？]?")
_PROBLEM_FIGURES: list[tuple[str, re.Pattern[str]]] = [
    (
        "problems_total",
        re.compile(
            rf"(?:共|反馈(?:的)?|发现(?:的)?|指出(?:的)?|交办(?:的)?|涉及)[^,，。;；]{{0,20}}?{_N}{_UNIT}"
            r"(?:具体)?问题"
        ),
    ),
    ("problems_total", re.compile(rf"问题\s*共\s*{_N}{_UNIT}")),
    ("problems_done", _TALLY_DONE),
    ("problems_partial", _TALLY_PARTIAL),
    ("problems_in_progress", _TALLY_IN_PROGRESS),
]
_MEASURE_FIGURES: list[tuple[str, re.Pattern[str]]] = [
    ("measures_total", re.compile(rf"(?:制定|明确|细化)[^,，。;；\d]{{0,10}}?{_N}{_UNIT}")),
    ("measures_done", _TALLY_DONE),
]
_RATE = re.compile(r"完成率\s*(?:达到?|为|是)?\s*(\d+(?:\.\d+)?)\s*[%％]")
_FORMS = r"(提醒谈话|批评教育|诫勉谈话|诫勉|组织处理|党纪政务处分|党纪处分|政务处分)"
_PEOPLE = r"\s*(?:人次|人|名)"
_FORM_FIRST = re.compile(rf"{_FORMS}\s*{_N}{_PEOPLE}")
_COUNT_FIRST = re.compile(rf"{_N}{_PEOPLE}[^,，。;；、\d]{{0,8}}?{_FORMS}")
_FORM_KEYS = {
    "提醒谈话": "reminder",
    "批评教育": "criticism",
    "诫勉谈话": "admonishment",
    "诫勉": "admonishment",
    "组织处理": "organisational",
    "党纪处分": "party_discipline",
    "政务处分": "government_discipline",
    "党纪政务处分": "discipline",
}
_ACCOUNTABILITY_TOTAL = re.compile(
    rf"(?:问责|追责问责|问责追责)(?:[^,，。;；\d]{{0,4}}?){_N}{_PEOPLE}"
)
_INSTITUTIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "institutions_revised",
        re.compile(rf"修订(?:完善)?(?:[^,，。;；\d]{{0,6}}?制度)?\s*{_N}{_UNIT}"),
    ),
    (
        "institutions_new",
        re.compile(rf"(?:新建|新制定|制定|出台|新出台)[^,，。;；\d]{{0,6}}?制度\s*{_N}{_UNIT}"),
    ),
    (
        "institutions_total",
        re.compile(
            rf"(?:建立健全|建立完善|健全完善|建章立制|完善)[^,，。;；\d]{{0,6}}?(?:制度)?\s*{_N}{_UNIT}"
        ),
    ),
]
_FUNDS = re.compile(
    r"(?:追缴|收回|挽回|退还|清退|追回|归还|返还|收缴|整改(?:问题)?金额|减少(?:经济)?损失)"
    r"[^,，。;；\d]{0,15}?(\d+(?:\.\d+)?)\s*(亿元|万元|元)"
)
_YUAN = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def _subject(sentence: str, at: int) -> str | None:
    """The noun a count refers to: the last 问题/措施 before ``at`` (the end of the count,
    so that 制定整改措施120项 is about measures), else the first after it."""
    before = [m.group(0) for m in _SUBJECT.finditer(sentence, 0, at)]
    if before:
        return before[-1]
    after = _SUBJECT.search(sentence, at)
    return after.group(0) if after else None


class _Collector:
    """Finds figures in one paragraph, never reading the same characters twice."""

    def __init__(self, paragraph: Paragraph) -> None:
        self.paragraph = paragraph
        self.taken: list[tuple[int, int]] = []
        self.figures: list[tuple[int, ParsedFigure]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def add(self, key: str, value: int | float | None, start: int, end: int) -> None:
        if value is None or not self.free(start, end):
            return
        self.taken.append((start, end))
        text = self.paragraph.text[start:end]
        figure = ParsedFigure(key, value, text, self.paragraph.span(start, end))
        self.figures.append((start, figure))

    def scan(self, key: str, pattern: re.Pattern[str], begin: int, end: int) -> None:
        for match in pattern.finditer(self.paragraph.text, begin, end):
            self.add(key, cn_int(match.group(1)), match.start(), match.end())

    def sentence(self, begin: int, end: int) -> None:
        text = self.paragraph.text
        for match in _RATE.finditer(text, begin, end):
            self.add("completion_rate", float(match.group(1)), match.start(), match.end())
        for match in _FUNDS.finditer(text, begin, end):
            amount = round(float(match.group(1)) * _YUAN[match.group(2)], 2)
            self.add("funds_yuan", amount, match.start(), match.end())
        for match in _FORM_FIRST.finditer(text, begin, end):
            self.add(_FORM_KEYS[match.group(1)], cn_int(match.group(2)), match.start(), match.end())
        for match in _COUNT_FIRST.finditer(text, begin, end):
            self.add(_FORM_KEYS[match.group(2)], cn_int(match.group(1)), match.start(), match.end())
        self.scan("accountability_total", _ACCOUNTABILITY_TOTAL, begin, end)
        if "制度" in text[begin:end]:
            for key, pattern in _INSTITUTIONS:
                self.scan(key, pattern, begin, end)
        sentence = text[begin:end]
        for key, pattern in _PROBLEM_FIGURES + _MEASURE_FIGURES:
            for match in pattern.finditer(text, begin, end):
                subject = _subject(sentence, match.end() - begin)
                wanted = "measures" if subject in ("措施", "任务") else "problems"
                if key.startswith(wanted):
                    self.add(key, cn_int(match.group(1)), match.start(), match.end())

    def run(self) -> list[ParsedFigure]:
        for match in _SENTENCES.finditer(self.paragraph.text):
            self.sentence(match.start(), match.end())
        return [figure for _, figure in sorted(self.figures, key=lambda item: item[0])]


def read_figures(paragraphs: Iterable[Paragraph]) -> tuple[ParsedFigure, ...]:
    """Every summary figure in ``paragraphs``, in document order."""
    figures: list[ParsedFigure] = []
    for paragraph in paragraphs:
        figures.extend(_Collector(paragraph).run())
    return tuple(figures)


def outside_body(paragraphs: Sequence[Paragraph], report: ParsedReport) -> list[Paragraph]:
    """The paragraphs not inside any category (introduction, organisation, next steps)."""
    spans = [c.lines for c in report.categories if c.lines is not None]
    contact = report.contact.text if report.contact else ""
    return [
        p
        for p in paragraphs
        if not any(a <= p.first <= b for a, b in spans) and (not contact or p.text not in contact)
    ]


# --- consistency ------------------------------------------------------------------------------


def problem_class(problem: ParsedProblem) -> str:
    """What the report claims for one problem: its printed status, else its stated counts."""
    if problem.status is not None and problem.status.kind != "unknown":
        return problem.status.kind
    stated = problem.stated
    if stated is not None and stated.planned is not None and stated.done is not None:
        return "done" if stated.done >= stated.planned else "in_progress"
    return "unknown"


_CLASS_ZH = {"done": "已完成", "partial": "阶段性完成", "in_progress": "正在整改"}


def _warning(code: str, zh: str, en: str, line: int | None) -> ParsedWarning:
    return ParsedWarning(code, f"{zh} / {en}", line)


def _first_line(figure: ParsedFigure | ParsedTally | None) -> int | None:
    return figure.lines[0] if figure is not None and figure.lines else None


def _compare_classes(
    where_zh: str,
    where_en: str,
    printed: dict[str, int | None],
    classes: Counter[str],
    code: str,
    line: int | None,
) -> list[ParsedWarning]:
    if classes["unknown"]:
        return []
    found: list[ParsedWarning] = []
    for kind, value in printed.items():
        if value is not None and value != classes[kind]:
            found.append(
                _warning(
                    code,
                    f"{where_zh}称{_CLASS_ZH[kind]}{value}个,逐个问题统计为{classes[kind]}个",
                    f"{where_en} states {value} {kind.replace('_', ' ')}, "
                    f"the problems listed give {classes[kind]}",
                    line,
                )
            )
    return found


def _tally_warnings(category: ParsedCategory) -> list[ParsedWarning]:
    tally = category.stated
    if tally is None:
        return []
    line = _first_line(tally)
    found: list[ParsedWarning] = []
    listed = len(category.problems)
    if tally.total is not None and tally.total != listed:
        found.append(
            _warning(
                "category_count_mismatch",
                f"“{category.title}”称共有问题{tally.total}个,实际列出{listed}个",
                f"“{category.title}” states {tally.total} problems but lists {listed}",
                line,
            )
        )
    classes = Counter(problem_class(p) for p in category.problems)
    printed = {"done": tally.done, "partial": tally.partial, "in_progress": tally.in_progress}
    found += _compare_classes(
        f"“{category.title}”",
        f"“{category.title}”",
        printed,
        classes,
        "category_count_mismatch",
        line,
    )
    return found


def _figure(report: ParsedReport, key: str) -> ParsedFigure | None:
    return next((f for f in report.summary if f.key == key), None)


def _arithmetic(report: ParsedReport) -> list[ParsedWarning]:
    found: list[ParsedWarning] = []
    total, done = _figure(report, "problems_total"), _figure(report, "problems_done")
    parts = [
        _figure(report, k) for k in ("problems_done", "problems_partial", "problems_in_progress")
    ]
    if total is not None and all(p is not None for p in parts):
        added = sum(int(p.value) for p in parts if p is not None)
        if added != total.value:
            found.append(
                _warning(
                    "summary_sum_mismatch",
                    f"已完成、阶段性完成、正在整改之和为{added},与问题总数{total.value}不符",
                    f"done + partial + in progress is {added}, not the total {total.value}",
                    _first_line(total),
                )
            )
    rate = _figure(report, "completion_rate")
    if rate is not None and total is not None and done is not None and total.value:
        expected = 100 * done.value / total.value
        if abs(expected - rate.value) > 0.6:
            found.append(
                _warning(
                    "summary_rate_mismatch",
                    f"完成率{rate.value:g}%与{done.value}/{total.value}={expected:.1f}%不符",
                    f"completion rate {rate.value:g}% differs from {done.value}/{total.value}"
                    f" = {expected:.1f}%",
                    _first_line(rate),
                )
            )
    forms = [f for f in report.summary if f.key in _FORM_KEYS.values()]
    people = _figure(report, "accountability_total")
    if people is not None and forms and sum(int(f.value) for f in forms) != people.value:
        added = sum(int(f.value) for f in forms)
        found.append(
            _warning(
                "summary_accountability_mismatch",
                f"问责{people.value}人次,各方式之和为{added}",
                f"{people.value} people held accountable, the forms listed add up to {added}",
                _first_line(people),
            )
        )
    institutions = _figure(report, "institutions_total")
    new, revised = _figure(report, "institutions_new"), _figure(report, "institutions_revised")
    if institutions is not None and new is not None and revised is not None:
        if new.value + revised.value != institutions.value:
            found.append(
                _warning(
                    "summary_institutions_mismatch",
                    f"制度总数{institutions.value}项,新建{new.value}项与修订{revised.value}项之和不符",
                    f"{institutions.value} institutions in all, but {new.value} new"
                    f" + {revised.value} revised",
                    _first_line(institutions),
                )
            )
    return found


def consistency_warnings(report: ParsedReport) -> list[ParsedWarning]:
    """Warnings where the printed figures and counts disagree with the problems listed."""
    found: list[ParsedWarning] = []
    problems = report.problems
    total = _figure(report, "problems_total")
    if total is not None and total.value != len(problems):
        found.append(
            _warning(
                "summary_total_mismatch",
                f"称共有问题{total.value}个,实际列出{len(problems)}个",
                f"the report states {total.value} problems but lists {len(problems)}",
                _first_line(total),
            )
        )
    measures = _figure(report, "measures_total")
    if measures is not None and measures.value != len(report.measures):
        found.append(
            _warning(
                "summary_measures_mismatch",
                f"称制定整改措施{measures.value}项,实际列出{len(report.measures)}项",
                f"the report states {measures.value} measures but lists {len(report.measures)}",
                _first_line(measures),
            )
        )
    printed = {
        kind: (f.value if (f := _figure(report, f"problems_{kind}")) is not None else None)
        for kind in ("done", "partial", "in_progress")
    }
    line = next(
        (_first_line(_figure(report, f"problems_{k}")) for k in printed if printed[k] is not None),
        None,
    )
    found += _compare_classes(
        "总体情况",
        "the summary",
        {k: int(v) if v is not None else None for k, v in printed.items()},
        Counter(problem_class(p) for p in problems),
        "summary_status_mismatch",
        line,
    )
    for category in report.categories:
        found += _tally_warnings(category)
    return found + _arithmetic(report)
