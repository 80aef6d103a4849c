"""The demo's marker as a reader sees it (phone and desktop, both languages), and a company
page printed from the browser: no site chrome, outside links with their address."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support.browser import AXE_RULES, DESKTOP, PHONE, assert_fits, screenshot

COMPANY = "/companies/lanshan-intelligence"
BANNER = {"en": "Fictional demo data.", "zh_CN": "虚构的演示数据。"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_demo_marker_is_seen_first_on_every_page(page: Page, live_server, locale, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/language/{locale}")
    for path in ("/", COMPANY):
        page.goto(live_server + path)
        banner = page.locator(".demo-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(BANNER[locale])
        # it sits above the page's heading, inside the main landmark
        assert banner.bounding_box()["y"] < page.locator("main h1").first.bounding_box()["y"]
        assert_fits(page, viewport["width"], path)
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, f"demo-marker-{locale}-{'phone' if viewport is PHONE else 'desktop'}")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_printed_company_page_drops_the_chrome_and_shows_link_addresses(
    page: Page, live_server, locale
):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/language/{locale}")
    page.goto(live_server + COMPANY)
    page.emulate_media(media="print")
    for chrome in (
        ".site-header",
        ".site-footer",
        ".company-page .versions",
        ".company-page .downloads",
    ):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".demo-banner")).to_be_visible()  # the marker prints too
    outside = page.locator('.company-page .evidence a[href^="http"]').first
    href = outside.get_attribute("href")
    after = outside.evaluate("a => getComputedStyle(a, '::after').content")
    assert href and href in after
    site = page.locator(".company-page .facts a").first  # its text is its address already
    assert site.evaluate("a => getComputedStyle(a, '::after').content") == "none"
    expect(page.locator(".company-page .feed-links")).to_be_hidden()
    # items are kept whole across printed pages
    assert (
        page.locator(".company-page .item").first.evaluate("e => getComputedStyle(e).breakInside")
        == "avoid"
    )
    screenshot(page, f"company-print-{locale}")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (Path("test-artifacts") / f"company-print-{locale}.pdf").write_bytes(pdf)
