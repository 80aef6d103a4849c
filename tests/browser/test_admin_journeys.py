"""Administration journeys in Chromium: an administrator runs a reporting cycle from creation to
closing; an officer corrects a published disclosure through review while the public keeps reading
the published version; the audit trail is filtered and downloaded; axe checks the new pages."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.app import alliance_today
from tests.support.browser import (
    AXE_RULES,
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
from tracker.demo.services import DEMO_ADMIN, DEMO_STAFF
from tracker.domain.dates import day_text

REQUIRED = "This field is required."

NEW_CYCLE = {
    "Name in English": "2026 annual disclosure",
    "Name in Chinese": "2026年度披露",
    "Short name in addresses": "2026-annual",
}
EXTENSION_REASON = "The company's board meets after the due date; agreed on the phone."
CORRECTION_REASON = "The team size in C1 was wrong: we counted contractors twice."
CORRECTED_NARRATIVE = "Corrected: our safety team has 9 full-time people, not 18."
ACCEPT_REASON = "The correction is clear, thank you."


REOPEN_REASON = "Two companies asked for one more week."


def admin_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Administration")


def shown_date(day: date) -> str:
    """A date as the English pages show it (tracker.domain.dates)."""
    return day_text(day, "en")


def posting(page: Page, path: str):
    """Wait for the response to a form POST to an address that holds ``path``."""
    return page.expect_response(lambda r: r.request.method == "POST" and path in r.url)


# --- 1. a cycle from creation to closing ------------------------------------------------------


def test_administrator_creates_opens_extends_and_closes_a_cycle(page: Page, live_server, app):
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.db import db
    from tracker.filing.models import Disclosure, DueDateExtension

    today = alliance_today()
    opens, due, closes = today, today + timedelta(days=30), today + timedelta(days=60)
    with app.app_context():
        signatories = db.session.scalar(
            sa.select(sa.func.count()).select_from(Company).where(Company.is_public_signatory)
        )
    assert signatories > 1

    # The administrator finds the cycles in the administration menu.
    sign_in(page, live_server, DEMO_ADMIN, lands_on="/review/")
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Administration"
    ).click()
    admin_nav(page).get_by_role("link", name="Cycles").click()
    expect(page).to_have_url(f"{live_server}/admin/cycles/")
    expect(heading(page)).to_have_text("Reporting cycles")
    cycles = page.get_by_role("region", name="Reporting cycles")
    expect(cycles.get_by_role("link", name="2025 annual disclosure")).to_be_visible()

    # ... and starts a new one, first with the closing date before the due date.
    page.get_by_role("link", name="Create a cycle").click()
    expect(page).to_have_url(f"{live_server}/admin/cycles/new")
    expect(heading(page)).to_have_text("Create a cycle")
    expect(page.get_by_label("Name in English")).to_be_focused()
    for label, value in NEW_CYCLE.items():
        page.get_by_label(label).fill(value)
    version = page.get_by_label("Checklist version")
    version_label = version.locator("option", has_text="2025.1").inner_text().strip()
    version.select_option(label=version_label)
    page.get_by_label("Opens on").fill(opens.isoformat())
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_label("Closes on").fill((due - timedelta(days=1)).isoformat())
    with posting(page, "/admin/cycles/new") as answer:
        page.get_by_role("button", name="Create the cycle").click()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following:")
    error = "The closing date cannot be before the due date."
    expect(
        page.get_by_role("alert").get_by_role("link", name=f"Closes on: {error}")
    ).to_be_visible()
    closes_on = page.get_by_label("Closes on")
    expect(closes_on).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error")).to_contain_text(error)
    for label, value in NEW_CYCLE.items():  # what was typed is kept
        expect(page.get_by_label(label)).to_have_value(value)
    expect(version.locator("option:checked")).to_have_text(version_label)
    expect(page.get_by_label("Opens on")).to_have_value(opens.isoformat())
    expect(page.get_by_label("Due on")).to_have_value(due.isoformat())
    expect(closes_on).to_have_value((due - timedelta(days=1)).isoformat())
    screenshot(page, "admin-cycle-form-error")
    with app.app_context():
        assert db.session.scalar(sa.select(Cycle).filter_by(slug="2026-annual")) is None

    # The administrator fixes the closing date: the cycle is created, planned.
    closes_on.fill(closes.isoformat())
    page.get_by_role("button", name="Create the cycle").click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + r"/admin/cycles/\d+$"))
    expect(flash(page)).to_contain_text(
        "The cycle was created. Open it when companies should start filing."
    )
    expect(heading(page)).to_contain_text("2026 annual disclosure")
    expect(heading(page).locator(".phase")).to_have_text("Planned")
    facts = page.locator(".facts")
    expect(facts).to_contain_text(version_label.split(" · ")[-1])
    expect(facts).to_contain_text(shown_date(due))
    expect(facts).to_contain_text(shown_date(closes))
    expect(
        page.get_by_text("No disclosure yet: they are created when the cycle is opened.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Close the cycle")).to_have_count(0)
    screenshot(page, "admin-cycle-created")
    cycle_path = page.url.removeprefix(live_server)
    cycle_id = int(cycle_path.rsplit("/", 1)[1])
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        assert cycle.slug == "2026-annual" and cycle.name_zh == "2026年度披露"
        assert (cycle.opens_on, cycle.due_on, cycle.closes_on) == (opens, due, closes)
        assert cycle.checklist_version.version == "2025.1"
        assert cycle.opened_at is None and cycle.closed_at is None

    # Opening it gives every signatory its disclosure.
    page.get_by_role("button", name="Open the cycle").click()
    expect(page).to_have_url(live_server + cycle_path)
    message = flash(page)
    expect(message).to_contain_text(f"Opened: {signatories} companies got their disclosures;")
    assert re.search(r"; \d+ officers were told\.", message.inner_text()), message.inner_text()
    expect(heading(page).locator(".phase")).to_have_text("Open")
    expect(page.get_by_role("heading", name="Companies and due dates")).to_be_visible()
    table = page.get_by_role("region", name="Companies and due dates")
    expect(table.locator("tbody").get_by_role("row")).to_have_count(signatories)
    expect(page.get_by_role("button", name="Open the cycle")).to_have_count(0)
    screenshot(page, "admin-cycle-opened")

    # One company gets more time: first without a reason, refused.
    company = content.companies()[0]
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=company.name_en, exact=True)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Not started")
    expect(row.get_by_role("cell").nth(1)).to_contain_text(shown_date(due))
    new_due = today + timedelta(days=45)
    row.locator("summary", has_text="Extend").click()
    row.get_by_label("New due date").fill(new_due.isoformat())
    expect(row.get_by_label("Reason")).to_be_visible()
    with posting(page, "/extensions/") as answer:
        row.get_by_role("button", name="Extend", exact=True).click()
    assert answer.value.status == 422
    row = (
        page.get_by_role("region", name="Companies and due dates")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=company.name_en, exact=True))
    )
    reason = row.get_by_label("Reason")
    expect(reason).to_be_visible()  # the details are open again, with the error
    expect(row.locator(".field.has-error")).to_contain_text(REQUIRED)
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(row.get_by_label("New due date")).to_have_value(new_due.isoformat())
    expect(row.get_by_role("cell").nth(1)).to_contain_text(shown_date(due))  # unchanged
    screenshot(page, "admin-cycle-extension-error")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DueDateExtension)) == 0

    # ... then with one.
    reason.fill(EXTENSION_REASON)
    row.get_by_role("button", name="Extend", exact=True).click()
    expect(flash(page)).to_contain_text(f"{company.name_en} is now due on {shown_date(new_due)}.")
    expect(page).to_have_url(re.compile(re.escape(live_server + cycle_path) + r"#d\d+$"))
    row = (
        page.get_by_role("region", name="Companies and due dates")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=company.name_en, exact=True))
    )
    due_cell = row.get_by_role("cell").nth(1)
    expect(due_cell).to_contain_text(shown_date(new_due))
    expect(due_cell).to_contain_text(
        f"Moved from {shown_date(due)} to {shown_date(new_due)} by Demo Administrator: "
        f"“{EXTENSION_REASON}”"
    )
    expect(row.get_by_label("Reason")).to_be_hidden()  # the details closed after success
    others = page.get_by_role("region", name="Companies and due dates").get_by_text("Moved from")
    expect(others).to_have_count(1)
    screenshot(page, "admin-cycle-extended")

    # Closing the cycle: asked first, on a page naming who has not handed in.
    page.get_by_role("link", name="Close the cycle…").click()
    expect(page).to_have_url(f"{live_server}{cycle_path}/close")
    expect(heading(page)).to_have_text("Close 2026 annual disclosure?")
    expect(page.get_by_role("note").filter(has_text="handed")).to_contain_text(
        f"{signatories} companies have not handed their disclosures in"
    )
    outstanding = page.get_by_role("region", name="Not handed in")
    expect(outstanding.locator("tbody").get_by_role("row")).to_have_count(signatories)
    expect(
        outstanding.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=company.name_en, exact=True)
        )
    ).to_contain_text("(extended)")
    screenshot(page, "admin-cycle-close-confirm")
    page.get_by_role("button", name="Close the cycle").click()
    expect(page).to_have_url(live_server + cycle_path)
    expect(flash(page)).to_contain_text("Closed: nobody can file any more;")
    expect(heading(page).locator(".phase")).to_have_text("Closed")
    expect(page.get_by_role("button", name="Close the cycle")).to_have_count(0)
    expect(page.get_by_role("button", name="Open the cycle")).to_have_count(0)
    expect(page.locator("summary", has_text="Extend")).to_have_count(0)
    expect(page.get_by_text(f"“{EXTENSION_REASON}”")).to_be_visible()
    screenshot(page, "admin-cycle-closed")

    # Reopened for a week more, with a reason (refused without one), then closed again.
    page.get_by_role("link", name="Reopen the cycle…").click()
    expect(heading(page)).to_have_text("Reopen 2026 annual disclosure?")
    with posting(page, "/reopen") as answer:
        page.get_by_role("button", name="Reopen the cycle").click()
    assert answer.value.status == 422
    expect(page.locator(".field.has-error")).to_contain_text("Give a reason.")
    page.get_by_label("Why is the cycle reopened?").fill(REOPEN_REASON)
    screenshot(page, "admin-cycle-reopen")
    page.get_by_role("button", name="Reopen the cycle").click()
    expect(flash(page)).to_contain_text("Reopened: officers can file again.")
    expect(heading(page).locator(".phase")).to_have_text("Open")
    page.get_by_role("link", name="Close the cycle…").click()
    page.get_by_role("button", name="Close the cycle").click()
    expect(heading(page).locator(".phase")).to_have_text("Closed")

    # The list shows the phase too.
    admin_nav(page).get_by_role("link", name="Cycles").click()
    listed = (
        page.get_by_role("region", name="Reporting cycles")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name="2026 annual disclosure"))
    )
    expect(listed).to_contain_text("Closed")
    expect(listed.get_by_role("cell").last).to_have_text(str(signatories))

    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        assert cycle.opened_at is not None and cycle.closed_at is not None
        assert cycle.opened_at <= cycle.closed_at
        extension = db.session.scalars(sa.select(DueDateExtension)).one()
        assert extension.reason == EXTENSION_REASON
        assert (extension.previous_due_on, extension.due_on) == (due, new_due)
        assert extension.created_by.email == DEMO_ADMIN
        disclosure = extension.disclosure
        assert disclosure.cycle_id == cycle_id
        assert disclosure.company.slug == company.slug
        assert disclosure.due_on == new_due
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Disclosure).filter_by(cycle_id=cycle_id)
            )
            == signatories
        )


# --- 2. a correction of a published disclosure --------------------------------------------------


def published_once(app: Flask) -> content.DemoCompany:
    """A demo company with exactly one publication (not the one the demo already corrected)."""
    from tracker.companies.models import Company
    from tracker.db import db
    from tracker.ledger.models import Publication

    with app.app_context():
        slugs = sorted(
            db.session.scalars(
                sa.select(Company.slug)
                .join(Publication, Publication.company_id == Company.id)
                .group_by(Company.slug)
                .having(sa.func.count(Publication.id) == 1)
            )
        )
    assert slugs
    return next(c for c in content.companies() if c.slug == slugs[0])


def test_officer_corrects_a_published_disclosure(browser: Browser, page: Page, live_server, app):
    from tracker.companies.models import Company
    from tracker.db import db
    from tracker.ledger.models import Publication

    company = published_once(app)
    item_id, commitment_id = narrated_item(app, company)
    public_url = f"{live_server}/companies/{company.slug}"
    overview_url = f"{live_server}/filing/{CYCLE}/"
    officer = page
    public = new_page(browser)
    staff = new_page(browser)
    try:
        # --- the public reads version 1 ------------------------------------------------------
        public.goto(public_url)
        expect(heading(public)).to_contain_text(company.name_en)
        expect(public.locator(".record")).to_contain_text("Published version 1, ledger entry")
        expect(public.locator("details.version-list")).to_have_count(0)
        old_text = item_card(public, item_id).locator(".narrative").inner_text().strip()
        assert old_text and CORRECTED_NARRATIVE not in old_text

        # --- the officer starts a correction, first without saying what is wrong --------------
        sign_in(officer, live_server, officer_of(company))
        officer.goto(overview_url)
        published = officer.get_by_role("region", name="Published")
        expect(published).to_contain_text("Version 1 was published on")
        reason = published.get_by_label("What needs correcting (the alliance reads it)")
        expect(reason).to_have_value("")
        with posting(officer, f"/filing/{CYCLE}/correction") as answer:
            published.get_by_role("button", name="Start a correction").click()
        assert answer.value.status == 422
        published = officer.get_by_role("region", name="Published")
        expect(published).to_contain_text("Say what you are correcting: the alliance reads it.")
        reason = published.get_by_label("What needs correcting (the alliance reads it)")
        expect(reason).to_have_attribute("aria-invalid", "true")
        screenshot(officer, "admin-correction-reason-missing")

        reason.fill(CORRECTION_REASON)
        published.get_by_role("button", name="Start a correction").click()
        expect(officer).to_have_url(overview_url)
        expect(flash(officer)).to_contain_text("Correction started.")
        expect(officer.locator("#correcting")).to_contain_text("Correcting published version 1")
        expect(officer.locator(".facts")).to_contain_text("Draft")
        expect(officer.get_by_role("region", name="Published")).to_have_count(0)

        # ... changes the narrative of one answer; it saves by itself.
        officer.goto(f"{live_server}/filing/{CYCLE}/{commitment_id}")
        card = item_card(officer, item_id)
        narrative = card.get_by_label(NARRATIVE)
        expect(narrative).to_be_editable()
        narrative.fill(CORRECTED_NARRATIVE)
        expect(card.locator(".save-state")).to_have_text(SAVED)
        expect(officer.locator(".unsaved-warning")).to_be_hidden()
        officer.reload()
        expect(item_card(officer, item_id).get_by_label(NARRATIVE)).to_have_value(
            CORRECTED_NARRATIVE
        )

        # Meanwhile the public still reads version 1.
        public.reload()
        expect(public.locator(".record")).to_contain_text("Published version 1, ledger entry")
        expect(item_card(public, item_id).locator(".narrative")).to_have_text(old_text)
        expect(public.get_by_text(CORRECTED_NARRATIVE)).to_have_count(0)

        # ... and submits the correction.
        officer.goto(overview_url)
        officer.get_by_role("button", name="Submit to the alliance").click()
        expect(officer).to_have_url(overview_url)
        expect(flash(officer)).to_contain_text("Submitted.")
        expect(officer.locator(".facts")).to_contain_text("Submitted")

        # --- staff accept it and publish version 2 ------------------------------------------
        sign_in(staff, live_server, DEMO_STAFF)
        staff.goto(f"{live_server}/review/{CYCLE}/{company.slug}")
        expect(heading(staff)).to_contain_text(company.name_en)
        expect(staff.get_by_role("note").filter(has_text="This is a correction")).to_contain_text(
            "This is a correction of published version 1: publishing it adds version 2"
        )
        expect(item_card(staff, item_id).locator(".narrative")).to_contain_text(CORRECTED_NARRATIVE)
        decision = staff.get_by_role("region", name="Decision")
        expect(decision).to_contain_text(CORRECTION_REASON)  # the officer's reason, in the steps
        decision.get_by_label("Accept").check()
        decision.get_by_label("Reason (the company reads it)").fill(ACCEPT_REASON)
        decision.get_by_role("button", name="Record the decision").click()
        expect(flash(staff)).to_contain_text("Accepted.")
        staff.get_by_role("region", name="Decision").get_by_role("link", name="Publish…").click()
        expect(staff.get_by_role("note").filter(has_text="It corrects")).to_contain_text(
            "It corrects version 1"
        )
        staff.get_by_role("button", name="Publish version 2").click()
        message = flash(staff)
        expect(message).to_contain_text("Published as version 2")
        found = re.search(
            r"Published as version (\d+), ledger entry #(\d+)\.", message.inner_text()
        )
        assert found, message.inner_text()
        assert int(found.group(1)) == 2
        entry = int(found.group(2))

        # --- the public reads version 2, and version 1 marked superseded ---------------------
        public.reload()
        expect(public.locator(".record")).to_contain_text(
            f"Published version 2, ledger entry #{entry}"
        )
        expect(item_card(public, item_id).locator(".narrative")).to_have_text(CORRECTED_NARRATIVE)
        expect(public.locator("#superseded")).to_have_count(0)
        versions = public.locator("details.version-list")
        versions.get_by_text("2 published versions").click()
        earlier = versions.get_by_role("link", name=re.compile(r"^Version 1 · "))
        expect(earlier).to_be_visible()
        expect(versions.get_by_role("link")).to_have_count(1)  # the shown one is no link
        expect(versions.get_by_role("listitem").first).to_contain_text("correction")
        screenshot(public, "admin-correction-public-version-2")
        earlier.click()
        expect(public).to_have_url(re.compile(r"[?&]version=1\b"))
        superseded = public.get_by_role("note").filter(has_text="Superseded")
        expect(superseded).to_contain_text("Superseded: this is version 1")
        expect(public.locator(".record")).to_contain_text("Published version 1, ledger entry")
        expect(item_card(public, item_id).locator(".narrative")).to_have_text(old_text)
        expect(public.get_by_text(CORRECTED_NARRATIVE)).to_have_count(0)
        screenshot(public, "admin-correction-public-superseded")
        superseded.get_by_role("link", name="Read the current version").click()
        expect(item_card(public, item_id).locator(".narrative")).to_have_text(CORRECTED_NARRATIVE)

        # --- the ledger lists the correction ------------------------------------------------
        public.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
        expect(heading(public)).to_have_text("Publication ledger")
        entry_row = public.locator(f'tr[id="entry-{entry}"]')
        # The "#" before the number is shown on a phone only (aria-hidden): the rendered text.
        expect(entry_row.get_by_role("rowheader")).to_have_text(str(entry), use_inner_text=True)
        expect(entry_row.get_by_role("link", name=company.name_en)).to_be_visible()
        expect(entry_row).to_contain_text("2025 annual disclosure")
        expect(entry_row).to_contain_text(re.compile(r"2\s*correction of #\d+"))
        expect(public.locator("table.ledger tbody tr").first).to_have_id(f"entry-{entry}")
        screenshot(public, "admin-correction-ledger")

        with app.app_context():
            company_id = db.session.scalar(sa.select(Company.id).filter_by(slug=company.slug))
            first, second = db.session.scalars(
                sa.select(Publication)
                .filter_by(company_id=company_id)
                .order_by(Publication.version)
            ).all()
            assert (first.version, second.version) == (1, 2)
            assert second.supersedes_id == first.id
            assert second.entry.sequence == entry
            assert second.entry.supersedes == first.entry.sequence
            assert entry_row.inner_text().count(f"#{first.entry.sequence}") == 1
    finally:
        public.context.close()
        staff.context.close()


# --- 3. the audit trail, filtered and downloaded ------------------------------------------------


def test_administrator_filters_the_audit_trail_and_downloads_it(page: Page, live_server, app):
    from tracker.audit.models import AuditEvent
    from tracker.db import db

    prefix = "disclosure."
    sign_in(page, live_server, DEMO_ADMIN)  # (signing in is recorded too)
    with app.app_context():
        actions = dict(
            db.session.execute(
                sa.select(AuditEvent.action, sa.func.count()).group_by(AuditEvent.action)
            ).all()
        )
    matching = sum(n for a, n in actions.items() if a.startswith(prefix))
    assert matching and matching < sum(actions.values())  # the filter leaves some out
    assert len([a for a in actions if a.startswith(prefix)]) > 1  # a prefix, not one action

    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Administration"
    ).click()  # (administrators land on the review queue)
    admin_nav(page).get_by_role("link", name="Audit trail").click()
    expect(page).to_have_url(f"{live_server}/admin/audit/")
    expect(heading(page)).to_have_text("Audit trail")
    trail = page.get_by_role("region", name="Audit trail")
    expect(page.get_by_text(f"{sum(actions.values())} events")).to_be_visible()
    # Each action by name, its code beside it (what the filter takes).
    expect(trail.get_by_role("rowheader").filter(has_text="Answer saved")).not_to_have_count(0)
    expect(trail.locator("th[scope=row] code").filter(has_text="answer.save")).not_to_have_count(0)

    filters = page.get_by_role("form", name="Filter the audit trail")
    filters.get_by_label("Action starts with").fill(prefix)
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/admin/audit/\?.*action=disclosure\."))
    expect(page.get_by_text(f"{matching} events")).to_be_visible()
    expect(filters.get_by_label("Action starts with")).to_have_value(prefix)
    # The first page of them (the demo's workflow records more events than a page holds).
    on_page = min(matching, app.config["PAGE_SIZE"])
    expect(trail.get_by_role("rowheader")).to_have_count(on_page)
    shown = trail.locator("th[scope=row] code")
    expect(shown).to_have_count(on_page)
    shown_actions = [a.strip() for a in shown.all_inner_texts()]
    assert all(a.startswith(prefix) for a in shown_actions), shown_actions
    assert set(shown_actions) == {a for a in actions if a.startswith(prefix)}
    expect(page.get_by_role("link", name="Show everything")).to_be_visible()
    screenshot(page, "admin-audit-filtered")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download as CSV").click()
    download = waiting.value
    assert re.fullmatch(r"audit-trail-\d{8}-\d{6}\.csv", download.suggested_filename)
    text = download.path().read_text(encoding="utf-8-sig")
    header, *_ = text.splitlines()
    assert "id,at_utc,actor_email,action,object_type,object_id,details" in header
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == matching
    assert all(r["action"].startswith(prefix) for r in rows), [r["action"] for r in rows]
    assert any(r["action"] == "disclosure.publish" for r in rows)
    assert all(re.fullmatch(r"\d+", r["id"]) for r in rows)


# --- 4. accessibility -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_cycle_and_audit_pages_have_no_accessibility_violations(
    page: Page, live_server, app, language
):
    """axe-core (WCAG 2.1 A and AA) on the cycle and audit pages, in both languages, also with
    a form sent back with its errors."""
    from axe_playwright_python.sync_playwright import Axe

    from tracker.cycles.models import Cycle
    from tracker.db import db

    with app.app_context():
        cycle_id = db.session.scalar(sa.select(Cycle.id).filter_by(slug=CYCLE))
    sign_in(page, live_server, DEMO_ADMIN)
    page.goto(f"{live_server}/language/{language}?next=/admin/cycles/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    axe = Axe()

    def check(what: str) -> None:
        expect(page.locator("main")).not_to_be_empty()
        results = axe.run(page, options=AXE_RULES)
        assert results.violations_count == 0, (what, results.generate_report())

    for path in (
        "/admin/cycles/",
        f"/admin/cycles/{cycle_id}",
        "/admin/cycles/new",
        "/admin/audit/",
        "/admin/audit/?action=disclosure.",
    ):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        check(path)

    # The create form and an extension form, each sent back with errors.
    page.goto(f"{live_server}/admin/cycles/new")
    with posting(page, "/admin/cycles/new") as answer:
        page.locator("form.card button[type=submit]").click()
    assert answer.value.status == 422
    expect(page.locator(".field.has-error").first).to_be_visible()
    check("/admin/cycles/new with errors")

    page.goto(f"{live_server}/admin/cycles/{cycle_id}")
    page.locator("tbody tr summary").first.click()
    with posting(page, "/extensions/") as answer:
        page.locator("tbody tr form button[type=submit]").first.click()
    assert answer.value.status == 422
    expect(page.locator("tbody .field.has-error").first).to_be_visible()
    check(f"/admin/cycles/{cycle_id} with an extension error")
