"""A reader searches the published record from the header, in Chinese and English, on a
desktop and on a phone: which companies mention red-teaming, narrowed by status, and on to the
item on the company page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, PHONE, heading, screenshot


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def test_a_reader_searches_in_chinese_then_in_english_and_reaches_the_item(page: Page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_role("searchbox", name="Search the published record")
    box.fill("红队")
    box.press("Enter")
    expect(heading(page)).to_have_text("Search the published record")
    expect(page.get_by_role("status").first).to_contain_text("results")
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_have_text("红队")
    assert_accessible(page)
    screenshot(page, "search-zh-query-desktop-en")

    # Narrowed to what is met, in English words.
    search = page.locator("#search-q")
    search.fill("red team")
    page.get_by_label("Status").select_option("met")
    page.locator(".search-form").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=red\+team.*status=met"))
    for meta in page.locator(".result-meta").all()[:10]:
        expect(meta).to_contain_text("Met")
    expect(page.locator("#site-search-q")).to_have_count(0)  # the page's own form only
    assert_accessible(page)
    screenshot(page, "search-en-query-met-desktop-en")

    # A result leads to the item on the company page, at its anchor.
    link = page.locator(".search-result .result-title a").first
    href = link.get_attribute("href")
    assert href and "#" in href
    link.click()
    item_id = href.split("#", 1)[1]
    expect(page.locator(f'[id="{item_id}"]')).to_be_visible()

    # Nothing found, and a bad filter, both say so.
    page.goto(live_server + "/search?q=zzqxnotaword")
    expect(page.get_by_text("Nothing published matches")).to_be_visible()
    response = page.goto(live_server + "/search?q=team&status=bogus")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("There is no status")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_search_reads_on_a_phone_in_both_languages(browser: Browser, live_server, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(f"{live_server}/search")
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the search form scrolls sideways by {overflow}px"
        screenshot(page, f"search-empty-phone-{language[:2]}")
        query = "测试" if language == "zh_CN" else "benchmark"
        page.locator("#search-q").fill(query)
        page.locator("#search-q").press("Enter")
        expect(page.locator(".search-result").first).to_be_visible()
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the results scroll sideways by {overflow}px"
        screenshot(page, f"search-results-phone-{language[:2]}")
        if language == "zh_CN":
            expect(page.locator("h1")).to_have_text("搜索已发布的记录")
    finally:
        context.close()
