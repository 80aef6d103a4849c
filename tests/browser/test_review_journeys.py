"""The review loop in Chromium, with staff and an officer each in a browser of their own: staff
comment and ask for changes, the officer answers and submits again, staff accept and publish, and
the public finds the published disclosure and its ledger entry."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    CYCLE,
    NARRATIVE,
    SAVED,
    flash,
    heading,
    item_card,
    narrated_item,
    new_page,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.demo import content
from tracker.demo.services import DEMO_STAFF

SUBMITTED_COMPANY = content.companies()[15]

STAFF_COMMENT = "Please name the team's budget for this year."
REQUEST_REASON = "One answer needs more detail; see the comment on it."
NEW_NARRATIVE = "Our safety team of 14 has a budget of 3.2 million yuan for 2025."
OFFICER_COMMENT = "Done: the budget is in the narrative now."
ACCEPT_REASON = "Thank you, complete now."


def test_the_whole_review_loop(browser: Browser, page: Page, live_server, app):
    company = SUBMITTED_COMPANY
    item_id, commitment_id = narrated_item(app, company)
    review_url = f"{live_server}/review/{CYCLE}/{company.slug}"
    staff = page
    officer = new_page(browser)
    public = new_page(browser)
    try:
        # --- staff: the queue, a comment on one item, and a request for changes ---------------
        sign_in(staff, live_server, DEMO_STAFF)
        account = staff.get_by_role("navigation", name="Account")
        account.get_by_role("link", name="Review", exact=True).click()
        expect(heading(staff)).to_contain_text("Review queue")
        queue = staff.get_by_role("region", name="Review queue")
        row = queue.get_by_role("row").filter(
            has=staff.get_by_role("link", name=company.name_en, exact=True)
        )
        expect(row).to_contain_text("Submitted")
        row.get_by_role("link", name=company.name_en, exact=True).click()
        expect(staff).to_have_url(review_url)
        expect(heading(staff)).to_contain_text(company.name_en)
        expect(staff.locator(".facts")).to_contain_text("Submitted")

        card = item_card(staff, item_id)
        card.get_by_label("Add a comment").fill(STAFF_COMMENT)
        card.get_by_role("button", name="Post comment").click()
        expect(flash(staff)).to_contain_text("Comment posted.")
        card = item_card(staff, item_id)
        expect(card.locator(".comment.from-staff")).to_contain_text(STAFF_COMMENT)
        screenshot(staff, "review-item-with-comment")

        decision = staff.get_by_role("region", name="Decision")
        decision.get_by_label("Request changes").check()
        decision.get_by_label("Reason (the company reads it)").fill(REQUEST_REASON)
        decision.get_by_role("button", name="Record the decision").click()
        expect(flash(staff)).to_contain_text(
            "Changes requested: the disclosure is back with the company."
        )
        expect(staff.locator(".facts")).to_contain_text("Changes requested")

        # --- the officer: the returned disclosure, the marked item, a change and an answer ------
        sign_in(officer, live_server, officer_of(company))
        officer.goto(f"{live_server}/filing/{CYCLE}/")
        returned = officer.get_by_role("status").filter(has_text="The alliance asked for changes:")
        expect(returned).to_contain_text(REQUEST_REASON)
        expect(returned).to_contain_text("1 item has comments to answer")

        officer.goto(f"{live_server}/filing/{CYCLE}/{commitment_id}")
        card = item_card(officer, item_id)
        expect(card).to_have_class(re.compile(r"\bneeds-change\b"))
        expect(card).to_contain_text("the alliance asks for a change")
        expect(card.get_by_role("region", name="Comments on this item")).to_contain_text(
            STAFF_COMMENT
        )
        marked = officer.locator("article.needs-change")
        expect(marked).to_have_count(1)
        card.scroll_into_view_if_needed()
        screenshot(officer, "review-officer-returned-item")

        narrative = card.get_by_label(NARRATIVE)
        narrative.fill(NEW_NARRATIVE)
        expect(card.locator(".save-state")).to_have_text(SAVED)

        card.get_by_label("Add a comment").fill(OFFICER_COMMENT)
        card.get_by_role("button", name="Post comment").click()
        expect(flash(officer)).to_contain_text("Comment posted.")
        card = item_card(officer, item_id)
        expect(card.get_by_label(NARRATIVE)).to_have_value(NEW_NARRATIVE)
        expect(card.get_by_role("region", name="Comments on this item")).to_contain_text(
            OFFICER_COMMENT
        )

        officer.goto(f"{live_server}/filing/{CYCLE}/")
        officer.get_by_role("button", name="Submit to the alliance").click()
        expect(flash(officer)).to_contain_text("Submitted.")
        expect(officer.locator(".facts")).to_contain_text("Submitted")

        # --- staff: the answer, acceptance and publication -------------------------------------
        staff.reload()
        expect(staff.locator(".facts")).to_contain_text("Submitted")
        card = item_card(staff, item_id)
        expect(card.locator(".comment:not(.from-staff)")).to_contain_text(OFFICER_COMMENT)
        expect(card.locator(".narrative")).to_contain_text(NEW_NARRATIVE)

        decision = staff.get_by_role("region", name="Decision")
        decision.get_by_label("Accept").check()
        decision.get_by_label("Reason (the company reads it)").fill(ACCEPT_REASON)
        decision.get_by_role("button", name="Record the decision").click()
        expect(flash(staff)).to_contain_text("Accepted.")
        staff.get_by_role("region", name="Decision").get_by_role("link", name="Publish…").click()
        # Asked first, on a page that names what will happen.
        expect(heading(staff)).to_have_text(f"Publish {company.name_en}?")
        expect(staff.get_by_role("note").filter(has_text="undone")).to_contain_text(
            "This cannot be undone."
        )
        screenshot(staff, "review-publish-confirm")
        staff.get_by_role("button", name="Publish version 1").click()
        message = flash(staff)
        expect(message).to_contain_text("Published as version")
        expect(message).to_contain_text("Its PDF reports are being prepared")
        found = re.search(
            r"Published as version (\d+), ledger entry #(\d+)\.", message.inner_text()
        )
        assert found, message.inner_text()
        version, entry = int(found.group(1)), int(found.group(2))
        assert version == 1
        expect(staff.locator(".facts")).to_contain_text("Published")

        # --- the public: the company page and the ledger ----------------------------------------
        public.goto(f"{live_server}/companies/{company.slug}")
        expect(heading(public)).to_contain_text(company.name_en)
        expect(public.locator(".record")).to_contain_text(
            f"Published version 1, ledger entry #{entry}"
        )
        expect(item_card(public, item_id).locator(".narrative")).to_contain_text(NEW_NARRATIVE)
        expect(public.get_by_text(STAFF_COMMENT)).to_have_count(0)
        expect(public.get_by_text(OFFICER_COMMENT)).to_have_count(0)
        screenshot(public, "review-published-company-page")

        public.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
        expect(heading(public)).to_have_text("Publication ledger")
        entry_row = public.locator(f'tr[id="entry-{entry}"]')
        # The "#" before the number is shown on a phone only (aria-hidden): the rendered text.
        expect(entry_row.get_by_role("rowheader")).to_have_text(str(entry), use_inner_text=True)
        expect(entry_row.get_by_role("link", name=company.name_en)).to_be_visible()
        expect(entry_row).to_contain_text("2025 annual disclosure")
    finally:
        officer.context.close()
        public.context.close()
