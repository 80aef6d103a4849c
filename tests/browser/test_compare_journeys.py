"""A reader puts two companies side by side on red-teaming without JavaScript, in English and
Chinese, on a desktop and on a phone; and follows an item's permalink on a company page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.app import ARTIFACTS
from tests.support.browser import AXE_RULES, PHONE, heading, screenshot

RED_TEAM = "c2.red-team-internal"
PAIR = "/compare?companies=lanshan-intelligence,chengyue-tech&cycle=2025-annual"


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def no_sideways_scroll(page: Page) -> None:
    # On a phone the layout viewport widens to what overflows: measure against the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_a_reader_compares_two_companies_on_red_teaming_without_javascript(
    browser: Browser, page: Page, live_server
):
    """The journey without JavaScript; axe (a script) then checks the same pages in a page of
    its own with JavaScript on, in both languages."""
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        bare = context.new_page()
        bare.set_default_timeout(30_000)  # full-page screenshots on a busy machine
        read_without_javascript(bare, live_server)
    finally:
        context.close()
    for language in ("en", "zh_CN"):
        page.goto(f"{live_server}/language/{language}")
        for url in ("/compare", PAIR, f"{PAIR}&commitment={RED_TEAM}"):
            page.goto(live_server + url)
            expect(page.locator("h1")).to_be_visible()
            assert_accessible(page)


def read_without_javascript(page: Page, live_server: str) -> None:
    """Pick two companies, narrow to red-teaming, read in Chinese, follow an item's link."""
    page.goto(live_server + "/companies/")
    page.get_by_role("link", name="Compare two to four companies side by side").click()
    expect(heading(page)).to_have_text("Compare disclosures")
    screenshot(page, "compare-picker-desktop-en")
    page.get_by_label("First company").select_option(label="Lanshan Intelligence")
    page.get_by_label("Second company").select_option(label="Chengyue Technology")
    page.get_by_role("button", name="Compare", exact=True).click()
    # The form's fields became the comparison's one address, in the order chosen.
    assert page.url == live_server + PAIR
    columns = page.get_by_role("list", name="Compared disclosures").locator("> [role=listitem]")
    expect(columns).to_have_count(2)
    expect(columns.nth(0)).to_contain_text("Lanshan Intelligence")
    expect(columns.nth(1)).to_contain_text("Chengyue Technology")
    expect(columns.nth(0).get_by_role("link", name="Ledger entry")).to_be_visible()
    screenshot(page, "compare-pair-desktop-en")

    page.get_by_label("Show").select_option(RED_TEAM)
    page.get_by_role("button", name="Show").click()
    assert page.url == f"{live_server}{PAIR}&commitment={RED_TEAM}"
    items = page.locator("article.compare-item")
    expect(items).to_have_count(1)
    item = items.first
    expect(item.get_by_role("heading", level=3)).to_contain_text("Internal red-teaming")
    cells = item.locator(".compare-cell")
    expect(cells).to_have_count(2)
    for index, name in enumerate(["Lanshan Intelligence", "Chengyue Technology"]):
        expect(cells.nth(index)).to_contain_text(name)
        expect(cells.nth(index).locator(".status")).to_be_visible()
    link = cells.nth(0).get_by_role("link", name="This item on the company page")
    href = link.get_attribute("href")
    assert href and "version=" in href and href.endswith(f"#{RED_TEAM}")
    screenshot(page, "compare-red-team-desktop-en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(heading(page)).to_have_text("比较披露")
    expect(page.locator("article.compare-item h3")).to_contain_text("红队测试")
    screenshot(page, "compare-red-team-desktop-zh")

    link = page.locator(".compare-cell").nth(1).locator(".compare-item-link a")
    link.click()
    expect(page.locator(f"article[id='{RED_TEAM}']")).to_be_visible()
    page.wait_for_url(f"**#{RED_TEAM}")
    expect(page.locator(f"article[id='{RED_TEAM}']")).to_be_in_viewport()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_a_comparison_stacks_and_never_scrolls_sideways(
    browser: Browser, live_server, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + "/compare")
        no_sideways_scroll(page)
        screenshot(page, f"compare-picker-phone-{language[:2]}")
        assert_accessible(page)
        four = "lanshan-intelligence,chengyue-tech,muchuan-data,qiwu-intelligence"
        page.goto(f"{live_server}/compare?companies={four}&cycle=2025-annual&commitment=c2")
        expect(page.locator("article.compare-item").first).to_be_visible()
        no_sideways_scroll(page)
        # Stacked: the second answer of an item is below the first, not beside it.
        first, second = (page.locator(".compare-cell").nth(i).bounding_box() for i in (0, 1))
        assert first and second and second["y"] > first["y"] + first["height"] - 1
        screenshot(page, f"compare-four-phone-{language[:2]}")
        assert_accessible(page)
        page.goto(
            f"{live_server}/compare?companies=lanshan-intelligence"
            "&cycles=2024-annual,2025-annual&commitment=c2"
        )
        expect(page.locator("article.compare-item").first).to_be_visible()
        no_sideways_scroll(page)
        screenshot(page, f"compare-cycles-phone-{language[:2]}")
        assert_accessible(page)
    finally:
        context.close()


def test_a_printed_comparison_has_no_navigation_and_shows_its_links(page: Page, live_server):
    page.goto(live_server + PAIR + "&commitment=c2")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by its script
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".compare-tools")).to_be_hidden()
    shown = page.evaluate(
        "getComputedStyle(document.querySelector('.compare-links a'), '::after').content"
    )
    assert "/ledger/" in shown
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.compare-cells')).gridTemplateColumns"
    )
    assert len(columns.split()) == 2
    page.pdf(path=str(ARTIFACTS / "compare-print.pdf"))  # looked at by hand


def test_an_item_permalink_shows_on_focus_and_lands_on_the_item(page: Page, live_server):
    page.goto(live_server + "/companies/lanshan-intelligence")
    card = page.locator(f"article[id='{RED_TEAM}']")
    link = card.get_by_role("link", name="Link to this item")
    assert float(link.evaluate("e => getComputedStyle(e).opacity")) == 0
    link.focus()
    assert float(link.evaluate("e => getComputedStyle(e).opacity")) == 1
    card.locator(".item-head").screenshot(path=str(ARTIFACTS / "company-permalink-focus.png"))
    href = link.get_attribute("href")
    assert href and "cycle=2025-annual" in href and "version=" in href
    assert href.endswith(f"#{RED_TEAM}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert page.evaluate("document.querySelector(':target').id") == RED_TEAM
    outline = card.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    assert_accessible(page)
