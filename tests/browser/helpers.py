"""Small helpers the browser journeys share."""

import re

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import ARTIFACTS
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import DEMO_CHECKLIST, DEMO_CYCLE_SLUG, DEMO_PASSWORD
from tracker.disclosures.models import Disclosure, ItemResponse

CYCLE = DEMO_CYCLE_SLUG
SAVED = re.compile(r"^Saved\b")  # "Saved 3/5/25, 10:04 AM"; not "Saving…"
NARRATIVE = "Public narrative (Markdown)"
AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit_sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill and send the sign-in form as a person would (callers wait for where they land)."""
    page.goto(base_url + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def officer_of(company: content.DemoCompany) -> str:
    return f"officer@{company.slug}.example"


def new_page(browser: Browser) -> Page:
    """A page in a browser of its own: no cookies shared with any other."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def item_card(page: Page, item_id: str) -> Locator:
    return page.locator(f'article[id="{item_id}"]')


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in and wait until the page shows the account's sign-out button."""
    submit_sign_in(page, base_url, email, password)
    expect(
        page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out")
    ).to_be_visible()


def flash(page: Page) -> Locator:
    return page.locator(".flashes")


def narrated_item(app: Flask, company: content.DemoCompany) -> tuple[str, str]:
    """(item id, commitment id) of the first item the company answered with a narrative in the
    demo cycle."""
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
