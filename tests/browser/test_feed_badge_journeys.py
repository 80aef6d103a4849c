"""A reader finds a company's feed and badge: the page links to its Atom feed (in its head and
visibly), shows the badge and the snippets to embed it, and copies one; desktop and phone, in
English and Chinese, axe clean. The badge itself is screenshotted in Chromium in both languages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.app import ARTIFACTS
from tests.support.browser import AXE_RULES, PHONE, screenshot

COMPANY = "lanshan-intelligence"
TEXTS = {
    "en": {
        "summary": "Embed this company's badge",
        "feed": "Atom feed",
        "copy": "Copy the Markdown",
        "copied": "Copied",
    },
    "zh_CN": {
        "summary": "嵌入该公司的徽章",
        "feed": "Atom 订阅源",
        "copy": "复制 Markdown",
        "copied": "已复制",
    },
}


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def open_company(page: Page, live_server: str, language: str) -> None:
    page.goto(f"{live_server}/language/{language}")
    page.goto(f"{live_server}/companies/{COMPANY}")


def check_company_page(page: Page, live_server: str, language: str) -> None:
    texts = TEXTS[language]
    code = "zh" if language.startswith("zh") else "en"
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute("href", f"/feeds/companies/{COMPANY}.atom?lang={code}")
    feed_link = page.locator(".feed-links").get_by_role("link", name=texts["feed"])
    expect(feed_link).to_be_visible()
    expect(feed_link).to_have_attribute("href", f"/feeds/companies/{COMPANY}.atom?lang={code}")
    details = page.locator("details.badge-snippet")
    details.locator("summary").filter(has_text=texts["summary"]).click()
    preview = details.locator(".badge-preview img")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0"), "the badge loads"
    markdown = details.locator("pre").first
    expect(markdown).to_contain_text(f"/companies/{COMPANY}/badge.svg?lang={code}")
    expect(details.locator("pre").nth(1)).to_contain_text('<img src="')


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_company_page_offers_its_feed_and_badge_on_a_desktop(
    browser: Browser, live_server, language
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        open_company(page, live_server, language)
        check_company_page(page, live_server, language)
        texts = TEXTS[language]
        page.get_by_role("button", name=texts["copy"]).click()
        expect(page.locator(".copy-status").first).to_have_text(texts["copied"])
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("[![") and f"/companies/{COMPANY}/badge.svg" in copied
        page.locator("details.badge-snippet").scroll_into_view_if_needed()
        screenshot(page, f"feed-badge-company-desktop-{language[:2]}")
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_snippets_wrap_and_nothing_scrolls_sideways(
    browser: Browser, live_server, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        open_company(page, live_server, language)
        check_company_page(page, live_server, language)
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        page.locator("details.badge-snippet").scroll_into_view_if_needed()
        screenshot(page, f"feed-badge-company-phone-{language[:2]}")
        assert_accessible(page)
    finally:
        context.close()


def test_the_home_page_links_to_the_feeds(page: Page, live_server):
    page.goto(live_server + "/")
    alternates = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternates).to_have_count(2)
    expect(alternates.first).to_have_attribute("href", "/feeds/publications.atom?lang=en")
    links = page.locator(".feed-links")
    expect(links.get_by_role("link", name="Atom feed of every publication")).to_be_visible()
    expect(links.get_by_role("link", name="corrections only")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("code", ["en", "zh"])
def test_the_badge_as_chromium_draws_it(browser: Browser, live_server, code):
    """The SVG itself, opened and drawn by Chromium: its text inside its boxes. (A page of its
    own: a full-page screenshot of an SVG document never finishes in Chromium.)"""
    context = browser.new_context(locale="en-GB", viewport={"width": 420, "height": 60})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        for query, name in (
            (f"lang={code}", f"badge-{code}"),
            (f"lang={code}&cycle=2024-annual", f"badge-{code}-2024"),
        ):
            page.goto(f"{live_server}/companies/{COMPANY}/badge.svg?{query}")
            svg = page.locator("svg")
            expect(svg).to_be_visible()
            box = svg.bounding_box()
            assert box and box["height"] == 20
            for text in svg.locator("text").all():  # each text drawn within the badge
                inner = text.bounding_box()
                assert inner and box["x"] <= inner["x"]
                assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
            page.screenshot(
                path=str(ARTIFACTS / f"{name}.png"),
                clip={"x": 0, "y": 0, "width": 420, "height": 40},
            )
    finally:
        context.close()
