"""The officer's working day in Chromium (issue 15), on a desktop in English and on a phone in
Chinese: each item says whether it is ready as the officer types and the commitment's count
follows; the autosave conflict shows both versions and the word difference, and the "unsaved"
bar covers no button; the items staff asked to change are listed and marked; staff comments
sit by the narrative; files appear in the item's history."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import (
    CYCLE,
    DESKTOP,
    PHONE,
    assert_fits,
    item_card,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.demo import content

DRAFT_COMPANY = content.companies()[19]  # a draft in the demo cycle
SETTINGS = [
    pytest.param(DESKTOP, "en", id="desktop-en"),
    pytest.param(PHONE, "zh_CN", id="phone-zh"),
]


def open_as_officer(browser: Browser, live_server: str, company, viewport, language) -> Page:
    context = browser.new_context(locale="en-GB", viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, officer_of(company))
    page.goto(f"{live_server}/language/{language}?next=/filing/")
    return page


def narrated_required_item(app: Flask, commitment_id: str):
    from tracker.demo.services import DEMO_CHECKLIST

    loaded = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.key == DEMO_CHECKLIST
    )
    commitment = next(c for c in loaded.checklist.commitments if c.id == commitment_id)
    return next(i for i in commitment.items if i.required and i.narrative)


def progress_counts(page: Page) -> tuple[int, int]:
    bar = page.locator("#commitment-progress progress")
    return int(float(bar.get_attribute("value") or 0)), int(float(bar.get_attribute("max") or 0))


def readiness(card: Locator) -> Locator:
    return card.locator(".readiness")


# --- readiness as the officer types -------------------------------------------------------------


@pytest.mark.parametrize(("viewport", "language"), SETTINGS)
def test_each_item_says_whether_it_is_ready_as_the_officer_types(
    browser: Browser, live_server, app, viewport, language
):
    from flask_babel import force_locale

    from tracker.filing.messages import readiness_messages

    with app.test_request_context(), force_locale(language):
        texts = readiness_messages()
    item = narrated_required_item(app, "c2")
    page = open_as_officer(browser, live_server, DRAFT_COMPANY, viewport, language)
    try:
        page.goto(f"{live_server}/filing/{CYCLE}/c2")
        card = item_card(page, item.id)
        line = readiness(card)
        expect(line).to_have_attribute("role", "status")
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

        # "Met" without a narrative is not ready; the count drops if the item was ready.
        card.locator("input[type=radio][value=met]").check()
        narrative = card.locator("textarea[data-readiness=narrative]")
        before_done, total = progress_counts(page)
        was_ready = line.get_attribute("data-state") == "ready"
        narrative.fill("")
        expect(line).to_have_attribute("data-state", "narrative_missing")
        expect(line).to_have_text(texts["narrative_missing"])
        expect(line).to_have_class(re.compile(r"\bnot-ready\b"))
        assert progress_counts(page) == (before_done - was_ready, total)
        screenshot(page, f"officer-readiness-missing-{language[:2]}-{viewport['width']}")

        # Typing a narrative makes it ready at once, before any request is made.
        expect(card.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))
        posts.clear()
        narrative.press_sequentially("Evaluated before every release.")
        expect(line).to_have_attribute("data-state", "ready")
        expect(line).to_have_text(texts["ready"])
        assert progress_counts(page) == (before_done - was_ready + 1, total)
        assert not [u for u in posts if u.endswith(f"/items/{item.id}")], posts

        # "Not applicable" asks for a reason, then is ready with one.
        card.locator("input[type=radio][value=not_applicable]").check()
        expect(line).to_have_attribute("data-state", "reason_missing")
        expect(line).to_have_text(texts["reason_missing"])
        card.locator("textarea[data-readiness=reason]").fill("We release no models.")
        expect(line).to_have_attribute("data-state", "ready")
        assert_fits(page, viewport["width"], "commitment page")
        screenshot(page, f"officer-readiness-ready-{language[:2]}-{viewport['width']}")

        # Once saved, the server's own rendering of the page says the same.
        expect(card.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))
        counts = progress_counts(page)
        page.reload()
        line = readiness(item_card(page, item.id))
        expect(line).to_have_attribute("data-state", "ready")
        expect(line).to_have_text(texts["ready"])
        assert progress_counts(page) == counts
    finally:
        page.context.close()
