"""Staff's working day in Chromium: the review queue, the reminders page and the
administrators' tables (users, audit trail, outbox) at desktop and phone width in both
languages, with no sideways page scroll; the review page's jump list, what changed since
changes were requested and the filter of the items shown."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    CYCLE,
    DESKTOP,
    PHONE,
    assert_fits,
    heading,
    item_card,
    narrated_item,
    screenshot,
    sign_in,
)
from tracker.demo import content
from tracker.demo.services import DEMO_ADMIN, DEMO_STAFF

SUBMITTED_COMPANY = content.companies()[15]

PAGES = {
    "queue": "/review/",
    "reminders": "/review/reminders/",
    "users": "/admin/users/",
    "audit": "/admin/audit/",
    "outbox": "/admin/outbox/",
}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_tables_fit_the_screen(page: Page, live_server, language, size):
    viewport = PHONE if size == "phone" else DESKTOP
    page.set_viewport_size(viewport)
    sign_in(page, live_server, DEMO_ADMIN)
    if language != "en":
        page.goto(f"{live_server}/language/{language}?next=/review/")
    for name, path in PAGES.items():
        page.goto(live_server + path)
        expect(heading(page)).to_be_visible()
        assert_fits(page, viewport["width"], f"{path} ({language}, {size})")
        region = page.locator(".table-scroll").first
        if region.count():
            expect(region).to_have_attribute("role", "region")
            assert region.get_attribute("aria-label"), f"{path}: the scrolling table has no label"
        screenshot(page, f"staff-{name}-{size}-{language}")


def return_and_change(app, company, item_id: str) -> None:
    """Staff ask the company for changes; its officer then rewrites one narrative."""
    import sqlalchemy as sa

    from tracker.auth.models import User
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.db import db, utcnow
    from tracker.domain.answers import Answer, Limits
    from tracker.domain.workflow import Action
    from tracker.filing import services as filing
    from tracker.filing.models import Disclosure
    from tracker.review import services as review

    with app.app_context():
        disclosure = db.session.scalars(
            sa.select(Disclosure)
            .join(Company, Company.id == Disclosure.company_id)
            .join(Cycle, Cycle.id == Disclosure.cycle_id)
            .where(Company.slug == company.slug, Cycle.slug == CYCLE)
        ).one()
        staff = db.session.scalars(sa.select(User).filter_by(email=DEMO_STAFF)).one()
        review.decide(
            db.session, staff, disclosure, Action.REQUEST_CHANGES, "More detail, please.", utcnow()
        )
        db.session.commit()
        response = next(r for r in disclosure.responses if r.item_id == item_id)
        officer = db.session.scalars(
            sa.select(User).filter_by(email=f"officer@{company.slug}.example")
        ).one()
        filing.save_answer(
            db.session,
            officer,
            disclosure,
            disclosure.checklist_version.checklist.item(item_id),
            Answer(status=response.status, narrative=(response.narrative or "") + NEW_WORDS),
            response.version,
            Limits(),
            utcnow(),
        )
        db.session.commit()


NEW_WORDS = " Reviewed twice a year by the board."


@pytest.mark.parametrize(("language", "size"), [("en", "desktop"), ("zh_CN", "phone")])
def test_staff_review_what_changed_since_they_asked(page: Page, live_server, app, language, size):
    company = SUBMITTED_COMPANY
    item_id, commitment_id = narrated_item(app, company)
    return_and_change(app, company, item_id)
    viewport = PHONE if size == "phone" else DESKTOP
    page.set_viewport_size(viewport)
    sign_in(page, live_server, DEMO_STAFF)
    if language != "en":
        page.goto(f"{live_server}/language/{language}?next=/review/")
    review_url = f"{live_server}/review/{CYCLE}/{company.slug}"
    page.goto(review_url)
    jump = page.locator("nav.jump-list")
    expect(jump.locator(f'a[href="#{commitment_id}"]')).to_be_visible()
    card = item_card(page, item_id)
    expect(card.locator(".tag-changed")).to_be_visible()
    expect(card.locator(".since-returned ins")).to_contain_text(NEW_WORDS.strip())
    assert_fits(page, viewport["width"], f"review page ({language}, {size})")
    card.scroll_into_view_if_needed()
    screenshot(page, f"staff-review-changed-{size}-{language}")

    # Only the changed items, without a script: the form's query parameter.
    page.locator('input[name="show"][value="changed"]').check()
    page.locator("form.item-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"show=changed"))
    expect(page.locator("article.item")).to_have_count(1)
    expect(item_card(page, item_id)).to_be_visible()
    # The decision comes after the answers, with nothing chosen.
    decision = page.locator("#decision-heading")
    assert decision.bounding_box()["y"] > item_card(page, item_id).bounding_box()["y"]
    radios = page.locator('input[name="action"]')
    for i in range(radios.count()):
        expect(radios.nth(i)).not_to_be_checked()
    screenshot(page, f"staff-review-filtered-{size}-{language}")
