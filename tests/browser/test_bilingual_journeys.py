"""The language of the text, in Chromium: an officer gives a Chinese narrative an English
version (autosaved), it is published, and readers in English see the English version and can
open the Chinese original; readers in Chinese see the original first. Desktop and phone, both
languages, axe clean."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.support.app import ARTIFACTS
from tests.support.browser import (
    AXE_RULES,
    CYCLE,
    NARRATIVE,
    PHONE,
    SAVED,
    item_card,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.db import db, utcnow
from tracker.demo import content

COMPANY = content.companies()[19]  # a draft in the demo cycle
ZH_TEXT = "我们设立了独立的**安全团队**，每季度开展红队测试。"
EN_TEXT = "We set up an independent **safety team** that red-teams every quarter."
TRANSLATION = "The narrative in the other language (optional)"


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def first_item(app: Flask) -> tuple[str, str]:
    from tracker.demo.services import DEMO_CHECKLIST

    loaded = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.key == DEMO_CHECKLIST
    )
    commitment = loaded.checklist.commitments[0]
    return commitment.items[0].id, commitment.id


def publish_now(app: Flask) -> None:
    """Staff accept and publish the company's answers as they are (review is tested apart)."""
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.domain.workflow import DisclosureState
    from tracker.filing.models import Disclosure
    from tracker.ledger.services import publish

    with app.app_context():
        disclosure = db.session.scalar(
            sa.select(Disclosure)
            .join(Company, Company.id == Disclosure.company_id)
            .join(Cycle, Cycle.id == Disclosure.cycle_id)
            .where(Company.slug == COMPANY.slug, Cycle.slug == CYCLE)
        )
        disclosure.state = DisclosureState.ACCEPTED
        publish(db.session, None, disclosure, utcnow())
        db.session.commit()


@pytest.fixture
def published(page: Page, live_server, app) -> str:
    """The officer writes the narrative in Chinese and its English version; it is published.
    Returns the item's id."""
    item_id, commitment_id = first_item(app)
    sign_in(page, live_server, officer_of(COMPANY), lands_on="/filing/")
    page.goto(f"{live_server}/filing/{CYCLE}/{commitment_id}")
    card = item_card(page, item_id)
    card.get_by_label("Met", exact=True).check()
    card.get_by_label(NARRATIVE).fill(ZH_TEXT)
    expect(card.get_by_label("Language of the narrative")).to_have_value("")
    card.get_by_label("Language of the narrative").select_option("zh-CN")
    translation = card.get_by_label(TRANSLATION)
    translation.fill(EN_TEXT)
    expect(card.locator(".save-state")).to_have_text(SAVED)
    # The preview of the English version, as the public will see it.
    card.locator(".narrative-translation-field summary").click()
    expect(card.locator(".translation-preview strong")).to_have_text("safety team")
    screenshot(page, "bilingual-filing-desktop-en")
    assert_accessible(page)

    # Saved, not only shown: a fresh visit finds both.
    page.reload()
    card = item_card(page, item_id)
    expect(card.get_by_label(TRANSLATION)).to_have_value(EN_TEXT)
    expect(card.get_by_label("Language of the narrative")).to_have_value("zh-CN")
    publish_now(app)
    return item_id


def test_a_reader_in_english_reads_the_english_version_and_opens_the_original(
    browser: Browser, live_server, published
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/companies/{COMPANY.slug}#{published}")
        card = page.locator(f'article[id="{published}"]')
        shown = card.locator('.narrative-block > .narrative[lang="en"]')
        expect(shown).to_contain_text("independent safety team")
        expect(card.locator(".narrative-language-note")).to_have_text(
            "The company's English version; its original is in Chinese."
        )
        original = card.locator('details .narrative[lang="zh-CN"]')
        expect(original).to_be_hidden()
        card.get_by_text("Original (Chinese)").click()
        expect(original).to_be_visible()
        expect(original).to_contain_text("我们设立了独立的安全团队")
        card.scroll_into_view_if_needed()
        screenshot(page, "bilingual-company-desktop-en")
        assert_accessible(page)
    finally:
        context.close()


def test_a_reader_in_chinese_reads_the_original(browser: Browser, live_server, published):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/zh_CN")
        page.goto(f"{live_server}/companies/{COMPANY.slug}#{published}")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        card = page.locator(f'article[id="{published}"]')
        expect(card.locator('.narrative-block > .narrative[lang="zh-CN"]')).to_contain_text(
            "我们设立了独立的安全团队"
        )
        expect(card.locator(".narrative-language-note")).to_have_count(0)
        card.get_by_text("企业提供的英文版本").click()
        expect(card.locator('details .narrative[lang="en"]')).to_contain_text("safety team")
        card.scroll_into_view_if_needed()
        screenshot(page, "bilingual-company-desktop-zh")
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_both_texts_fit(browser: Browser, live_server, published, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        page.goto(f"{live_server}/companies/{COMPANY.slug}#{published}")
        card = page.locator(f'article[id="{published}"]')
        card.locator("details.narrative-other summary").click()
        expect(card.locator("details.narrative-other .narrative")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        card.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"bilingual-company-phone-{language[:2]}.png"))
        assert_accessible(page)
    finally:
        context.close()
