"""Layout ``progress-bulletin``: the 巡察整改进展情况通报 with numbered categories and problems.

::

    一、整改工作组织情况                      → organisation_text
    二、整改落实情况
    1.关于“…”问题的整改。                    → category, title = the quoted text
    (1)…                                     → problem, numbered straight through
    整改落实情况:共制定6项整改措施,已落实整改6项,并常态坚持。   → stated
    在…方面:一是…。二是…。                   → measures, grouped under 在…方面
    三、下一步…                               → next_steps_text
    欢迎…联系方式…  /  issuer  /  date        → contact, issuer, report_date

Each 一是/二是… item is one measure; a paragraph without such items is one measure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .frame import (
    NUMBER,
    Section,
    cn_int,
    read_closing,
    read_intro,
    split_sections,
    unit_from_issuer,
)
from .model import (
    ParsedCategory,
    ParsedMeasure,
    ParsedProblem,
    ParsedReport,
    ParsedStated,
    ParsedWarning,
    ReportReadError,
)
from .source import Paragraph

NAME = "progress-bulletin"

_MAIN = re.compile(r"整改(?:落实|进展)?情况")
_NEXT = re.compile(r"下一步|今后|计划|打算")
_CATEGORY = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(\S.*)$")
_CATEGORY_TITLE = re.compile(
    r"^关于\s*[“\"「『](.+)[”\"」』]\s*(?:等)?(?:方面)?(?:的)?问题的?(?:整改(?:情况)?)?\s*[。.．]?$"
)
_PROBLEM = re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*")
_SUBHEADING = re.compile(r"^[(（]\s*[一二三四五六七八九十]+\s*[)）]")
_STATED = re.compile(r"^整改(?:落实|进展)情况\s*[:：]")
_PLANNED = re.compile(rf"制定(?:了)?\s*({NUMBER})\s*(?:项|条)")
_DONE = re.compile(rf"已(?:经)?(?:落实|完成)(?:整改)?\s*({NUMBER})\s*(?:项|条)")
_ONGOING = re.compile(r"常态(?:化)?坚持|长期坚持")
_GROUP = re.compile(r"^(在[^:：。;；]{1,40}?方面)\s*[:：]")
_ORDINAL = re.compile(r"(?:^|(?<=[。;；:：]))[ \u3000]*([一二三四五六七八九十]{1,3}是)(?!否)")
_LEADING_MARKS = " \u3000:：,，、"
_BARE_LABEL = re.compile(r"^(?:整改措施|具体措施|主要措施)\s*[:：]\s*$")


def detect(paragraphs: Sequence[Paragraph]) -> bool:
    """True when the text has a 整改落实情况 section, ``N.`` categories and ``(N)`` problems."""
    _, sections = split_sections(list(paragraphs))
    main = _main_section(sections)
    if main is None:
        return False
    return any(_CATEGORY.match(p.text) for p in main.body) and any(
        _PROBLEM.match(p.text) for p in main.body
    )


def _main_section(sections: Sequence[Section]) -> Section | None:
    return next((s for s in sections if _MAIN.search(s.title) and "组织" not in s.title), None)


@dataclass
class _Problem:
    number: str
    head: Paragraph
    text: list[str] = field(default_factory=list)
    stated: ParsedStated | None = None
    stated_line: int | None = None
    measures: list[ParsedMeasure] = field(default_factory=list)
    pending_group: str | None = None
    last_group: str | None = None
    last_ordinal: int = 0
    labelled: bool = False

    @property
    def reading_measures(self) -> bool:
        return self.stated is not None or bool(self.measures) or self.labelled


@dataclass
class _Category:
    number: str
    title: str
    head: Paragraph
    problems: list[ParsedProblem] = field(default_factory=list)


class _BodyReader:
    """Reads the paragraphs of the 整改落实情况 section into categories."""

    def __init__(self, section: Section) -> None:
        self.section = section
        self.categories: list[ParsedCategory] = []
        self.category: _Category | None = None
        self.problem: _Problem | None = None
        self.last_problem = 0
        self.warnings: list[ParsedWarning] = []

    def warn(self, code: str, zh: str, en: str, line: int | None) -> None:
        self.warnings.append(ParsedWarning(code, f"{zh} / {en}", line))

    def read(self, stop_line: int) -> tuple[ParsedCategory, ...]:
        for paragraph in self.section.body:
            self.feed(paragraph)
        self.close_category(stop_line)
        if not self.categories:
            raise ReportReadError(
                "“整改落实情况”部分中未找到问题(应如“1.关于“…”问题的整改。”和“(1)…”)",
                "no problems found in the 整改落实情况 section "
                "(expected “1.关于“…”问题的整改。” and “(1)…”)",
                stop_line,
            )
        return tuple(self.categories)

    def feed(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        if category := _CATEGORY.match(text):
            self.close_category(paragraph.first)
            self.open_category(category.group(1), category.group(2), paragraph)
        elif problem := _PROBLEM.match(text):
            self.open_problem(problem.group(1), text[problem.end() :], paragraph)
        elif _STATED.match(text):
            self.stated(paragraph)
        elif _BARE_LABEL.match(text) and self.problem is not None:
            self.problem.labelled = True  # 整改措施: on its own, e.g. before a table of measures
        elif self.problem is None:
            self.warn(
                "text_outside_structure",
                f"未归入任何问题的文字未读取:“{text[:30]}…”",
                f"text outside any problem was not read: “{text[:30]}…”",
                paragraph.first,
            )
        elif self.problem.reading_measures:
            self.check_subheading(paragraph, "措施", "a measure")
            self.measures(paragraph, 0)
        elif _GROUP.match(text) or _ORDINAL.match(text):
            self.warn(
                "stated_missing",
                f"问题({self.problem.number})缺少“整改落实情况”句,直接列出措施",
                f"problem ({self.problem.number}) lists measures without a 整改落实情况 sentence",
                paragraph.first,
            )
            self.measures(paragraph, 0)
        else:
            self.check_subheading(paragraph, "问题内容", "problem text")
            self.problem.text.append(text)

    def check_subheading(self, paragraph: Paragraph, as_zh: str, as_en: str) -> None:
        """Warn when a ``(一)`` sub-heading, foreign to this layout, is read as body text."""
        if self.problem is not None and _SUBHEADING.match(paragraph.text):
            number, start = self.problem.number, paragraph.text[:20]
            self.warn(
                "unexpected_heading",
                f"“{start}…”像是小标题,已作为问题({number})的{as_zh}读取",
                f"“{start}…” looks like a sub-heading; read as {as_en} of problem ({number})",
                paragraph.first,
            )

    def open_category(self, number: str, rest: str, paragraph: Paragraph) -> None:
        title = _CATEGORY_TITLE.match(rest)
        previous = int(self.categories[-1].number) if self.categories else 0
        if int(number) != previous + 1:
            self.warn(
                "category_number_sequence",
                f"类别序号{number}不连续(上一个为{previous})",
                f"category number {number} does not follow {previous}",
                paragraph.first,
            )
        self.category = _Category(
            number, title.group(1) if title else rest.rstrip("。.． "), paragraph
        )

    def close_category(self, stop_line: int) -> None:
        self.close_problem(stop_line)
        category = self.category
        if category is None:
            return
        if not category.problems:
            raise ReportReadError(
                f"类别{category.number}下没有问题(应有“(1)…”)",
                f"category {category.number} has no problems (expected “(1)…”)",
                stop_line,
            )
        last = category.problems[-1].lines
        self.categories.append(
            ParsedCategory(
                number=category.number,
                title=category.title,
                problems=tuple(category.problems),
                lines=(category.head.first, last[1] if last else category.head.last),
            )
        )
        self.category = None

    def open_problem(self, number: str, rest: str, paragraph: Paragraph) -> None:
        if self.category is None:
            raise ReportReadError(
                f"问题({number})之前没有问题类别(应有“1.关于“…”问题的整改。”)",
                f"problem ({number}) comes before any category (expected “1.关于“…”问题的整改。”)",
                paragraph.first,
            )
        self.close_problem(paragraph.first)
        if int(number) != self.last_problem + 1 and not (
            int(number) == 1 and not self.category.problems
        ):
            self.warn(
                "problem_number_sequence",
                f"问题序号({number})不连续(上一个为({self.last_problem}))",
                f"problem number ({number}) does not follow ({self.last_problem})",
                paragraph.first,
            )
        self.last_problem = int(number)
        self.problem = _Problem(number, paragraph, [rest] if rest.strip() else [])

    def close_problem(self, stop_line: int) -> None:
        problem = self.problem
        if problem is None:
            return
        self.problem = None
        number = problem.number
        if not problem.text:
            raise ReportReadError(
                f"问题({number})没有内容", f"problem ({number}) has no text", problem.head.first
            )
        if not problem.measures:
            if problem.stated is None:
                zh = f"问题({number})之后未找到“整改落实情况”和整改措施"
                en = f"problem ({number}) is followed by neither 整改落实情况 nor measures"
            else:
                zh = f"问题({number})的“整改落实情况”之后没有整改措施"
                en = f"problem ({number}) has a 整改落实情况 sentence but no measures"
            raise ReportReadError(zh, en, stop_line)
        self.check_counts(problem)
        assert self.category is not None
        last = problem.measures[-1].lines
        self.category.problems.append(
            ParsedProblem(
                number=number,
                text="\n".join(problem.text),
                stated=problem.stated,
                measures=tuple(problem.measures),
                lines=(problem.head.first, last[1] if last else problem.head.last),
            )
        )

    def check_counts(self, problem: _Problem) -> None:
        stated, listed, number = problem.stated, len(problem.measures), problem.number
        if stated is None or stated.planned is None:
            return
        if stated.planned != listed:
            self.warn(
                "stated_count_mismatch",
                f"问题({number})称制定{stated.planned}项整改措施,实际列出{listed}项",
                f"problem ({number}) states {stated.planned} measures but lists {listed}",
                problem.stated_line,
            )
        if stated.done is not None and stated.done > stated.planned:
            self.warn(
                "stated_done_exceeds_planned",
                f"问题({number})称已落实{stated.done}项,多于制定的{stated.planned}项",
                f"problem ({number}) states {stated.done} done of {stated.planned} planned",
                problem.stated_line,
            )

    def stated(self, paragraph: Paragraph) -> None:
        problem = self.problem
        if problem is None:
            raise ReportReadError(
                "“整改落实情况”之前没有问题(应有“(1)…”)",
                "a 整改落实情况 sentence comes before any problem (expected “(1)…”)",
                paragraph.first,
            )
        if problem.reading_measures:
            raise ReportReadError(
                f"问题({problem.number})有第二个“整改落实情况”,无法确定措施归属",
                f"problem ({problem.number}) has a second 整改落实情况; "
                "measures cannot be assigned",
                paragraph.first,
            )
        text = paragraph.text
        end = text.find("。") + 1 or len(text)
        sentence = text[:end]
        planned, done = _PLANNED.search(sentence), _DONE.search(sentence)
        problem.stated = ParsedStated(
            planned=cn_int(planned.group(1)) if planned else None,
            done=cn_int(done.group(1)) if done else None,
            ongoing=bool(_ONGOING.search(sentence)),
            text=sentence,
            lines=paragraph.span(0, end),
        )
        problem.stated_line = paragraph.first
        if planned is None:
            self.warn(
                "stated_unparsed",
                f"问题({problem.number})的“整改落实情况”未写明措施数",
                f"problem ({problem.number}): the 整改落实情况 sentence gives no measure count",
                paragraph.first,
            )
        if text[end:].strip():
            self.measures(paragraph, end)

    def measures(self, paragraph: Paragraph, offset: int) -> None:
        """Read one measure paragraph (from ``offset``) into the current problem's measures."""
        problem = self.problem
        assert problem is not None
        text = paragraph.text
        offset += len(text[offset:]) - len(text[offset:].lstrip(_LEADING_MARKS))
        group_match = _GROUP.match(text[offset:])
        if group_match is not None:
            group: str | None = group_match.group(1)
            offset += group_match.end()
            problem.pending_group = None
            if not text[offset:].strip(_LEADING_MARKS):  # a heading line: items follow
                problem.pending_group = group
                return
        else:
            group = problem.pending_group
        body = text[offset:]
        items = list(_ORDINAL.finditer(body))
        if group is None and group_match is None and items and items[0].start() == 0:
            value = cn_int(items[0].group(1)[:-1]) or 0
            if value == problem.last_ordinal + 1 and value > 1:
                group = problem.last_group  # 二是… continuing a list begun under a heading
        bounds = [(None, 0)] + [(m.group(1), m.end()) for m in items]
        ends = [m.start() for m in items] + [len(body)]
        for (ordinal, start), end in zip(bounds, ends, strict=True):
            if ordinal is None and not body[start:end].strip(_LEADING_MARKS):
                continue
            if ordinal is None and items:
                self.warn(
                    "unnumbered_text",
                    f"问题({problem.number})中“{items[0].group(1)}”之前的文字作为一项措施读取",
                    f"problem ({problem.number}): text before “{items[0].group(1)}” "
                    "read as a measure of its own",
                    paragraph.line_at(offset + start),
                )
            self.add_measure(paragraph, offset + start, offset + end, group, ordinal)
        problem.last_group = group

    def add_measure(
        self, paragraph: Paragraph, start: int, end: int, group: str | None, ordinal: str | None
    ) -> None:
        problem = self.problem
        assert problem is not None
        raw = paragraph.text[start:end]
        start += len(raw) - len(raw.lstrip(_LEADING_MARKS))
        end -= len(raw) - len(raw.rstrip())
        if start >= end:
            self.warn(
                "empty_measure",
                f"问题({problem.number})的“{ordinal}”没有内容",
                f"problem ({problem.number}): “{ordinal}” has no text",
                paragraph.line_at(start),
            )
            return
        if ordinal is not None:
            value = cn_int(ordinal[:-1]) or 0
            if value not in (1, problem.last_ordinal + 1):
                self.warn(
                    "ordinal_sequence",
                    f"问题({problem.number})的“{ordinal}”不连续",
                    f"problem ({problem.number}): “{ordinal}” is out of sequence",
                    paragraph.line_at(start),
                )
            problem.last_ordinal = value
        else:
            problem.last_ordinal = 0
        problem.measures.append(
            ParsedMeasure(
                text=paragraph.text[start:end],
                group=group,
                ordinal=ordinal,
                lines=paragraph.span(start, end),
            )
        )


def _rest_text(sections: Sequence[Section]) -> str:
    if len(sections) == 1:
        return sections[0].text
    return "\n".join("\n".join([s.head.text, *[p.text for p in s.body]]) for s in sections)


def read(paragraphs: Sequence[Paragraph]) -> ParsedReport:
    """Read a progress bulletin; raises ``ReportReadError`` where the structure breaks."""
    paragraphs = list(paragraphs)
    closing = read_closing(paragraphs)
    preamble, sections = split_sections(paragraphs[: closing.start])
    main = _main_section(sections)
    last_line = paragraphs[-1].last
    if main is None:
        raise ReportReadError(
            "未找到“二、整改落实情况”部分",
            "no section headed 整改落实情况 (like “二、整改落实情况”)",
            last_line,
        )
    index = sections.index(main)
    after = sections[index + 1 :]
    stop_line = (
        after[0].head.first
        if after
        else (paragraphs[closing.start].first if closing.start < len(paragraphs) else last_line)
    )
    body = _BodyReader(main)
    categories = body.read(stop_line)
    first_line = sections[0].head.first
    intro = read_intro(preamble, first_line)
    warnings = list(body.warnings)
    next_steps = [s for s in after if _NEXT.search(s.title)]
    for section in after:
        if section not in next_steps:
            warnings.append(
                ParsedWarning(
                    "section_unrecognised",
                    f"未识别的部分“{section.title}”并入下一步计划文字"
                    f" / section “{section.title}” not recognised, kept with next_steps_text",
                    section.head.first,
                )
            )
    if not intro.title:
        warnings.append(ParsedWarning("title_missing", "未找到标题 / no title line", 1))
    warnings.extend(closing.warnings)
    if not intro.period_start <= intro.period_end <= intro.feedback_date:
        warnings.append(
            ParsedWarning(
                "dates_out_of_order",
                "巡察起止与反馈日期先后顺序不对 / the period and feedback dates are out of order",
                intro.line,
            )
        )
    return ParsedReport(
        title=intro.title,
        issuer=closing.issuer,
        unit=unit_from_issuer(closing.issuer) or intro.unit,
        team=intro.team,
        period_start=intro.period_start,
        period_end=intro.period_end,
        feedback_date=intro.feedback_date,
        report_date=closing.report_date,
        categories=categories,
        intro_text=intro.text,
        organisation_text=_rest_text(sections[:index]) if index else "",
        next_steps_text=_rest_text(after) if after else "",
        contact=closing.contact,
        warnings=tuple(sorted(warnings, key=lambda w: (w.line is None, w.line or 0))),
        layout=NAME,
        fact_lines=tuple(sorted({**intro.lines, **closing.lines}.items())),
    )
