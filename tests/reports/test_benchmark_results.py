"""Benchmark results in the PDFs: the company report's results table and the aggregate's
results matrix with the share of companies holding a comparable result, read back as text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.files import pdf_text
from tests.support.results import RESULTS_ITEM as ITEM
from tests.support.results import shipped_result as result
from tracker.benchmarks.registry import current_registry
from tracker.domain.checklist import Checklist
from tracker.domain.company_report import PublicationRecord, ReportAnswer, build
from tracker.domain.cycle_report import build_cycle_report
from tracker.domain.statuses import Status
from tracker.reports.rendering import company_report_pdf, cycle_report_pdf


@pytest.fixture
def checklist(app) -> Checklist:
    return next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2025.1"
    ).checklist


def company(checklist, slug, name, results=(), named=()):
    answers = {
        ITEM: ReportAnswer(
            Status.MET,
            "",
            "",
            [],
            {"benchmarks": {"selected": list(named), "other": []}} if named else {},
            list(results),
        )
    }
    return build(
        company={"slug": slug, "name_en": name, "name_zh": f"{name}公司"},
        cycle={"slug": "c", "name_en": "Cycle", "name_zh": "周期"},
        checklist=checklist,
        answers=answers,
        publication=PublicationRecord(1, datetime(2025, 8, 1, tzinfo=UTC), "a" * 64, 7, "b" * 64),
    )


def text(pdf) -> str:
    return " ".join(" ".join(pdf_text(pdf.data)).split())


def test_the_company_report_lists_its_results(app, checklist):
    report = company(
        checklist,
        "a",
        "Acme",
        [
            result(value=8.5),
            result(value=14.0, relationship="third_party", run_by="Eval Lab"),
            result(grader="llm_judge", judge_model="judge-9", judge_prompt="p2"),
        ],
    )
    with app.test_request_context():
        english = text(company_report_pdf(report, "en"))
        chinese = "".join(text(company_report_pdf(report, "zh")).split())  # cells wrap anywhere
    assert "Benchmark results" in english
    for shown in ("HarmBench", "8.5% ± 1.5", "Attack success rate", "Eval Lab", "judge-9"):
        assert shown in english, shown
    assert "Independent third party" in english and "lower is better" in english
    assert "基准测试结果" in chinese and "独立第三方" in chinese and "越低越好" in chinese
    assert "攻击成功率" in chinese


def test_a_report_without_results_has_no_results_section(app, checklist):
    with app.test_request_context():
        english = text(company_report_pdf(company(checklist, "a", "Acme"), "en"))
    assert "Benchmark results" not in english


def test_the_aggregate_shows_results_named_only_and_the_comparable_share(app, checklist):
    with app.app_context():
        registry = current_registry().benchmarks
    companies = [
        company(checklist, "a", "Acme", [result(value=8.5)], ["harmbench"]),
        company(checklist, "b", "Beta", [result(value=14.0)]),
        company(checklist, "c", "Gamma", [result(version="2024-02", language="zh")], ["xstest"]),
    ]
    report = build_cycle_report(
        cycle={"slug": "c", "name_en": "Cycle", "name_zh": "周期"},
        checklist=checklist,
        companies=companies,
        invited=3,
        ledger_head=None,
        registry=registry,
    )
    matrix = report.results
    assert matrix is not None
    assert sorted(matrix.comparable) == ["a", "b"] and matrix.comparable_share == 67
    assert [b.id for b in matrix.benchmarks] == [
        b.id for b in registry if b.id in ("harmbench", "xstest")
    ]
    with app.test_request_context():
        english = text(cycle_report_pdf(report, "en"))
        chinese = "".join(text(cycle_report_pdf(report, "zh")).split())
    assert "Results reported or benchmarks named only" in english
    assert "2 of 3 companies (67%) have at least one result comparable" in english
    assert "●: results reported" in english and "○: named only" in english
    assert "3家企业中有2家（67%）至少有一项结果可与其他企业的结果比较" in chinese
