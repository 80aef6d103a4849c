"""Every public page on a 390 px phone, in English and Chinese: nothing scrolls the page
sideways or sticks out of the screen (wide tables scroll inside their own labelled box), axe
finds nothing, and a screenshot of each is left to look at. And the ledger's list, filtered
and sorted on a phone and a desktop, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, DESKTOP, PHONE, assert_fits, screenshot
from tracker.db import db
from tracker.ledger.models import LedgerEntry

LANSHAN = "/companies/lanshan-intelligence"
PAGES = {
    "home": "/",
    "companies": "/companies/",
    "company": LANSHAN,
    "company-2024": LANSHAN + "?cycle=2024-annual",
    "company-long-name": "/companies/xingyuan-institute",
    "checklist": "/checklist/",
    "benchmarks": "/benchmarks/",
    "benchmark": "/benchmarks/harmbench",
    "ledger": "/ledger/",
    "ledger-entry": None,  # the list an entry's link on the company page opens
    "not-found": "/no-such-page",
    "bad-request": "/ledger/?kind=draft",
    "sign-in": "/sign-in",
}


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def entry_link(page: Page, live_server: str) -> str:
    page.goto(live_server + LANSHAN)
    return (
        page.locator("#record")
        .get_by_role("link", name=re.compile(r"^#\d+$"))
        .get_attribute("href")
    )


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_public_page_fits_a_phone(browser: Browser, live_server, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        # A company page is some 30,000 px tall on a phone: its full-page screenshot takes a
        # while on a loaded machine.
        page.set_default_timeout(60_000)
        page.goto(f"{live_server}/language/{language}")
        for name, path in PAGES.items():
            page.goto(live_server + (path or entry_link(page, live_server)))
            assert_fits(page, PHONE["width"], name)
            # Every scrolling box can be reached and scrolled with the keyboard, and is named.
            for box in page.locator(".table-scroll, .chart-scroll").all():
                if box.evaluate("e => e.scrollWidth > e.clientWidth"):
                    assert box.get_attribute("tabindex") == "0", name
                    assert box.get_attribute("aria-label") or box.get_attribute(
                        "aria-labelledby"
                    ), name
            assert_accessible(page)
            screenshot(page, f"phone-{name}-{language[:2]}")
    finally:
        context.close()


def test_the_header_takes_two_more_sections_on_a_phone_and_a_desktop(browser: Browser, live_server):
    """Other parts add sections to the main navigation and links to the footer: with two more
    (long, in Chinese too) the header still wraps inside the screen."""
    for viewport, mobile in (
        (PHONE, True),
        ({"width": 800, "height": 900}, False),
        (DESKTOP, False),
    ):
        context = browser.new_context(locale="en-GB", viewport=viewport, is_mobile=mobile)
        try:
            page = context.new_page()
            for language in ("en", "zh_CN"):
                page.goto(f"{live_server}/language/{language}")
                page.goto(live_server + "/ledger/")
                page.evaluate(
                    """() => { const list = document.querySelector('.main-nav ul');
                    for (const name of ['Search the disclosures', 'Open data and API']) {
                      const item = list.lastElementChild.cloneNode(true);
                      item.querySelector('a').textContent = name;
                      item.querySelector('a').removeAttribute('aria-current');
                      list.append(item);
                    } }"""
                )
                assert_fits(page, viewport["width"], f"header at {viewport['width']} px")
                header = page.locator(".site-header")
                header.screenshot(
                    path=str(_artifact(f"phone-header-{viewport['width']}-{language[:2]}"))
                )
        finally:
            context.close()


def _artifact(name: str):
    from tests.support.app import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def lanshan_entries(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(LedgerEntry.sequence)
                .where(LedgerEntry.company_slug == "lanshan-intelligence")
                .order_by(LedgerEntry.sequence)
            )
        )


def listed(page: Page) -> list[int]:
    ids = page.locator("table.ledger tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    return [int(i.removeprefix("entry-")) for i in ids]


def test_without_javascript_the_ledger_filters_and_sorts_with_the_form_and_links(
    browser: Browser, live_server, app
):
    lanshan = lanshan_entries(app)
    context = browser.new_context(locale="en-GB", viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/ledger/")
        assert_fits(page, DESKTOP["width"], "the ledger at 1280 px")
        box = page.get_by_role("region", name="Publication ledger")
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table scrolls"
        hash_cell = page.locator("table.ledger code.ledger-hash").first
        full = hash_cell.get_attribute("title")
        assert re.fullmatch(r"[0-9a-f]{64}", full) and hash_cell.text_content() == full
        assert hash_cell.evaluate("e => e.scrollWidth > e.clientWidth")  # shown cut short
        filters = page.get_by_role("form", name="Choose which entries to list")
        filters.get_by_label("Company").select_option(label="Lanshan Intelligence")
        filters.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(r"/ledger/\?company=lanshan-intelligence&.*#entries$"))
        expect(page.locator(".result-count")).to_have_text(
            re.compile(rf"^{len(lanshan)} entries match\.")
        )
        assert listed(page) == lanshan[::-1]
        number = page.locator("table.ledger thead th").first
        expect(number).to_have_attribute("aria-sort", "descending")
        number.get_by_role("link").click()
        expect(number).to_have_attribute("aria-sort", "ascending")
        assert listed(page) == lanshan
        expect(page.get_by_label("Order")).to_have_value("sequence")
        screenshot(page, "ledger-filtered-nojs-desktop-en")
        page.get_by_role("link", name="Show every entry").click()
        expect(page.locator(".result-count")).to_have_text(re.compile(r"^The ledger holds"))
    finally:
        context.close()


def test_with_javascript_the_ledger_list_changes_in_place_and_by_keyboard(
    page: Page, live_server, app
):
    lanshan = lanshan_entries(app)
    page.goto(live_server + "/ledger/")
    page.evaluate("window.stayed = true")  # gone if the page is loaded again
    page.get_by_label("Company").select_option("lanshan-intelligence")
    expect(page.locator("#ledger-announce")).to_have_text(f"{len(lanshan)} entries match.")
    expect(page).to_have_url(re.compile(r"/ledger/\?company=lanshan-intelligence#entries$"))
    assert listed(page) == lanshan[::-1]
    assert page.evaluate("window.stayed") is True
    # The number's header by keyboard: focus it, Enter; focus stays on it, the order flips.
    link = page.locator('[data-ledger-link="sort-sequence"]')
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("table.ledger thead th").first).to_have_attribute("aria-sort", "ascending")
    expect(page.locator('[data-ledger-link="sort-sequence"]')).to_be_focused()
    assert listed(page) == lanshan
    expect(page.get_by_label("Order")).to_have_value("sequence")
    expect(page).to_have_url(re.compile(r"\?company=lanshan-intelligence&sort=sequence#entries$"))
    assert page.evaluate("window.stayed") is True
    assert_accessible(page)
    screenshot(page, "ledger-filtered-js-desktop-en")
    page.go_back()
    expect(page.locator("table.ledger thead th").first).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_label("Order")).to_have_value("-sequence")
    assert listed(page) == lanshan[::-1]
    # A bad address is not the script's business: the page it falls back to says why.
    page.goto(live_server + "/ledger/?kind=draft")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bad request")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_ledger_filters_and_each_entry_reads_as_a_block(
    browser: Browser, live_server, app, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + "/ledger/?kind=correction")
        row = page.locator("table.ledger tbody tr").first
        expect(row).to_be_visible()
        # The whole hash shows, wrapped, inside the screen.
        hash_cell = row.locator("code.ledger-hash").first
        assert hash_cell.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
        assert hash_cell.evaluate("e => e.scrollWidth <= e.clientWidth || e.clientWidth === 0")
        assert_fits(page, PHONE["width"], "the corrections on a phone")
        page.get_by_label(re.compile("^(Order|排序)$")).select_option("company")
        expect(page).to_have_url(re.compile(r"kind=correction&sort=company"))
        assert_fits(page, PHONE["width"], "the corrections by company on a phone")
        page.locator("#entries").scroll_into_view_if_needed()
        screenshot(page, f"ledger-corrections-phone-{language[:2]}")
    finally:
        context.close()
