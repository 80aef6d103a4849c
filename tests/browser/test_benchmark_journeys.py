"""A reader compares a benchmark's published results, in English and Chinese, on a desktop and
on a phone: which companies' numbers stand side by side, and why the others do not."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, PHONE, heading, screenshot
from tests.support.results import current_publication, forget_published_results, store_results
from tests.support.results import shipped_result as result
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.ledger import queries


@pytest.fixture
def reported(app, demo) -> list[str]:
    """Five companies' HarmBench results: three comparable (one run by a third party, one
    commissioned), a deployed system and an LLM-judged run apart; and AILuminate grades."""
    with app.app_context():
        forget_published_results(db.session)  # the demo's own: these are the page's only ones
        cycle = db.session.query(Cycle).filter_by(slug="2025-annual").one()
        slugs = [slug for slug, _, _ in queries.named_in_cycle(db.session, cycle)][:5]
        plans = [
            [
                result(value=8.5),
                result(
                    benchmark="ailuminate",
                    version="v1.0",
                    configuration="practice",
                    metric="grade",
                    value="very-good",
                    uncertainty=None,
                ),
            ],
            [
                result(value=14.0, relationship="third_party", run_by="Independent Evaluation Lab"),
                result(
                    benchmark="ailuminate",
                    version="v1.0",
                    configuration="practice",
                    metric="grade",
                    value="good",
                    uncertainty=None,
                ),
            ],
            [result(value=21.5, relationship="commissioned", run_by="Contracted Red Team")],
            [result(value=3.0, subject="system", safeguards="input and output filters")],
            [
                result(
                    value=11.0, grader="llm_judge", judge_model="judge-model-2", judge_prompt="v3"
                )
            ],
        ]
        for slug, results in zip(slugs, plans, strict=True):
            store_results(db.session, current_publication(db.session, slug, "2025-annual"), results)
        db.session.commit()
    return slugs


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def test_a_reader_compares_harmbench_results_in_english_and_chinese(
    page: Page, live_server, reported
):
    page.goto(live_server + "/benchmarks/")
    expect(heading(page)).to_have_text("Safety benchmarks")
    expect(
        page.get_by_text("have at least one result comparable with another company")
    ).to_be_visible()
    page.get_by_role("link", name="HarmBench", exact=True).first.click()
    expect(heading(page)).to_contain_text("HarmBench")

    group = page.locator("#group-1")
    chart = group.get_by_role("img", name="HarmBench, comparable group 1: Attack success rate")
    expect(chart).to_be_visible()
    expect(group).to_contain_text("lower is better")
    rows = group.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("8.5%")  # lowest attack success rate first
    expect(rows.nth(1)).to_contain_text("Independent third party")
    expect(rows.nth(2)).to_contain_text("Commissioned by the company")
    apart = page.locator("table.apart tbody tr")
    expect(apart).to_have_count(2)
    expect(page.locator("table.apart mark.differs")).to_have_count(
        4
    )  # subject; grader, judge, prompt
    expect(page.locator("table.apart")).to_contain_text("System with safeguards")
    screenshot(page, "benchmark-harmbench-desktop-en")
    assert_accessible(page)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(heading(page)).to_contain_text("HarmBench")
    expect(page.locator("#groups-heading")).to_have_text("可比较的结果")
    expect(page.locator("#apart-heading")).to_have_text("无法比较的结果")
    expect(page.locator("#group-1")).to_contain_text("越低越好")
    expect(page.locator("#group-1 table tbody tr").nth(1)).to_contain_text("独立第三方")
    screenshot(page, "benchmark-harmbench-desktop-zh")
    assert_accessible(page)

    page.goto(live_server + "/benchmarks/ailuminate")
    expect(page.locator("#group-1")).to_contain_text("很好")  # the grade's name, on a grade axis
    screenshot(page, "benchmark-ailuminate-desktop-zh")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_benchmark_page_scrolls_only_inside_its_tables(
    browser: Browser, live_server, reported, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + "/benchmarks/harmbench")
        expect(page.locator("#group-1 svg.dot-chart")).to_be_visible()
        # On a phone the layout viewport widens to what overflows: measure against the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        screenshot(page, f"benchmark-harmbench-phone-{language[:2]}")
        page.goto(live_server + "/benchmarks/")
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the index scrolls sideways by {overflow}px"
        screenshot(page, f"benchmarks-index-phone-{language[:2]}")
    finally:
        context.close()
