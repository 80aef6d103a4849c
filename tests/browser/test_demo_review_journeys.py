"""The demo's "changes requested" disclosure, in Chromium, as its officer and as staff read it:
the decision's reason, the items commented on and the comments themselves, in English and in
Chinese, on a desktop and on a phone (no dead end: what the alliance asked is on the page)."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

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
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import DEMO_STAFF, STATE_PLAN
from tracker.domain.workflow import DisclosureState

RETURNED = next(
    c
    for c, state in zip(content.companies(), STATE_PLAN, strict=True)
    if state is DisclosureState.CHANGES_REQUESTED
)


def what_was_asked(app) -> tuple[str, list[tuple[str, str, str]]]:
    """The reason of the request for changes, and (item, commitment, comment) for each comment."""
    from tracker.companies.models import Company
    from tracker.filing.models import Disclosure
    from tracker.review.services import comments_by_item, transitions_of

    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug=RETURNED.slug))
        disclosure = db.session.scalar(
            sa.select(Disclosure).filter_by(company_id=company.id).order_by(Disclosure.id.desc())
        )
        reason = transitions_of(db.session, disclosure)[-1].reason
        checklist = disclosure.checklist_version.checklist
        commitment_of = {i.id: c.id for c in checklist.commitments for i in c.items}
        comments = [
            (item_id, commitment_of[item_id], c.body)
            for item_id, thread in comments_by_item(db.session, disclosure).items()
            if item_id is not None
            for c in thread
        ]
    return reason, comments


@pytest.mark.parametrize(
    ("viewport", "locale"), [(DESKTOP, "en"), (PHONE, "zh_CN")], ids=["desktop-en", "phone-zh"]
)
def test_the_officer_reads_the_reason_and_each_comment(
    browser: Browser, live_server, app, viewport, locale
):
    reason, comments = what_was_asked(app)
    assert reason and len(comments) == 2
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        # The form in English, then the reader's language.
        sign_in(page, live_server, officer_of(RETURNED))
        page.goto(f"{live_server}/language/{locale}")
        page.goto(f"{live_server}/filing/{CYCLE}/")
        alert = page.locator(".alert-info")
        expect(alert).to_contain_text(reason)
        expect(alert).to_contain_text("2 items" if locale == "en" else "2")
        assert_fits(page, viewport["width"], "the officer's overview")
        screenshot(page, f"demo-changes-requested-officer-{locale}")
        for item_id, commitment_id, body in comments:
            page.goto(f"{live_server}/filing/{CYCLE}/{commitment_id}#{item_id}")
            card = item_card(page, item_id)
            expect(card.locator(".comment.from-staff .comment-body")).to_contain_text(body)
        screenshot(page, f"demo-changes-requested-officer-item-{locale}")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("viewport", "locale"), [(DESKTOP, "zh_CN"), (PHONE, "en")], ids=["desktop-zh", "phone-en"]
)
def test_staff_read_the_reason_steps_and_comments(
    browser: Browser, live_server, app, viewport, locale
):
    reason, comments = what_was_asked(app)
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, DEMO_STAFF)
        page.goto(f"{live_server}/language/{locale}")
        page.goto(f"{live_server}/review/{CYCLE}/{RETURNED.slug}")
        steps = page.locator("ol.steps li")
        expect(steps).to_have_count(3)  # started, submitted, changes requested
        expect(steps.last).to_contain_text(reason)
        for item_id, _, body in comments:
            expect(item_card(page, item_id).locator(".comment-body")).to_contain_text(body)
        assert_fits(page, viewport["width"], "the review page")
        screenshot(page, f"demo-changes-requested-staff-{locale}")
    finally:
        context.close()
