"""The layouts read by the outline engine: how to recognise each, and the whole report.

========================  ==================================================================
``three-level``           ``(一)在“…”方面`` → ``1.关于“…”问题的整改`` → ``(1)关于“…”的问题`` →
                          ``整改情况:一是…``
``feedback-status``       ``(一)反馈问题:…`` → ``1.<problem>`` → ``整改状态:完成`` →
                          ``整改情况:一是…``
``numbered-problems``     ``问题1:…`` numbered straight through, ``整改措施:1.…``, then
                          ``完成情况:…``; ``(一)…`` categories optional
``flat-list``             ``1.关于“…”的问题`` and its measures as one paragraph
``audit``                 ``一、…方面问题的整改情况`` per area with ``共…问题N个,已整改N个…``,
                          problems ``(一)…`` under it
========================  ==================================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .frame import Section, read_closing, read_intro, split_sections, unit_from_issuer
from .model import ParsedReport, ParsedWarning, ReportReadError
from .outline import OutlineReader, Spec
from .source import Paragraph

_CN = r"[一二三四五六七八九十]+"
_NEXT = re.compile(r"下一步|今后|计划|打算")

THREE_LEVEL = Spec(
    name="three-level",
    area=re.compile(rf"^[(（]\s*({_CN})\s*[)）]\s*(在\s*\S.{{0,40}}?方面.{{0,10}})$"),
    category=re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(关于\s*[“\"「『].+)$"),
    problem=re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*(.*)$"),
    needs_category=True,
)
FEEDBACK_STATUS = Spec(
    name="feedback-status",
    category=re.compile(
        rf"^[(（]\s*({_CN})\s*[)）]\s*(?:(?:巡察|巡视)?反馈(?:的)?问题\s*[:：]\s*)?(\S.*)$"
    ),
    problem=re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(\S.*)$"),
    needs_category=True,
)
NUMBERED_PROBLEMS = Spec(
    name="numbered-problems",
    category=re.compile(rf"^[(（]\s*({_CN})\s*[)）]\s*(\S.*)$"),
    problem=re.compile(r"^问题\s*(\d{1,3})\s*[:：.．、]\s*(.*)$"),
)
FLAT_LIST = Spec(
    name="flat-list",
    problem=re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(关于\s*[“\"「『].+)$"),
)
AUDIT = Spec(
    name="audit",
    problem=re.compile(rf"^[(（]\s*(\d{{1,3}}|{_CN})\s*[)）]\s*(\S.*)$"),
    per_section=True,
)

_AUDIT_SECTION = re.compile(
    r"^(?!.*(?:总体|基本情况|下一步|组织)).{1,30}?方面.{0,6}?问题.{0,4}?整改"
)
_FEEDBACK_HEADING = re.compile(rf"^[(（]\s*{_CN}\s*[)）]\s*(?:巡察|巡视)?反馈(?:的)?问题\s*[:：]")
_STATUS_LINE = re.compile(r"^整改状态\s*[:：]")
_NUMBERED_PROBLEM = re.compile(r"^问题\s*\d{1,3}\s*[:：]")
_BRACKETED_NUMBER = re.compile(r"^[(（]\s*\d")


def _sections(paragraphs: Sequence[Paragraph]) -> list[Section]:
    return split_sections(list(paragraphs))[1]


def _count(pattern: re.Pattern[str] | None, section: Section) -> int:
    if pattern is None:
        return 0
    return sum(1 for p in section.body if pattern.match(p.text))


def _main(spec: Spec, sections: Sequence[Section]) -> Section | None:
    """The section holding most problem headings of ``spec``, if any holds one."""
    best = max(sections, key=lambda s: _count(spec.problem, s), default=None)
    return best if best is not None and _count(spec.problem, best) else None


def body_sections(spec: Spec, sections: Sequence[Section]) -> list[Section]:
    """The sections holding the problems: the audit areas, or the one main section."""
    if spec.per_section:
        return [s for s in sections if _AUDIT_SECTION.match(s.title)]
    main = _main(spec, sections)
    return [main] if main is not None else []


def detect_audit(paragraphs: Sequence[Paragraph]) -> bool:
    """Top-level sections named like ``一、预算管理方面问题的整改情况`` with ``(一)`` problems."""
    areas = body_sections(AUDIT, _sections(paragraphs))
    return bool(areas) and all(_count(AUDIT.problem, s) for s in areas)


def detect_three_level(paragraphs: Sequence[Paragraph]) -> bool:
    """``(一)在“…”方面`` areas over ``1.关于“…”`` categories over ``(1)`` problems."""
    main = _main(THREE_LEVEL, _sections(paragraphs))
    return main is not None and bool(
        _count(THREE_LEVEL.area, main) and _count(THREE_LEVEL.category, main)
    )


def detect_feedback_status(paragraphs: Sequence[Paragraph]) -> bool:
    """``(一)反馈问题:`` headings, or ``整改状态:`` lines under ``1.`` problems."""
    main = _main(FEEDBACK_STATUS, _sections(paragraphs))
    if main is None:
        return False
    return bool(_count(_FEEDBACK_HEADING, main) or _count(_STATUS_LINE, main))


def detect_numbered_problems(paragraphs: Sequence[Paragraph]) -> bool:
    """Problems headed ``问题1:``."""
    main = _main(NUMBERED_PROBLEMS, _sections(paragraphs))
    return main is not None and _count(_NUMBERED_PROBLEM, main) > 0


def detect_flat_list(paragraphs: Sequence[Paragraph]) -> bool:
    """``1.关于“…”的问题`` headings and no ``(1)`` numbering beside them."""
    main = _main(FLAT_LIST, _sections(paragraphs))
    return main is not None and _count(_BRACKETED_NUMBER, main) == 0


def _rest_text(sections: Sequence[Section]) -> str:
    if len(sections) == 1:
        return sections[0].text
    return "\n".join("\n".join([s.head.text, *[p.text for p in s.body]]) for s in sections)


def read_layout(spec: Spec, paragraphs: Sequence[Paragraph]) -> ParsedReport:
    """Read a whole report of layout ``spec``; raises where the structure breaks."""
    paragraphs = list(paragraphs)
    closing = read_closing(paragraphs)
    preamble, sections = split_sections(paragraphs[: closing.start])
    last_line = paragraphs[-1].last
    body = body_sections(spec, sections)
    if not body:
        raise ReportReadError(
            "未找到列出整改问题的部分(如“二、整改落实情况”)",
            "no section listing the problems (like “二、整改落实情况”)",
            last_line,
        )
    first, last = sections.index(body[0]), sections.index(body[-1])
    after = sections[last + 1 :]
    stop_line = (
        after[0].head.first
        if after
        else (paragraphs[closing.start].first if closing.start < len(paragraphs) else last_line)
    )
    reader = OutlineReader(spec)
    categories = reader.read(body, stop_line)
    intro = read_intro(preamble, sections[0].head.first)
    warnings = list(reader.warnings)
    for section in sections[first : last + 1]:
        if section not in body:
            warnings.append(
                ParsedWarning(
                    "section_unrecognised",
                    f"问题部分之间的“{section.title}”未读取 / section “{section.title}” "
                    "between the problem sections was not read",
                    section.head.first,
                )
            )
    for section in after:
        if not _NEXT.search(section.title):
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
        organisation_text=_rest_text(sections[:first]) if first else "",
        next_steps_text=_rest_text(after) if after else "",
        contact=closing.contact,
        warnings=tuple(warnings),
        layout=spec.name,
        fact_lines=tuple(sorted({**intro.lines, **closing.lines}.items())),
    )
