"""The seed, imported as the demo does, written as a report and read back by the reader.

The categories, problems and measures come back the same (with the full-width punctuation
the report prints), and the stated counts — wrong in 14 of 20 problems of the published
seed — now match the measures listed.
"""

from __future__ import annotations

from zhenggai.core.demo import seed_text
from zhenggai.documents.readers import ParsedReport, read_report
from zhenggai.documents.report.compose import strip_status_note
from zhenggai.documents.report.docx import write_docx
from zhenggai.documents.report.plain import write_text
from zhenggai.documents.report.services import document_of, generate_report
from zhenggai.documents.report.text import fullwidth_punctuation, sentence
from zhenggai.ledger.models import Category, Inspection, Measure, Problem

COUNT_CODES = {"stated_count_mismatch", "stated_done_exceeds_planned"}


def printed(text: str) -> str:
    return fullwidth_punctuation(text.strip())


def assert_same_ledger(parsed: ParsedReport, inspection: Inspection) -> None:
    categories = list(Category.objects.filter(inspection=inspection).order_by("position"))
    assert [c.title for c in parsed.categories] == [printed(c.title) for c in categories]
    problems = list(Problem.objects.filter(inspection=inspection).order_by("position"))
    assert [p.text for p in parsed.problems] == [printed(p.text) for p in problems]
    for problem, read in zip(problems, parsed.problems, strict=True):
        measures = list(Measure.objects.filter(problem=problem).order_by("position"))
        expected = [(m.group or None, sentence(printed(m.text).rstrip("。"))) for m in measures]
        got = [(m.group, strip_status_note(m.text)) for m in read.measures]
        assert got == expected, f"problem {problem.number}"
        assert read.stated is not None
        assert read.stated.planned == len(measures) == len(read.measures)
        assert read.stated.done == sum(1 for m in measures if m.status == "closed")


def test_the_published_seed_has_wrong_counts() -> None:
    original = read_report(seed_text())
    assert sum(1 for w in original.warnings if w.code == "stated_count_mismatch") == 14


def test_seed_report_reads_back_the_same(seed: Inspection) -> None:
    report = generate_report(inspection=seed, actor=None)
    text = write_text(document_of(report))
    parsed = read_report(text)
    assert (len(parsed.categories), len(parsed.problems), len(parsed.measures)) == (7, 20, 101)
    assert_same_ledger(parsed, seed)
    assert not [w for w in parsed.warnings if w.code in COUNT_CODES]
    assert (parsed.team, parsed.unit) == (seed.team, seed.unit_name)
    assert (parsed.period_start, parsed.period_end, parsed.feedback_date) == (
        seed.period_start,
        seed.period_end,
        seed.feedback_date,
    )
    assert parsed.report_date == seed.report_date
    assert parsed.issuer == "中共宿迁市行政审批局党组"
    assert parsed.contact is not None and parsed.contact.phone == "84396060"
    assert parsed.contact.email == "sqzgbzhc@126.com"


def test_seed_docx_reads_back_the_same(seed: Inspection) -> None:
    report = generate_report(inspection=seed, actor=None)
    parsed = read_report(write_docx(document_of(report)))
    assert (len(parsed.categories), len(parsed.problems), len(parsed.measures)) == (7, 20, 101)
    assert_same_ledger(parsed, seed)
    assert not [w for w in parsed.warnings if w.code in COUNT_CODES]
