"""A reader sees how a demo company's scores moved since last year, in English and Chinese, on
a desktop and on a phone: the scores across cycles (a chart and its table), then, after the
disclosure, what changed since the last cycle (scores, statuses, narratives folded)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, PHONE, heading, screenshot

COMPANY = "/companies/lanshan-intelligence"


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def test_a_reader_sees_how_the_scores_moved_since_last_year(page: Page, live_server, demo):
    page.goto(live_server + COMPANY)
    expect(heading(page)).to_contain_text("Lanshan")
    trends = page.locator("#trends")
    expect(trends.get_by_role("heading", name="Scores across cycles")).to_be_visible()
    chart = trends.get_by_role("img", name="Scores per commitment across cycles, 0 to 100")
    expect(chart).to_be_visible()
    # The table (every cycle, the change) is folded under the chart.
    table = trends.locator("table.trend-scores")
    expect(table).to_be_hidden()
    trends.get_by_text("The scores as a table").click()
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("2024")
    expect(table.locator("tr.overall-row")).to_contain_text("Overall")

    # "What changed" comes after the disclosure; a link near the top jumps to it.
    jump = page.locator(".jump-changes a")
    expect(jump).to_contain_text("What changed since")
    jump.click()
    changes = page.locator("#changes")
    expect(changes.get_by_role("heading", name="Scores", exact=True)).to_be_visible()
    overall = changes.locator("table.score-changes tr.overall-row")
    expect(overall).to_contain_text("Overall")
    expect(overall.locator(".delta")).to_be_visible()
    assert page.evaluate(
        "document.querySelector('#changes').compareDocumentPosition("
        "document.querySelector('article.item:last-of-type')) & Node.DOCUMENT_POSITION_PRECEDING"
    )
    narratives = changes.locator("details.narrative-change")
    if narratives.count():
        first = narratives.first
        expect(first.locator(".diff-html")).to_be_hidden()  # folded by default
        first.locator("summary").click()
        expect(first.locator(".diff-html")).to_be_visible()
        assert first.locator(".diff-html ins, .diff-html del").count() > 0
        assert "**" not in first.locator(".diff-html").inner_text()  # rendered, not Markdown
    screenshot(page, "trends-desktop-en")
    assert_accessible(page)

    page.goto(f"{live_server}/language/zh_CN")
    page.goto(live_server + COMPANY)
    expect(page.locator("#trends-heading")).to_have_text("各周期得分")
    expect(page.locator("#changes-heading")).to_contain_text("以来的变化")
    page.locator("#trends summary").click()
    screenshot(page, "trends-desktop-zh")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_trends_fit_the_screen(browser: Browser, live_server, demo, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + COMPANY)
        chart = page.locator("#trends svg.trend-chart")
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] <= PHONE["width"]
        page.locator("#trends summary").click()
        narratives = page.locator("#changes details.narrative-change")
        for n in range(min(narratives.count(), 3)):
            narratives.nth(n).locator("summary").click()
        # On a phone the layout viewport widens to what overflows: measure against the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        page.locator("#trends").screenshot(path=f"test-artifacts/trends-phone-{language[:2]}.png")
        page.locator("#changes").screenshot(path=f"test-artifacts/changes-phone-{language[:2]}.png")
        assert_accessible(page)
    finally:
        context.close()
