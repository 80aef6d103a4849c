"""A reader of a cycle's page, in Chromium: on a desktop and a phone, in English and Chinese;
finding who did not publish; sorting a table by a column with JavaScript off and on."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, CYCLE, DESKTOP, PHONE, heading, screenshot
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.ledger.models import OVERALL, Publication, PublicationScore

URL = f"/cycles/{CYCLE}/"


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def overall_order(app) -> list[str]:
    """The published companies' English names, highest overall score first (ties by name),
    counted here from the stored scores."""
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=CYCLE))
        rows = db.session.execute(
            sa.select(Company.name_en, Publication.version, PublicationScore.percent)
            .join(Publication, Publication.company_id == Company.id)
            .join(PublicationScore, PublicationScore.publication_id == Publication.id)
            .where(
                Publication.cycle_id == cycle.id,
                PublicationScore.commitment_id == OVERALL,
                Company.is_public_signatory,
            )
            .order_by(Publication.version)
        ).all()
    scores = {name: percent for name, _, percent in rows}
    return sorted(scores, key=lambda n: (-(scores[n] if scores[n] is not None else -1), n))


def not_started(app) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                sa.select(Company.name_en)
                .join(Disclosure, Disclosure.company_id == Company.id)
                .join(Cycle, Cycle.id == Disclosure.cycle_id)
                .where(
                    Cycle.slug == CYCLE,
                    Disclosure.state == DisclosureState.NOT_STARTED,
                    Company.is_public_signatory,
                )
            )
        )


def heatmap_names(page: Page) -> list[str]:
    return page.locator("table.heatmap tbody th[scope=row]").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_cycle_page_reads_on_a_desktop_and_a_phone(
    browser: Browser, live_server, language, device
):
    phone = device == "phone"
    context = browser.new_context(
        locale="en-GB", viewport=PHONE if phone else DESKTOP, is_mobile=phone
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + URL)
        expect(heading(page)).to_have_text(
            "2025 annual disclosure" if language == "en" else "2025年度披露"
        )
        roster = "Who published, who did not" if language == "en" else "谁已发布，谁尚未发布"
        expect(page.get_by_role("heading", name=roster)).to_be_visible()
        expect(page.locator("table.heatmap tbody tr")).to_have_count(13)
        expect(page.locator("table.adoption tbody tr")).to_have_count(31)
        if phone:
            # On a phone the layout viewport widens to what overflows: measure the screen.
            overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
            assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
            # every score column fits beside the names; only the report links scroll
            region = page.locator(".heatmap-figure .table-scroll")
            overall = page.locator("table.heatmap thead th").nth(7)
            right = overall.evaluate("th => th.getBoundingClientRect().right")
            edge = region.evaluate("box => box.getBoundingClientRect().right")
            assert right <= edge + 1, f"the overall score is {right - edge}px off the screen"
            expect(page.locator(".heat-key")).to_be_visible()
        screenshot(page, f"cycle-{device}-{language[:2]}")
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_home_heatmap_shows_every_score_column(
    browser: Browser, live_server, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(live_server + "/")
        table = page.locator("table.heatmap")
        region = page.locator(".heatmap-figure .table-scroll").first
        wider = region.evaluate("box => box.scrollWidth - box.clientWidth")
        assert wider <= 0, f"the heatmap is {wider}px wider than the phone's screen"
        expect(table.locator("thead th")).to_have_count(8)
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        page.locator("#heatmap-heading").scroll_into_view_if_needed()
        screenshot(page, f"home-heatmap-phone-{language[:2]}")
        assert_accessible(page)
    finally:
        context.close()


def test_a_reader_finds_who_did_not_publish(page: Page, live_server, app):
    waiting = not_started(app)
    assert waiting, "the demo has a company that has not started"
    page.goto(live_server + "/")
    page.get_by_role("link", name="Who has published and who has not").click()
    expect(heading(page)).to_have_text("2025 annual disclosure")
    group = page.locator("ul[aria-labelledby=state-not_started]")
    expect(group.get_by_role("listitem")).to_have_text(waiting)
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ companies have not published$")))
    screenshot(page, "cycle-who-did-not-publish")
    # in Chinese too
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(page.get_by_role("heading", name="谁已发布，谁尚未发布")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("未开始"))).to_be_visible()


def test_sorting_a_heatmap_by_a_column_works_without_javascript(browser: Browser, live_server, app):
    expected = overall_order(app)
    context = browser.new_context(locale="en-GB", viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + URL)
        names = heatmap_names(page)
        assert names == sorted(names)
        # by keyboard: the heading's link takes focus and Enter follows it
        link = page.locator("table.heatmap thead a[data-sort-key=overall]")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"sort=overall&order=desc"))
        assert heatmap_names(page) == expected
        expect(page.locator("table.heatmap thead th").nth(7)).to_have_attribute(
            "aria-sort", "descending"
        )
        page.locator("table.heatmap thead a[data-sort-key=overall]").click()
        page.wait_for_url(re.compile(r"order=asc"))
        assert heatmap_names(page)[0] == expected[-1]
        # the adoption table, filtered by a link
        page.get_by_role("navigation", name="Commitment shown").get_by_role(
            "link", name=re.compile("^C3")
        ).click()
        page.wait_for_url(re.compile(r"commitment=c3"))
        rows = page.locator("table.adoption tbody tr")
        expect(rows).to_have_count(5)
        for text in rows.all_inner_texts():
            assert text.startswith("C3")
        screenshot(page, "cycle-sorted-no-js")
    finally:
        context.close()


def test_sorting_with_javascript_sorts_in_the_page_and_updates_the_address(
    page: Page, live_server, app
):
    expected = overall_order(app)
    page.goto(live_server + URL)
    page.evaluate("window.sortedHere = true")  # gone if the page were loaded again
    link = page.locator("table.heatmap thead a[data-sort-key=overall]")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=overall&order=desc"))
    assert heatmap_names(page) == expected
    assert page.evaluate("window.sortedHere") is True  # sorted here, not fetched
    overall = page.locator("table.heatmap thead th").nth(7)
    expect(overall).to_have_attribute("aria-sort", "descending")
    expect(page.locator("table.heatmap thead th").first).not_to_have_attribute(
        "aria-sort", re.compile(".")
    )
    link.click()
    expect(page).to_have_url(re.compile(r"order=asc"))
    expect(overall).to_have_attribute("aria-sort", "ascending")
    assert heatmap_names(page)[0] == expected[-1]
    # the address it shows is the server's same order
    page.reload()
    assert heatmap_names(page)[0] == expected[-1]
    # the adoption table sorts in the page too, by rate, highest first
    page.locator("table.adoption thead a[data-sort-key=rate]").click()
    expect(page).to_have_url(re.compile(r"items=rate&items_order=desc"))
    rates = [
        int(v[:-1])
        for v in page.locator("table.adoption tbody tr td:last-child").all_inner_texts()
        if v.endswith("%")
    ]
    assert rates == sorted(rates, reverse=True)
    screenshot(page, "cycle-sorted-js")
    assert_accessible(page)
