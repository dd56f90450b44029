"""The unit's progress report (巡察整改进展情况的通报), composed from its ledger.

The structure is the one the published reports use and the report reader reads::

    title
    introduction: who inspected whom, when, and when the feedback came
    一、整改工作组织情况   (editable text, a draft when empty) + the figures
    二、整改落实情况       per category "1.关于“…”问题的整改。", per problem "(1)…",
                           "整改落实情况:共制定N项整改措施,已落实整改M项…",
                           the measures as 一是…二是… under their 在…方面 headings
    三、下一步工作计划     (editable text, a draft when empty)
    contact block, signature, date

Every count is computed from the ledger, so the stated counts match the listed measures;
measures not closed say so ("正在推进"), never "已落实".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhenggai.ledger.models import Category as CategoryModel
from zhenggai.ledger.models import Inspection, Measure, MeasureKind, MeasureStatus, Problem

from .document import Block, Kind, ReportDocument
from .figures import InspectionFigures, inspection_figures
from .text import cn_date, cn_month_day, cn_number, cn_period, fullwidth_punctuation, sentence
from .text import wan_yuan as to_wan

#: The note appended to a measure that is not closed; :func:`strip_status_note` removes it.
STATUS_NOTE = re.compile(r"（(?:尚未启动|正在推进|已报完成)[^（）]*）(?=。?$)")
_RUN_IN = re.compile(r"^([(（][一二三四五六七八九十]+[)）][^。！？]{1,60}?[。！？])(?=\S)")
_SUB_HEADING = re.compile(r"^[(（][一二三四五六七八九十]+[)）][^。！？]{1,60}[。！？]?$")
_GROUP = re.compile(r"^在.{1,40}方面$")


def strip_status_note(text: str) -> str:
    """A measure's text as printed, without the status note the composer added."""
    return STATUS_NOTE.sub("", text)


def clean_text(text: str) -> str:
    """Ledger text as printed: trimmed, full-width punctuation next to Chinese (configurable)."""
    text = text.strip()
    if getattr(settings, "ZHENGGAI_REPORT_FULLWIDTH_PUNCTUATION", True):
        return fullwidth_punctuation(text)
    return text


def kind_label(inspection: Inspection) -> str:
    return str(inspection.round.get_kind_display())


def issuer_of(inspection: Inspection) -> str:
    """The issuer as printed: the recorded one, else ``中共`` + a party organisation's name."""
    if inspection.issuer:
        return inspection.issuer
    name = inspection.unit_name or inspection.unit.name
    if name.endswith(("党组", "党委", "党工委", "总支", "支部")) and not name.startswith("中共"):
        return f"中共{name}"
    return name


def report_title(inspection: Inspection) -> str:
    return _("%(issuer)s关于%(kind)s整改进展情况的通报") % {
        "issuer": issuer_of(inspection),
        "kind": kind_label(inspection),
    }


def free_text_blocks(text: str) -> Iterator[Block]:
    """Paragraphs of an editable text; ``(一)…。`` run-ins print in 楷体, short ones as headings."""
    for line in text.splitlines():
        line = clean_text(line)
        if not line:
            continue
        if _SUB_HEADING.match(line) and len(line) <= 40:
            yield Block(Kind.H2, line)
        elif match := _RUN_IN.match(line):
            yield Block(Kind.PARA, line[match.end() :], lead=match.group(1), lead_kind=Kind.H2)
        else:
            yield Block(Kind.PARA, line)


# ---------------------------------------------------------------- drafts and sentences


def intro_text(inspection: Inspection) -> str:
    kind = kind_label(inspection)
    unit = inspection.unit_name or inspection.unit.name
    feedback = cn_month_day(inspection.feedback_date, after=inspection.period_end)
    return _(
        "按照%(kind)s工作统一部署，%(period)s，%(team)s对%(unit)s进行了%(kind)s。%(feedback)s，"
        "%(kind)s组向%(unit)s反馈了%(kind)s意见。按照党务公开原则和%(kind)s工作有关要求，"
        "现将%(kind)s整改进展情况予以公布。"
    ) % {
        "kind": kind,
        "period": cn_period(inspection.period_start, inspection.period_end),
        "team": inspection.team,
        "unit": unit,
        "feedback": feedback,
    }


def draft_organisation_text(inspection: Inspection, figures: InspectionFigures) -> str:
    """A starting draft of 一、整改工作组织情况 from the ledger's facts; the unit edits it."""
    unit = inspection.unit_name or inspection.unit.name
    kind = kind_label(inspection)
    approved = ""
    if inspection.plan_approved_at:
        approved = _("，于%(date)s审定整改方案") % {
            "date": cn_date(timezone.localdate(inspection.plan_approved_at))
        }
    return _(
        "%(unit)s高度重视%(kind)s整改工作，把抓好%(kind)s反馈问题整改作为一项重要政治任务，"
        "切实履行整改主体责任。收到%(kind)s反馈意见后，及时研究部署%(approved)s，"
        "建立问题清单、任务清单、责任清单和整改台账，将%(kind)s反馈的%(problems)s个问题"
        "细化为%(measures)s项整改措施，逐项明确责任领导、责任部门和完成时限，"
        "实行对账销号管理，一项一项抓落实。"
    ) % {
        "unit": unit,
        "kind": kind,
        "approved": approved,
        "problems": figures.problems,
        "measures": figures.measures,
    }


def draft_next_steps_text(inspection: Inspection, figures: InspectionFigures) -> str:
    """A starting draft of 三、下一步工作计划."""
    unit = inspection.unit_name or inspection.unit.name
    remaining = figures.problems - figures.done
    return _(
        "下一步，%(unit)s将严格对照%(kind)s反馈问题清单，对已完成整改的问题适时开展“回头看”，"
        "巩固整改成果，防止问题反弹；对%(remaining)s个仍需持续整改的问题，严格按照整改方案"
        "和完成时限推进，完成一项、销号一项；坚持举一反三、建章立制，推动整改工作常态化、长效化。"
    ) % {"unit": unit, "kind": kind_label(inspection), "remaining": remaining}


def summary_text(figures: InspectionFigures, day: dt.date, *, public: bool = False) -> str:
    """The paragraph of computed figures (problems by state, rate, measures, outcomes)."""
    if not figures.problems:
        return _("截至%(date)s，尚未录入%(what)s，暂无整改落实情况。") % {
            "date": cn_date(day),
            "what": _("反馈问题和整改措施"),
        }
    # The rate's definition comes before its value: (已完成 + 阶段性完成) / 问题总数.
    parts = [
        _(
            "截至%(date)s，反馈的%(total)s个问题中，已完成整改%(done)s个，阶段性完成%(partial)s个"
            "（整改措施已落实、需长期坚持），正在整改%(open)s个"
        )
        % {
            "date": cn_date(day),
            "total": figures.problems,
            "done": figures.done,
            "partial": figures.partial,
            "open": figures.in_progress + figures.not_started,
        },
        _("，整改完成率（已完成和阶段性完成的问题占问题总数的比例）为%(rate)s%%。")
        % {
            "rate": f"{figures.completion_rate:.1f}",
        },
        _("共制定整改措施%(measures)s项，已落实%(closed)s项。")
        % {
            "measures": figures.measures,
            "closed": figures.measures_closed,
        },
    ]
    if figures.measures_extended:
        # Extended and overdue are different facts (DESIGN §4): say both apart.
        parts.append(
            _("经批准延期的整改措施%(n)s项，按延期后时限推进。") % {"n": figures.measures_extended}
        )
    if figures.accountability_people:
        forms = "、".join(
            _("%(form)s%(people)s人次") % {"form": label, "people": people}
            for label, people in figures.accountability_items()
        )
        parts.append(
            _("运用问责%(total)s人次，其中%(forms)s。")
            % {
                "total": figures.accountability_people,
                "forms": forms,
            }
        )
    if figures.institutions:
        parts.append(
            _("建立完善制度%(total)s项，其中新建%(new)s项、修订%(revised)s项。")
            % {
                "total": figures.institutions,
                "new": figures.institutions_new,
                "revised": figures.institutions_revised,
            }
        )
    if figures.recovered_yuan:
        parts.append(_("追缴挽回资金%(amount)s万元。") % {"amount": to_wan(figures.recovered_yuan)})
    if public and figures.not_public:
        parts.append(
            _("其中%(hidden)s个问题按规定不予公开，未列入本通报。")
            % {
                "hidden": figures.not_public,
            }
        )
    return "".join(parts)


def stated_text(measures: list[dict[str, Any]], *, rebound: bool = False) -> str:
    """整改落实情况:共制定N项整改措施,已落实整改M项[,其余K项正在推进][,并常态坚持]。

    A problem found to have rebounded at a follow-up check (回头看) says so.
    """
    if not measures:
        return _("整改落实情况：尚未制定整改措施。")
    closed = sum(1 for m in measures if m["status"] == MeasureStatus.CLOSED)
    text = _("整改落实情况：共制定%(total)s项整改措施，已落实整改%(closed)s项") % {
        "total": len(measures),
        "closed": closed,
    }
    drafts = sum(1 for m in measures if m["status"] == MeasureStatus.DRAFT)
    active = len(measures) - closed - drafts
    rest = []
    if active:
        rest.append(_("%(n)s项正在推进") % {"n": active})
    if drafts:
        rest.append(_("%(n)s项尚未启动") % {"n": drafts})
    if rest:
        text += _("，其余") + "、".join(rest)
    if any(m["kind"] == MeasureKind.ONGOING for m in measures):
        text += _("，并常态坚持")
    if rebound:
        text += _("；回头看发现问题反弹，已重新整改")
    return text + "。"


def status_note(measure: dict[str, Any], today: dt.date) -> str:
    """Empty for a closed measure; otherwise what is still open, and until when."""
    status, deadline = measure["status"], measure["deadline"]
    if status == MeasureStatus.CLOSED:
        return ""
    if status in (MeasureStatus.SUBMITTED, MeasureStatus.APPROVED):
        return _("（已报完成，待审核销号）")
    label = _("尚未启动") if status == MeasureStatus.DRAFT else _("正在推进")
    if deadline is None:
        return f"（{label}）"
    extended = measure.get("extended_deadline")
    if extended is not None and extended != deadline:
        state = _("已逾期") if extended < today else _("按期推进")
        return _("（%(label)s，原定完成时限%(date)s，经批准延期至%(ext)s，%(state)s）") % {
            "label": label,
            "date": cn_date(deadline),
            "ext": cn_date(extended),
            "state": state,
        }
    if deadline < today:
        return _("（%(label)s，原定完成时限%(date)s，已逾期）") % {
            "label": label,
            "date": cn_date(deadline),
        }
    return _("（%(label)s，完成时限%(date)s）") % {"label": label, "date": cn_date(deadline)}


def measure_blocks(measures: list[dict[str, Any]], today: dt.date) -> Iterator[Block]:
    """The measures as 一是…二是…, one paragraph per run of the same 在…方面 heading."""
    for group, run in groupby(measures, key=lambda m: m["group"].strip()):
        items = list(run)
        texts = []
        for index, measure in enumerate(items, start=1):
            body = clean_text(measure["text"]).rstrip("。")
            body = sentence(body + status_note(measure, today)) if body else ""
            ordinal = f"{cn_number(index)}是" if len(items) > 1 else ""
            texts.append(ordinal + body)
        lead = ""
        if group:
            heading = clean_text(group).rstrip("：:")
            lead = (heading if _GROUP.match(heading) else f"在{heading}方面") + "："
        yield Block(Kind.PARA, "".join(texts), lead=lead)


def contact_text(contact: dict[str, Any]) -> str:
    """The closing invitation (欢迎…监督) with the unit's contact details."""
    if contact.get("text"):
        return clean_text(contact["text"])
    parts = []
    if contact.get("phone"):
        parts.append(_("电话%(phone)s") % {"phone": contact["phone"]})
    if contact.get("address"):
        address = contact["address"]
        if contact.get("postcode"):
            address += _("（邮编%(code)s）") % {"code": contact["postcode"]}
        parts.append(_("邮政信箱：%(address)s") % {"address": address})
    if contact.get("email"):
        parts.append(_("电子邮箱：%(email)s") % {"email": contact["email"]})
    text = _("欢迎广大干部群众对整改落实情况进行监督。如有意见建议，请及时向我们反映。")
    if parts:
        text += _("联系方式：") + "；".join(parts) + "。"
    return text


# ---------------------------------------------------------------- the report


def _ledger_rows(
    inspection: Inspection, public: bool
) -> tuple[list[Any], list[Any], dict[int, list]]:
    categories = list(
        CategoryModel.objects.filter(inspection=inspection)
        .order_by("position")
        .values("pk", "title")
    )
    problems = Problem.objects.filter(inspection=inspection)
    if public:
        problems = problems.filter(is_public=True)
    problem_rows = list(
        problems.order_by("position").values("pk", "category_id", "text", "rebound")
    )
    measures: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Measure.objects.filter(problem_id__in=[p["pk"] for p in problem_rows])
        if public
        else Measure.objects.filter(inspection=inspection)
    )
    for row in rows.order_by("problem_id", "position").values(
        "problem_id", "text", "group", "kind", "status", "deadline", "extended_deadline"
    ):
        measures.setdefault(row["problem_id"], []).append(row)
    return categories, problem_rows, measures


def body_blocks(inspection: Inspection, today: dt.date, *, public: bool) -> Iterator[Block]:
    """二、整改落实情况: categories, problems, stated counts and measures."""
    categories, problems, measures = _ledger_rows(inspection, public)
    by_category: dict[int, list[dict[str, Any]]] = {}
    for problem in problems:
        by_category.setdefault(problem["category_id"], []).append(problem)
    number = 0
    shown = [c for c in categories if c["pk"] in by_category]
    if not shown:
        yield Block(
            Kind.PARA,
            _("尚未录入反馈问题。录入问题清单和整改措施后，本部分将逐项列出整改落实情况。"),
        )
        return
    for index, category in enumerate(shown, start=1):
        title = clean_text(category["title"]).rstrip("。")
        yield Block(Kind.H3, _("%(n)s.关于“%(title)s”问题的整改。") % {"n": index, "title": title})
        for problem in by_category[category["pk"]]:
            number += 1
            lines = [clean_text(line) for line in problem["text"].splitlines() if line.strip()] or [
                ""
            ]
            yield Block(Kind.H4, f"（{number}）{lines[0]}")
            yield from (Block(Kind.PARA, line) for line in lines[1:])
            items = measures.get(problem["pk"], [])
            yield Block(Kind.PARA, stated_text(items, rebound=problem["rebound"]))
            yield from measure_blocks(items, today)


def compose_unit_report(
    inspection: Inspection,
    *,
    public: bool = False,
    today: dt.date | None = None,
    figures: InspectionFigures | None = None,
) -> ReportDocument:
    """The progress report of ``inspection`` (``public`` leaves out non-public problems).

    The figures cover every problem; the public version says how many it leaves out.
    The document is composed in ``ZHENGGAI_REPORT_LANGUAGE`` (Chinese) whatever the
    language of the page asking for it.
    """
    with translation.override(getattr(settings, "ZHENGGAI_REPORT_LANGUAGE", "zh-hans")):
        return _compose(inspection, public=public, today=today, figures=figures)


def _compose(
    inspection: Inspection,
    *,
    public: bool,
    today: dt.date | None,
    figures: InspectionFigures | None,
) -> ReportDocument:
    today = today or timezone.localdate()
    figures = figures or inspection_figures(inspection, today)
    day = inspection.report_date or today
    organisation = inspection.organisation_text.strip() or draft_organisation_text(
        inspection, figures
    )
    next_steps = inspection.next_steps_text.strip() or draft_next_steps_text(inspection, figures)
    blocks: list[Block] = [
        Block(Kind.TITLE, report_title(inspection)),
        Block(Kind.BLANK),
        Block(Kind.PARA, intro_text(inspection)),
        Block(Kind.H1, _("一、整改工作组织情况")),
        *free_text_blocks(organisation),
        Block(Kind.PARA, summary_text(figures, day, public=public)),
        Block(Kind.H1, _("二、整改落实情况")),
        *body_blocks(inspection, today, public=public),
        Block(Kind.H1, _("三、下一步工作计划")),
        *free_text_blocks(next_steps),
        Block(Kind.PARA, contact_text(inspection.contact or {})),
        Block(Kind.BLANK),
        Block(Kind.SIGNATURE, issuer_of(inspection)),
        Block(Kind.DATE, cn_date(day)),
    ]
    meta = {
        "inspection_id": inspection.pk,
        "unit_id": inspection.unit_id,
        "unit": inspection.unit.name,
        "issuer": issuer_of(inspection),
        "public": public,
        "figures": figures.to_json(),
        "drafts": {
            "organisation": not inspection.organisation_text.strip(),
            "next_steps": not inspection.next_steps_text.strip(),
        },
    }
    return ReportDocument("unit", blocks[0].text, tuple(blocks), day, meta)


def plain_paragraphs(blocks: Iterable[Block]) -> list[str]:
    return [block.full_text for block in blocks if block.kind not in (Kind.BLANK, Kind.TABLE)]
