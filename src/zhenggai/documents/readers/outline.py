"""One engine for the layouts other than the progress bulletin, driven by a :class:`Spec`.

A spec says which paragraphs open an area (``(一)在“…”方面``), a category and a problem;
everything else is read the same way in every layout:

* ``整改情况:`` / ``整改措施:`` (a *label*) starts the measures of the current problem;
  when it begins with a count (``共制定5项整改措施,已完成5项``) that sentence is kept
  as the stated counts;
* ``整改状态:`` / ``完成情况:`` is the problem's printed status;
* ``共发现…问题3个,已整改2个`` before a category's first problem is its tally;
* a heading that holds the whole problem (``关于“…”的问题``) is followed directly by
  its measures; otherwise paragraphs before the label are the problem's text;
* measures are split on 一是/二是, (1), 1., ① (see :mod:`.measures`) or kept one per
  paragraph, grouped under ``在…方面:`` headings.

Whatever cannot be placed stops the reading with a :class:`ReportReadError` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .frame import Section, cn_int
from .labels import ABOUT, DONE, INLINE, LABEL, ONGOING, PLANNED, STATUS
from .measures import (
    GROUP,
    LEADING_MARKS,
    leading_marker,
    marker_family,
    marker_value,
    split_items,
)
from .model import (
    ParsedCategory,
    ParsedMeasure,
    ParsedProblem,
    ParsedStated,
    ParsedStatus,
    ParsedTally,
    ParsedWarning,
    ReportReadError,
)
from .source import Paragraph
from .summary import read_tally, status_kind


@dataclass(frozen=True)
class Spec:
    """What opens an area, a category and a problem in one layout.

    Each pattern has the number as group 1 and the rest of the line as group 2.
    ``needs_category``: a problem before any category is an error (else the problems
    go into one category named after the section). ``per_section``: each top-level
    section is a category (audit reports) instead of one section holding them all.
    """

    name: str
    problem: re.Pattern[str]
    category: re.Pattern[str] | None = None
    area: re.Pattern[str] | None = None
    needs_category: bool = False
    per_section: bool = False


@dataclass
class _Problem:
    number: str
    head: Paragraph
    text: list[str] = field(default_factory=list)
    whole_heading: bool = False
    stated: ParsedStated | None = None
    status: ParsedStatus | None = None
    measures: list[ParsedMeasure] = field(default_factory=list)
    in_measures: bool = False
    family: str | None = None
    last_ordinal: int = 0
    group: str | None = None
    pending_group: str | None = None
    last_line: int = 0


@dataclass
class _Category:
    number: str
    title: str
    head: Paragraph
    area: str | None
    tally: ParsedTally | None = None
    problems: list[ParsedProblem] = field(default_factory=list)


def _strip(text: str) -> str:
    return text.strip(LEADING_MARKS + "。.．")


class OutlineReader:
    """Reads the body paragraphs of one layout into categories."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.categories: list[ParsedCategory] = []
        self.category: _Category | None = None
        self.problem: _Problem | None = None
        self.area: tuple[str, Paragraph, int] | None = None  # title, heading, categories so far
        self.last_problem = 0
        self.default_title = "整改落实情况"
        self.warnings: list[ParsedWarning] = []

    def warn(self, code: str, zh: str, en: str, line: int | None) -> None:
        """Record a warning, its message in Chinese and English."""
        self.warnings.append(ParsedWarning(code, f"{zh} / {en}", line))

    # --- headings ---------------------------------------------------------------------------

    def continues_list(self, text: str, number: str, following: str) -> bool:
        """A heading-like ``2.`` that is really the next item of the current measure list.

        It is when the current problem is reading measures, the marker is of the list's
        family and next in sequence (or ``1`` right after a label), and the paragraph
        after it is not a status or label line — which would follow a problem heading.
        """
        problem = self.problem
        family = marker_family(text)
        if problem is None or not problem.in_measures or family is None:
            return False
        value = cn_int(number) or 0
        if problem.measures and problem.family is not None:
            fits = family == problem.family and value == problem.last_ordinal + 1
        else:
            fits = value == 1
        return fits and not (STATUS.match(following) or LABEL.match(following))

    def feed(self, paragraph: Paragraph, following: str = "") -> None:
        """Place one paragraph of the body; ``following`` is the text of the next one."""
        text, spec = paragraph.text, self.spec
        area = spec.area.match(text) if spec.area else None
        category = spec.category.match(text) if spec.category else None
        problem = spec.problem.match(text)
        if area is not None:
            self.close_category(paragraph.first)
            self.close_area(paragraph.first)
            self.area = (_strip(area.group(2)), paragraph, 0)
        elif category is not None and not self.continues_list(text, category.group(1), following):
            self.close_category(paragraph.first)
            self.open_category(category.group(1), category.group(2), paragraph)
        elif problem is not None and not self.continues_list(text, problem.group(1), following):
            self.open_problem(problem.group(1), paragraph, problem.start(2))
        else:
            self.body(paragraph, 0, len(text))

    def open_category(self, number: str, rest: str, paragraph: Paragraph) -> None:
        """Start a category; its title is the quoted text of 关于“…”问题, else the heading."""
        about = ABOUT.match(rest.strip())
        title = about.group("q") if about else _strip(rest)
        previous = cn_int(self.categories[-1].number) if self.categories else 0
        if cn_int(number) != (previous or 0) + 1:
            self.warn(
                "category_number_sequence",
                f"类别序号{number}不连续",
                f"category number {number} is out of sequence",
                paragraph.first,
            )
        area = self.area[0] if self.area else None
        if self.area is not None:
            self.area = (self.area[0], self.area[1], self.area[2] + 1)
        self.category = _Category(number, title or self.default_title, paragraph, area)

    def close_area(self, stop_line: int) -> None:
        """End the current area; an area with no category under it is an error."""
        if self.area is not None and self.area[2] == 0:
            raise ReportReadError(
                f"“{self.area[0]}”下没有问题类别",
                f"“{self.area[0]}” has no categories under it",
                stop_line,
            )
        self.area = None

    def close_category(self, stop_line: int) -> None:
        """End the current category (and its last problem); an empty one is an error."""
        self.close_problem(stop_line)
        category = self.category
        if category is None:
            return
        if not category.problems:
            raise ReportReadError(
                f"类别{category.number}“{category.title[:20]}”下没有问题",
                f"category {category.number} “{category.title[:20]}” has no problems",
                stop_line,
            )
        last = category.problems[-1].lines
        self.categories.append(
            ParsedCategory(
                number=category.number,
                title=category.title,
                problems=tuple(category.problems),
                lines=(category.head.first, last[1] if last else category.head.last),
                area=category.area,
                stated=category.tally,
            )
        )
        self.category = None

    def open_problem(self, number: str, paragraph: Paragraph, offset: int) -> None:
        """Start a problem; a 关于“…”的问题 heading holds its whole text."""
        if self.category is None:
            if self.spec.needs_category:
                raise ReportReadError(
                    f"问题{number}之前没有问题类别",
                    f"problem {number} comes before any category",
                    paragraph.first,
                )
            self.category = _Category("1", self.default_title, paragraph, None)
        self.close_problem(paragraph.first)
        value = cn_int(number) or 0
        if value != self.last_problem + 1 and not (value == 1 and not self.category.problems):
            self.warn(
                "problem_number_sequence",
                f"问题序号{number}不连续(上一个为{self.last_problem})",
                f"problem number {number} does not follow {self.last_problem}",
                paragraph.first,
            )
        self.last_problem = value
        problem = _Problem(number, paragraph, last_line=paragraph.last)
        self.problem = problem
        text = paragraph.text
        offset += len(text[offset:]) - len(text[offset:].lstrip(LEADING_MARKS))
        about = ABOUT.match(text[offset:])
        if about is not None:
            problem.text.append(about.group("q"))
            problem.whole_heading = True
            rest = offset + about.end()
        else:
            inline = INLINE.search(text, offset)
            rest = inline.start() if inline else len(text)
            if text[offset:rest].strip():
                problem.text.append(text[offset:rest].strip())
        if text[rest:].strip(LEADING_MARKS):
            self.body(paragraph, rest, len(text))

    def close_problem(self, stop_line: int) -> None:
        """End the current problem; one without text or measures is an error."""
        problem = self.problem
        if problem is None:
            return
        self.problem = None
        number = problem.number
        if not problem.text:
            raise ReportReadError(
                f"问题{number}没有内容", f"problem {number} has no text", problem.head.first
            )
        if not problem.measures:
            raise ReportReadError(
                f"问题{number}之后未找到整改措施(应如“整改情况:一是…”)",
                f"problem {number} is followed by no measures (expected like “整改情况:一是…”)",
                stop_line,
            )
        self.check_counts(problem)
        assert self.category is not None
        self.category.problems.append(
            ParsedProblem(
                number=number,
                text="\n".join(problem.text),
                stated=problem.stated,
                measures=tuple(problem.measures),
                lines=(problem.head.first, problem.last_line),
                status=problem.status,
            )
        )

    def check_counts(self, problem: _Problem) -> None:
        """Warn when the stated counts differ from the measures listed."""
        stated, listed, number = problem.stated, len(problem.measures), problem.number
        if stated is None or stated.planned is None:
            return
        line = stated.lines[0] if stated.lines else None
        if stated.planned != listed:
            self.warn(
                "stated_count_mismatch",
                f"问题{number}称制定{stated.planned}项整改措施,实际列出{listed}项",
                f"problem {number} states {stated.planned} measures but lists {listed}",
                line,
            )
        if stated.done is not None and stated.done > stated.planned:
            self.warn(
                "stated_done_exceeds_planned",
                f"问题{number}称已落实{stated.done}项,多于制定的{stated.planned}项",
                f"problem {number} states {stated.done} done of {stated.planned} planned",
                line,
            )

    # --- the body of a problem -------------------------------------------------------------------

    def body(self, paragraph: Paragraph, start: int, end: int) -> None:
        """Read ``paragraph.text[start:end]``: a label, a status, problem text or measures."""
        text = paragraph.text
        start += len(text[start:end]) - len(text[start:end].lstrip(LEADING_MARKS))
        if start >= end:
            return
        problem = self.problem
        if problem is None:
            self.outside(paragraph, start)
            return
        piece = text[start:end]
        inline = INLINE.search(text, start + 1, end)
        if (status := STATUS.match(piece)) is not None:
            stop = inline.start() if inline else end
            sentence = text[start:stop].strip()
            problem.status = ParsedStatus(
                status_kind(text[start + status.end() : stop]),
                sentence,
                paragraph.span(start, stop),
            )
            problem.last_line = max(problem.last_line, paragraph.line_at(stop - 1))
            if inline:
                self.body(paragraph, inline.start(), end)
            return
        if (label := LABEL.match(piece)) is not None:
            stop = INLINE.search(text, start + label.end(), end)
            self.label(paragraph, start, start + label.end(), stop.start() if stop else end)
            if stop is not None:
                self.body(paragraph, stop.start(), end)
            return
        if inline is not None:  # measures, then 完成情况: on the same line
            self.body(paragraph, start, inline.start())
            self.body(paragraph, inline.start(), end)
            return
        if not problem.in_measures:
            if (
                problem.whole_heading
                or marker_family(piece) in ("cn", "circle")
                or GROUP.match(piece)
            ):
                problem.in_measures = True
            else:
                problem.text.append(piece.strip())
                problem.last_line = paragraph.line_at(end - 1)
                return
        self.measures(paragraph, start, end)

    def outside(self, paragraph: Paragraph, start: int) -> None:
        """A paragraph before any problem: a category's tally, or a warning."""
        category = self.category
        tally = read_tally(paragraph) if start == 0 else None
        if category is not None and not category.problems and tally is not None:
            category.tally = tally
            return
        self.warn(
            "text_outside_structure",
            f"未归入任何问题的文字未读取:“{paragraph.text[start : start + 30]}…”",
            f"text outside any problem was not read: “{paragraph.text[start : start + 30]}…”",
            paragraph.line_at(start),
        )

    def label(self, paragraph: Paragraph, start: int, content: int, end: int) -> None:
        """``整改情况:`` — measures follow, perhaps after a sentence of counts."""
        problem = self.problem
        assert problem is not None
        text = paragraph.text
        if problem.in_measures and problem.measures and problem.stated is not None:
            raise ReportReadError(
                f"问题{problem.number}有第二个“{text[start:content].strip()}”,无法确定措施归属",
                f"problem {problem.number} has a second “{text[start:content].strip()}”; "
                "measures cannot be assigned",
                paragraph.first,
            )
        problem.in_measures = True
        problem.family, problem.last_ordinal = None, 0
        stop = text.find("。", content, end)
        sentence_end = stop + 1 if stop >= 0 else end
        sentence = text[content:sentence_end]
        planned = PLANNED.search(sentence)
        if planned is not None and marker_family(sentence) is None and len(sentence) <= 80:
            done = DONE.search(sentence, planned.end())
            problem.stated = ParsedStated(
                planned=cn_int(planned.group(1)),
                done=cn_int(done.group(1)) if done else None,
                ongoing=bool(ONGOING.search(sentence)),
                text=text[start:sentence_end],
                lines=paragraph.span(start, sentence_end),
            )
            content = sentence_end
        if text[content:end].strip(LEADING_MARKS):
            self.measures(paragraph, content, end)

    def measures(self, paragraph: Paragraph, start: int, end: int) -> None:
        """Split ``paragraph.text[start:end]`` into measures of the current problem."""
        problem = self.problem
        assert problem is not None
        text = paragraph.text
        start += len(text[start:end]) - len(text[start:end].lstrip(LEADING_MARKS))
        group_match = GROUP.match(text, start, end)
        group: str | None
        if group_match is not None:
            group = group_match.group(1)
            start = group_match.end()
            problem.pending_group = None
            if not text[start:end].strip(LEADING_MARKS):
                problem.pending_group = group
                return
        else:
            group = problem.pending_group
        body = text[start:end]
        stripped = body.lstrip(LEADING_MARKS)
        lead = leading_marker(stripped)
        continuing = (
            lead is not None
            and marker_family(stripped) == problem.family
            and marker_value(lead) == problem.last_ordinal + 1
            and marker_value(lead) > 1
        )
        family, items = split_items(body, problem.family if continuing else None)
        if continuing and group is None and group_match is None:
            group = problem.group
        for item in items:
            self.add_measure(
                paragraph, start + item.start, start + item.end, group, item.marker, items
            )
        problem.family = family or problem.family
        problem.group = group

    def add_measure(
        self,
        paragraph: Paragraph,
        start: int,
        end: int,
        group: str | None,
        marker: str | None,
        items: Sequence[object],
    ) -> None:
        """Append one measure, warning about empty items and ordinals out of sequence."""
        problem = self.problem
        assert problem is not None
        raw = paragraph.text[start:end]
        start += len(raw) - len(raw.lstrip(LEADING_MARKS))
        end -= len(raw) - len(raw.rstrip())
        if start >= end:
            if marker is not None:
                self.warn(
                    "empty_measure",
                    f"问题{problem.number}的“{marker}”没有内容",
                    f"problem {problem.number}: “{marker}” has no text",
                    paragraph.line_at(max(start - 1, 0)),
                )
            return
        if marker is not None:
            value = marker_value(marker)
            if value not in (1, problem.last_ordinal + 1):
                self.warn(
                    "ordinal_sequence",
                    f"问题{problem.number}的“{marker}”不连续",
                    f"problem {problem.number}: “{marker}” is out of sequence",
                    paragraph.line_at(start),
                )
            problem.last_ordinal = value
        elif len(items) > 1:
            self.warn(
                "unnumbered_text",
                f"问题{problem.number}中编号之前的文字作为一项措施读取",
                f"problem {problem.number}: text before the first list marker read as a measure",
                paragraph.line_at(start),
            )
        problem.measures.append(
            ParsedMeasure(paragraph.text[start:end], group, marker, paragraph.span(start, end))
        )
        problem.last_line = max(problem.last_line, paragraph.line_at(end - 1))

    # --- a whole body ------------------------------------------------------------------------

    def read(self, sections: Sequence[Section], stop_line: int) -> tuple[ParsedCategory, ...]:
        """Read the body sections; raises when no problem is found or a problem is incomplete."""
        for index, section in enumerate(sections):
            self.default_title = _section_title(section.title)
            if self.spec.per_section:
                self.close_category(section.head.first)
                self.category = _Category(section.number, self.default_title, section.head, None)
            body = section.body
            for index_in, paragraph in enumerate(body):
                following = body[index_in + 1].text if index_in + 1 < len(body) else ""
                self.feed(paragraph, following)
            if self.spec.per_section and index + 1 < len(sections):
                self.close_category(sections[index + 1].head.first)
        self.close_category(stop_line)
        self.close_area(stop_line)
        if not self.categories:
            raise ReportReadError(
                "整改情况部分中未找到问题",
                "no problems found in the rectification section",
                stop_line,
            )
        return tuple(self.categories)


_SECTION_SUFFIX = re.compile(r"(?:的)?(?:整改(?:落实)?情况|整改)$")


def _section_title(title: str) -> str:
    """``预算管理方面问题的整改情况`` → ``预算管理方面问题``; a plain title is kept."""
    stripped = _SECTION_SUFFIX.sub("", title.strip()).strip()
    return stripped or title.strip()
