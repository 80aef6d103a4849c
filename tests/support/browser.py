"""Chromium driven by Playwright against the app served on a free local port, and what the
browser journeys share: pages of their own, signing in, the demo's people and items.

The browser must be there: a missing /usr/bin/chromium fails these tests, it never skips them.
"""

from __future__ import annotations

import gc
import os
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.support.app import ARTIFACTS
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import DEMO_CHECKLIST, DEMO_CYCLE_SLUG, DEMO_PASSWORD

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CYCLE = DEMO_CYCLE_SLUG
SAVED = re.compile(r"^Saved\b")  # "Saved 5 Mar 2025, 10:04 (UTC+8)"; not "Saving…"
NARRATIVE = "Public narrative (Markdown)"
AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


# --- the browser and the server -----------------------------------------------------------------


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the duration of the block (a missing one fails)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (./dev test does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 in a thread for the duration of the block; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    with warnings.catch_warnings():  # collect what the server abandoned, here and quietly
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def new_context(browser: Browser) -> BrowserContext:
    """A browser of its own (English, a desktop window): no cookies shared with any other."""
    return browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})


def new_page(browser: Browser) -> Page:
    """A page in a browser of its own, waiting at most 10 s for what it expects."""
    page = new_context(browser).new_page()
    page.set_default_timeout(10_000)
    return page


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot in test-artifacts/``name``.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- signing in ---------------------------------------------------------------------------------


def account_nav(page: Page) -> Locator:
    """The account navigation: "Sign in", or the person's name and "Sign out"."""
    return page.get_by_role("navigation", name="Account")


def submit_sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill and send the sign-in form as a person would (callers wait for where they land)."""
    page.goto(base_url + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(
    page: Page,
    base_url: str,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    lands_on: str | None = None,
) -> None:
    """Sign in and wait until the page shows the account's "Sign out" button; with
    ``lands_on``, also check that the page is then that path (officers land on /filing/)."""
    submit_sign_in(page, base_url, email, password)
    expect(account_nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    if lands_on is not None:
        expect(page).to_have_url(base_url + lands_on)


# --- the demo's people, pages and items -------------------------------------------------------


def officer_of(company: content.DemoCompany) -> str:
    """The e-mail address of a demo company's compliance officer."""
    return f"officer@{company.slug}.example"


def heading(page: Page) -> Locator:
    """The page's one level-1 heading."""
    return page.get_by_role("heading", level=1)


def item_card(page: Page, item_id: str) -> Locator:
    """The card of a checklist item on a filing or review page."""
    return page.locator(f'article[id="{item_id}"]')


def flash(page: Page) -> Locator:
    """The flashed messages at the top of the page."""
    return page.locator(".flashes")


def narrated_item(app: Flask, company: content.DemoCompany) -> tuple[str, str]:
    """(item id, commitment id) of the first item the company answered with a narrative in the
    demo cycle."""
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.filing.models import Disclosure, ItemResponse

    loaded = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.key == DEMO_CHECKLIST
    )
    with app.app_context():
        narrated = set(
            db.session.scalars(
                sa.select(ItemResponse.item_id)
                .join(Disclosure)
                .join(Company, Company.id == Disclosure.company_id)
                .join(Cycle, Cycle.id == Disclosure.cycle_id)
                .where(
                    Company.slug == company.slug,
                    Cycle.slug == CYCLE,
                    ItemResponse.narrative.is_not(None),
                    ItemResponse.narrative != "",
                )
            )
        )
    for commitment in loaded.checklist.commitments:
        for item in commitment.items:
            if item.id in narrated:
                return item.id, commitment.id
    raise AssertionError(f"{company.slug} answered no item with a narrative")


# --- a phone's screen ----------------------------------------------------------------------------

# What sticks out of the screen outside a box that scrolls (or is meant to be off screen).
STICKING_OUT = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-scroll, .chart-scroll, pre, .visually-hidden, .skip-link'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.getBoundingClientRect().right}`)"""


def assert_fits(page: Page, width: int, where: str) -> None:
    """The page fits a screen ``width`` px wide: it does not scroll sideways, and nothing sticks
    out of the screen outside a box that scrolls on its own (``where`` names the page)."""
    # On a phone the layout viewport widens to what overflows: measure against the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"
    assert page.evaluate(STICKING_OUT, width) == [], where
