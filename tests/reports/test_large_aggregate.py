"""The aggregate PDF at a roster far past what one column per company could hold: every company
appears (in the results matrix, the benchmark lists and the summaries), in both languages, with
the publisher, the non-publishers and adoption told as met and as met or partly."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.files import pdf_text
from tests.support.results import RESULTS_ITEM as ITEM
from tests.support.results import shipped_result as result
from tracker.benchmarks.registry import current_registry
from tracker.domain.charts import Bar, score_bars
from tracker.domain.checklist import Checklist
from tracker.domain.company_report import PublicationRecord, ReportAnswer, build
from tracker.domain.cycle_report import LedgerHead, build_cycle_report
from tracker.domain.languages import Text
from tracker.domain.statuses import Status
from tracker.reports.rendering import company_report_pdf, cycle_report_pdf

ROSTER = 64  # more than twice the ~28 columns the old matrix could print
ARTIFACTS = Path("test-artifacts")


@pytest.fixture
def checklist(app) -> Checklist:
    return next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2025.1"
    ).checklist


def roster(checklist: Checklist, registry, count: int) -> list:
    """``count`` published reports: each names two registry benchmarks and files a result for
    one; statuses cycle so that items are met, partly met and not met."""
    ids = [b.id for b in registry]
    statuses = [Status.MET, Status.PARTIALLY_MET, Status.NOT_MET]
    reports = []
    for n in range(count):
        answers = {
            item.id: ReportAnswer(statuses[(n + k) % 3], "", "", [], {})
            for k, item in enumerate(checklist.items)
        }
        named = [ids[n % len(ids)], ids[(n + 3) % len(ids)]]
        answers[ITEM] = ReportAnswer(
            Status.MET,
            "",
            "",
            [],
            {"benchmarks": {"selected": named, "other": []}},
            [result(benchmark=named[0], value=float(n))],
        )
        reports.append(
            build(
                company={
                    "slug": f"co-{n:03d}",
                    "name_en": f"Roster Company {n:03d}",
                    "name_zh": f"名册企业{n:03d}号",
                },
                cycle={"slug": "c", "name_en": "Big cycle", "name_zh": "大周期"},
                checklist=checklist,
                answers=answers,
                publication=PublicationRecord(
                    1, datetime(2026, 8, 1, tzinfo=UTC), "a" * 64, n + 1, "b" * 64
                ),
            )
        )
    return reports


@pytest.fixture
def big_report(app, checklist):
    with app.app_context():
        registry = current_registry().benchmarks
    return build_cycle_report(
        cycle={"slug": "c", "name_en": "Big cycle", "name_zh": "大周期"},
        checklist=checklist,
        companies=roster(checklist, registry, ROSTER),
        invited=ROSTER + 2,
        ledger_head=LedgerHead(99, "c" * 64),
        registry=registry,
        not_published=[Text(en="Late Corp", zh="迟到公司"), Text(en="Silent Ltd", zh="沉默公司")],
    )


def squeeze(pages: list[str]) -> str:
    return "".join("".join(pages).split())


def raster(data: bytes, pages: list[str], marker: str, name: str, tmp_path: Path) -> None:
    """The cover and the results matrix's first two pages as images, in test-artifacts (looked
    at); the matrix is found by ``marker``, past the contents."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    first = next(n for n, p in enumerate(pages, 1) if marker in p and n > 2)
    for start, end, suffix in ((1, 1, "cover"), (first, first + 1, "matrix")):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(start),
                "-l",
                str(end),
                str(source),
                str(ARTIFACTS / f"{name}-{suffix}"),
            ],
            check=True,
        )


def test_every_company_of_a_large_roster_appears_in_english(app, big_report, tmp_path):
    with app.test_request_context():
        pdf = cycle_report_pdf(big_report, "en")
    pages = pdf_text(pdf.data)
    raster(pdf.data, pages, "Results reported or", "aggregate-large-en", tmp_path)
    text = squeeze(pages)
    assert "AIIndustryAlliance(AIIA)" in "".join(pages[0].split())  # the publisher, on the cover
    assert "LateCorp,SilentLtd" in "".join(pages[0].split())  # the non-publishers, named
    matrix = [p for p in pages if "Results reported or benchmarks named only" in p]
    assert matrix, "no results matrix"
    start = pages.index(matrix[0])
    summaries = next(n for n, p in enumerate(pages) if "Company summaries" in p and n > 1)
    results = squeeze(pages[start:summaries])
    rest = squeeze(pages[summaries:])
    for n in range(ROSTER):
        name = f"RosterCompany{n:03d}"
        # in the results matrix (a row each, in every column group) and in the summaries
        assert results.count(name) >= 2, name
        assert name in rest, name
    assert "Sharemet" in text and "Sharemetorpartly" in text


def test_every_company_appears_in_chinese_with_names_upright(app, big_report, tmp_path):
    with app.test_request_context():
        pdf = cycle_report_pdf(big_report, "zh")
    pages = pdf_text(pdf.data)
    raster(pdf.data, pages, "已报告结果或", "aggregate-large-zh", tmp_path)
    text = squeeze(pages)
    assert "迟到公司、沉默公司" in "".join(pages[0].split()) or "迟到公司,沉默公司" in text
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    # Chinese in Noto Sans CJK SC, regular and a real bold, charts included (no other CJK face)
    assert "+Noto-Sans-CJK-SC " in fonts and "+Noto-Sans-CJK-SC-Bold " in fonts, fonts
    assert "WenQuanYi" not in fonts, fonts
    for n in range(ROSTER):
        # an upright name reads back as one run; a rotated one would not come back whole
        assert text.count(f"名册企业{n:03d}号") >= 3, n


def test_adoption_tells_met_apart_from_partly_met(checklist):
    reports = [
        build(
            company={"slug": slug, "name_en": slug, "name_zh": slug},
            cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
            checklist=checklist,
            answers={checklist.items[0].id: ReportAnswer(status, "", "", [], {})},
            publication=None,
        )
        for slug, status in (
            ("a", Status.MET),
            ("b", Status.PARTIALLY_MET),
            ("c", Status.PARTIALLY_MET),
            ("d", Status.NOT_APPLICABLE),
        )
    ]
    report = build_cycle_report(
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        companies=reports,
        invited=4,
        ledger_head=None,
    )
    first = report.adoption[0]
    assert first.counts == Counter(
        {Status.MET: 1, Status.PARTIALLY_MET: 2, Status.NOT_APPLICABLE: 1}
    )
    assert first.met_rate == 33 and first.rate == 100  # partly met is never counted as met
    assert report.not_published == ()


def test_score_chart_labels_are_cut_to_their_column_in_both_scripts():
    long_zh = "很长的中文承诺名称" * 4
    long_en = "A very long commitment title that goes on and on"
    svg = score_bars(
        [Bar("C1", long_zh, 50), Bar("C2", long_en, 70), Bar("C3", "短", None)],
        chart_id="c",
        title="t",
        na_label="n/a",
        font_family="Noto Sans CJK SC, DejaVu Sans",
    )
    labels = re.findall(r'<text x="0" y="\d+" font-size="12" fill="#1d2733">([^<]*)</text>', svg)
    assert len(labels) == 3 and labels[2] == "C3 短"
    assert labels[0].endswith("…") and labels[1].endswith("…")
    # a Chinese character is a full em wide: at 12 units, 252 units hold 21 of them
    assert len(labels[0]) <= 22 and len(labels[1]) <= 40
    assert 'font-family="Noto Sans CJK SC, DejaVu Sans"' in svg
    assert "font-family" not in score_bars([], chart_id="d", title="t", na_label="n/a")


def test_a_titled_evidence_link_prints_its_address(app, checklist):
    item = checklist.items[0]
    links = [
        {"url": "https://example.org/safety/policy-2026", "title": "Our safety policy"},
        {"url": "https://example.org/bare", "title": ""},
    ]
    report = build(
        company={"slug": "a", "name_en": "Acme", "name_zh": "甲"},
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        answers={item.id: ReportAnswer(Status.MET, "", "", links, {})},
        publication=None,
    )
    with app.test_request_context():
        text = squeeze(pdf_text(company_report_pdf(report, "en").data))
    assert "Oursafetypolicy(https://example.org/safety/policy-2026)" in text
    # a link whose text is its address is not printed twice
    assert text.count("https://example.org/bare") == 1
