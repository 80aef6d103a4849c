"""An officer's journeys through filing, in Chromium: answering with autosave over two visits,
attaching a file, submitting; the unsaved-changes warning; two people editing one answer."""

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.accounts import PASSWORD, password_hash
from tests.support.browser import (
    AXE_RULES,
    CYCLE,
    NARRATIVE,
    SAVED,
    heading,
    item_card,
    new_page,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.demo import content

NOT_STARTED_COMPANY = content.companies()[21]
DRAFT_COMPANIES = content.companies()[19], content.companies()[20]


def save_state(card: Locator) -> Locator:
    return card.locator(".save-state")


def checklist_items(app: Flask) -> dict[str, list]:
    """Commitment id -> its items, of the checklist the demo cycle files against."""
    from tracker.demo.services import DEMO_CHECKLIST

    loaded = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.key == DEMO_CHECKLIST
    )
    return {c.id: list(c.items) for c in loaded.checklist.commitments}


def commitment_url(base_url: str, commitment_id: str) -> str:
    return f"{base_url}/filing/{CYCLE}/{commitment_id}"


# --- 1. filing over two visits ------------------------------------------------------------------


def test_officer_files_over_two_visits_attaches_a_file_and_submits(
    page: Page, live_server, app, tmp_path: Path
):
    import weasyprint

    company = NOT_STARTED_COMPANY
    items = checklist_items(app)
    first_id = items["c1"][0].id

    # The officer signs in and lands on the filing dashboard of a disclosure not started yet.
    sign_in(page, live_server, officer_of(company), lands_on="/filing/")
    expect(heading(page)).to_have_text(f"Disclosures of {company.name_en}")
    expect(page.locator(".facts")).to_contain_text("Not started")
    page.get_by_role("link", name="Open this disclosure").click()
    expect(page).to_have_url(f"{live_server}/filing/{CYCLE}/")
    expect(heading(page)).to_contain_text("2025 annual disclosure")
    page.get_by_role("link", name=re.compile(r"^C1 ")).click()
    expect(page).to_have_url(commitment_url(live_server, "c1"))
    expect(heading(page)).to_contain_text("C1")

    # In the first item: a status, and a narrative in Markdown, saved as the officer types.
    first = item_card(page, first_id)
    expect(first.get_by_role("heading", level=2)).to_have_text(items["c1"][0].title.en)
    expect(save_state(first)).to_have_text("")  # never saved
    first.get_by_label("Met", exact=True).check()
    narrative = first.get_by_label(NARRATIVE)
    narrative.click()
    narrative.press_sequentially("**Bold** team of 12")
    expect(save_state(first)).to_have_text("Changes not saved yet")
    expect(page.locator(".unsaved-warning")).to_be_visible()
    expect(save_state(first)).to_have_text(SAVED)  # no button was pressed
    expect(page.locator(".unsaved-warning")).to_be_hidden()
    # The officer moves on with the keyboard, to the preview right after the field. (With the
    # mouse, the first click on it is lost: see test_leaving_a_saved_field_keeps_it_saved.)
    narrative.press("Tab")
    summary = first.get_by_text("Preview as the public will see it").first  # the narrative's
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    preview = first.locator(".preview .narrative").first
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Bold")
    expect(preview).to_contain_text("Bold team of 12")
    screenshot(page, "filing-item-with-preview")

    # Two evidence links, the second in a row added with "Add another link".
    first.get_by_label("Address", exact=True).fill("https://songjian.example/safety")
    first.get_by_label("Title", exact=True).fill("Safety team charter")
    first.get_by_role("button", name="Add another link").click()
    addresses = first.get_by_label("Address", exact=True)
    expect(addresses).to_have_count(2)
    expect(addresses.nth(1)).to_be_focused()
    expect(addresses.nth(1)).to_have_value("")
    addresses.nth(1).fill("https://songjian.example/report-2025")
    first.get_by_label("Title", exact=True).nth(1).fill("Annual safety report")
    expect(save_state(first)).to_have_text(SAVED)

    # A reload shows what autosave stored.
    page.reload()
    first = item_card(page, first_id)
    expect(first.get_by_label("Met", exact=True)).to_be_checked()
    expect(first.get_by_label(NARRATIVE)).to_have_value("**Bold** team of 12")
    addresses = first.get_by_label("Address", exact=True)
    titles = first.get_by_label("Title", exact=True)
    expect(addresses).to_have_count(3)  # the two links and an empty row for another
    expect(addresses.nth(0)).to_have_value("https://songjian.example/safety")
    expect(titles.nth(0)).to_have_value("Safety team charter")
    expect(addresses.nth(1)).to_have_value("https://songjian.example/report-2025")
    expect(titles.nth(1)).to_have_value("Annual safety report")
    expect(addresses.nth(2)).to_have_value("")
    expect(save_state(first)).to_have_text(SAVED)  # "Saved <when>", from the server
    expect(first.get_by_role("link", name="History of this answer")).to_be_visible()

    # A real PDF, attached to the item.
    pdf = tmp_path / "safety-team-charter.pdf"
    weasyprint.HTML(string="<p>evidence</p>").write_pdf(pdf)
    files = first.get_by_role("region", name="Files")
    expect(files).to_contain_text("No file attached.")
    files.get_by_label("Add a file").set_input_files(pdf)
    files.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(commitment_url(live_server, "c1") + f"#{first_id}")
    expect(page.get_by_role("status").first).to_contain_text("safety-team-charter.pdf is attached.")
    listed = item_card(page, first_id).locator(".file-list li")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("link", name="safety-team-charter.pdf")).to_be_visible()
    expect(listed).to_contain_text("PDF")
    screenshot(page, "filing-item-with-file")

    # The officer leaves for the public site, and comes back later.
    page.goto(live_server + "/")
    expect(heading(page)).to_contain_text("AI Safety Commitments")
    page.goto(live_server + "/filing/")
    expect(page.locator(".facts")).to_contain_text("Draft")
    page.goto(commitment_url(live_server, "c1"))
    first = item_card(page, first_id)
    expect(first.get_by_label("Met", exact=True)).to_be_checked()
    expect(first.get_by_label(NARRATIVE)).to_have_value("**Bold** team of 12")
    expect(first.get_by_label("Address", exact=True).first).to_have_value(
        "https://songjian.example/safety"
    )
    expect(first.locator(".file-list")).to_contain_text("safety-team-charter.pdf")

    # Submitting too early lists every item still missing, each a link to it.
    page.get_by_role("link", name="2025 annual disclosure").click()
    expect(page).to_have_url(f"{live_server}/filing/{CYCLE}/")
    page.get_by_role("button", name="Submit to the alliance").click()
    alert = page.get_by_role("alert")
    required = [i for c in items.values() for i in c if i.required]
    missing = len(required) - 1
    expect(alert).to_contain_text(f"{missing} items are not ready to submit:")
    expect(alert.get_by_role("listitem")).to_have_count(missing)
    expect(alert.get_by_role("link")).to_have_count(missing)
    expect(alert).not_to_contain_text(items["c1"][0].title.en)
    expect(alert).to_contain_text("no status chosen yet")
    expect(page.locator(".facts")).to_contain_text("Draft")
    screenshot(page, "filing-submit-missing")
    target = items["c2"][1]
    alert.get_by_role("link", name=f"C2 · {target.title.en}").click()
    expect(page).to_have_url(commitment_url(live_server, "c2") + f"#{target.id}")
    expect(item_card(page, target.id)).to_be_in_viewport()

    # Every required item gets an answer; each form saves on its own.
    for n, commitment_id in enumerate(items):
        page.goto(commitment_url(live_server, commitment_id))
        waiting = []
        for item in items[commitment_id]:
            card = item_card(page, item.id)
            if card.locator("input[type=radio]:checked").count() == 0:
                choice = "Not met" if n % 2 else "Not disclosed"
                card.get_by_label(choice, exact=True).check()
                waiting.append(card)
            elif (
                card.locator("input[type=radio][value$=met]:checked:not([value=not_met])").count()
                and not card.get_by_label(NARRATIVE).input_value().strip()
            ):
                card.get_by_label(NARRATIVE).fill("Described on our website.")
                waiting.append(card)
        for card in waiting:
            expect(save_state(card)).to_have_text(SAVED)
        expect(page.locator(".unsaved-warning")).to_be_hidden()

    # Submitting now works, and the disclosure becomes read-only.
    page.goto(f"{live_server}/filing/{CYCLE}/")
    expect(page.get_by_text("Every required item is answered.")).to_be_visible()
    page.get_by_role("button", name="Submit to the alliance").click()
    expect(page).to_have_url(f"{live_server}/filing/{CYCLE}/")
    expect(page.get_by_role("status")).to_contain_text(
        "Submitted. The alliance will review your disclosure; it is read-only until then."
    )
    expect(page.locator(".facts")).to_contain_text("Submitted")
    expect(page.get_by_text("This disclosure has been handed in and is read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit to the alliance")).to_have_count(0)
    screenshot(page, "filing-submitted-overview")

    page.goto(commitment_url(live_server, "c1"))
    expect(page.get_by_text("This disclosure is read-only now.")).to_be_visible()
    fields = page.locator("form.answer-form").locator("input:not([type=hidden]), textarea, select")
    assert fields.count() > 0
    for field in fields.all():
        expect(field).to_be_disabled()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_role("button", name="Upload")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove")).to_have_count(0)
    expect(page.locator(".save-state")).to_have_count(0)
    first = item_card(page, first_id)
    expect(first.get_by_label(NARRATIVE)).to_have_value("**Bold** team of 12")
    expect(first.locator(".file-list")).to_contain_text("safety-team-charter.pdf")
    screenshot(page, "filing-submitted-commitment")


def test_read_only_commitment_page_offers_no_add_link_button(page: Page, live_server):
    # The demo's submitted disclosures are read-only for their officers.
    submitted = content.companies()[15]
    sign_in(page, live_server, officer_of(submitted), lands_on="/filing/")
    page.goto(commitment_url(live_server, "c1"))
    expect(page.get_by_text("This disclosure is read-only now.")).to_be_visible()
    expect(page.get_by_role("button", name="Add another link")).to_have_count(0)


def test_leaving_a_saved_field_keeps_it_saved(page: Page, live_server, app):
    item = checklist_items(app)["c4"][0]
    sign_in(page, live_server, officer_of(DRAFT_COMPANIES[0]), lands_on="/filing/")
    page.goto(commitment_url(live_server, "c4"))
    card = item_card(page, item.id)
    narrative = card.get_by_label(NARRATIVE)
    narrative.fill("Weights are kept in a separate enclave.")
    expect(save_state(card)).to_have_text(SAVED)
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" else None)
    # One click on the preview, with the mouse, right after the autosave.
    card.get_by_text("Preview as the public will see it").first.click()
    page.wait_for_timeout(2_500)  # longer than the autosave's delay
    assert card.locator("details.preview").first.evaluate("d => d.open"), "the click was lost"
    assert saves == [], f"nothing changed, yet saved again: {saves}"


# --- 2. unsaved changes -------------------------------------------------------------------------


def test_unsaved_changes_warn_before_leaving(page: Page, live_server, app):
    company = DRAFT_COMPANIES[0]
    item = checklist_items(app)["c3"][0]
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    sign_in(page, live_server, officer_of(company), lands_on="/filing/")
    page.goto(commitment_url(live_server, "c3"))
    card = item_card(page, item.id)
    narrative = card.get_by_label(NARRATIVE)
    narrative.click()
    narrative.press("End")
    narrative.press_sequentially(" More to come.")
    # Before the autosave runs (1.5 s after the last key), the officer tries to leave.
    page.get_by_role("link", name="Your disclosures").first.click()
    expect(page.locator(".unsaved-warning")).to_be_visible()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(commitment_url(live_server, "c3"))  # dismissed: still here
    expect(narrative).to_have_value(re.compile(r"More to come\.$"))

    # Once saved, leaving asks nothing.
    expect(save_state(card)).to_have_text(SAVED)
    expect(page.locator(".unsaved-warning")).to_be_hidden()
    page.get_by_role("link", name="Your disclosures").first.click()
    expect(page).to_have_url(live_server + "/filing/")
    assert dialogs == ["beforeunload"]

    # And the change is stored.
    page.goto(commitment_url(live_server, "c3"))
    expect(item_card(page, item.id).get_by_label(NARRATIVE)).to_have_value(
        re.compile(r"More to come\.$")
    )


# --- 3. two people, one answer ------------------------------------------------------------------


def test_two_officers_editing_the_same_item_see_a_conflict(browser: Browser, live_server, app):
    import sqlalchemy as sa

    from tracker.auth.models import Role, User
    from tracker.companies.models import Company
    from tracker.db import db

    company = DRAFT_COMPANIES[1]
    first_name = f"Compliance officer, {company.name_en}"  # the demo's officer
    second_email, second_name = f"second@{company.slug}.example", "Second Officer"
    with app.app_context():
        company_row = db.session.scalar(sa.select(Company).filter_by(slug=company.slug))
        db.session.add(
            User(
                email=second_email,
                display_name=second_name,
                role=Role.OFFICER,
                company=company_row,
                password_hash=password_hash(),
            )
        )
        db.session.commit()
    item = checklist_items(app)["c1"][0]
    url = commitment_url(live_server, "c1")
    one, two = new_page(browser), new_page(browser)
    try:
        sign_in(one, live_server, officer_of(company), lands_on="/filing/")
        sign_in(two, live_server, second_email, PASSWORD, lands_on="/filing/")
        one.goto(url)
        two.goto(url)
        card_one, card_two = item_card(one, item.id), item_card(two, item.id)

        # The first saves a change ...
        card_one.get_by_label(NARRATIVE).fill("The first officer's text.")
        expect(save_state(card_one)).to_have_text(SAVED)

        # ... the second, whose page is older, is told instead of overwriting it.
        card_two.get_by_label(NARRATIVE).fill("The second officer's text.")
        state = save_state(card_two)
        expect(state).to_have_text(
            re.compile(
                rf"^Not saved: {re.escape(first_name)} saved this answer at .+, "
                r"after you opened it\."
            )
        )
        keep = card_two.get_by_role("button", name="Keep my version")
        expect(keep).to_be_visible()
        expect(card_two.get_by_role("link", name="Load their version")).to_be_visible()
        expect(two.locator(".unsaved-warning")).to_be_visible()
        screenshot(two, "filing-conflict")

        # Keeping one's own version saves it over the other. (Pressed with the keyboard: a
        # mouse click right after typing is lost, see test_keep_my_version_takes_one_click.)
        keep.press("Enter")
        expect(state).to_have_text(SAVED)
        expect(card_two.get_by_role("button", name="Keep my version")).to_have_count(0)
        expect(card_two.get_by_role("link", name="Load their version")).to_have_count(0)
        expect(two.locator(".unsaved-warning")).to_be_hidden()

        # The first, still on the old page, edits again: now the second is named, and the
        # first loads the other version instead.
        card_one.get_by_label(NARRATIVE).fill("The first officer's text, again.")
        expect(save_state(card_one)).to_have_text(
            re.compile(rf"^Not saved: {re.escape(second_name)} saved this answer")
        )
        card_one.get_by_role("link", name="Load their version").press("Enter")
        expect(item_card(one, item.id).get_by_label(NARRATIVE)).to_have_value(
            "The second officer's text."
        )
        expect(save_state(item_card(one, item.id))).to_have_text(SAVED)

        # The history lists both saved versions, newest first, with who saved them, after
        # the demo's first version.
        item_card(one, item.id).get_by_role("link", name="History of this answer").click()
        expect(heading(one)).to_have_text(f"History of “{item.title.en}”")
        revisions = one.locator("ol.revisions > li")
        expect(revisions).to_have_count(3)
        expect(revisions.nth(0).get_by_role("heading")).to_contain_text(second_name)
        newest = revisions.nth(0).locator("dd.diff")  # the change, word by word
        expect(newest).to_have_text("The firstsecond officer's text.")
        expect(newest.locator("del")).to_have_text("first")
        expect(newest.locator("ins")).to_have_text("second")
        expect(revisions.nth(1).get_by_role("heading")).to_contain_text(first_name)
        after = (
            revisions.nth(1)
            .locator("dd.diff")
            .evaluate(  # the text without what went
                "dd => { const c = dd.cloneNode(true); c.querySelectorAll('del')"
                ".forEach(d => d.remove()); return c.textContent; }"
            )
        )
        assert after == "The first officer's text.", after
        heads = revisions.get_by_role("heading").all_inner_texts()
        numbers = [int(re.search(r"Version (\d+)", h).group(1)) for h in heads]
        assert numbers[0] == numbers[1] + 1, heads
        screenshot(one, "filing-history")
    finally:
        one.context.close()
        two.context.close()


def test_keep_my_version_takes_one_click(browser: Browser, live_server, app):
    company = DRAFT_COMPANIES[1]
    item = checklist_items(app)["c5"][0]
    url = commitment_url(live_server, "c5")
    one, two = new_page(browser), new_page(browser)
    try:
        for page in (one, two):
            sign_in(page, live_server, officer_of(company), lands_on="/filing/")
            page.goto(url)
        item_card(one, item.id).get_by_label(NARRATIVE).fill("One.")
        expect(save_state(item_card(one, item.id))).to_have_text(SAVED)
        card = item_card(two, item.id)
        card.get_by_label(NARRATIVE).fill("Two.")
        expect(save_state(card)).to_have_text(re.compile("^Not saved: "))
        card.get_by_role("button", name="Keep my version").click()
        two.wait_for_timeout(2_500)
        assert save_state(card).inner_text().startswith("Saved"), save_state(card).inner_text()
        assert card.get_by_role("button", name="Keep my version").count() == 0
    finally:
        one.context.close()
        two.context.close()


# --- 4. accessibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_filing_pages_have_no_accessibility_violations(page: Page, live_server, app, language):
    """axe-core (WCAG 2.1 A and AA) on the officer's pages, in both languages."""
    from axe_playwright_python.sync_playwright import Axe

    company = DRAFT_COMPANIES[0]
    item = checklist_items(app)["c2"][0]
    sign_in(page, live_server, officer_of(company), lands_on="/filing/")
    # An answer saved here, so that the history has a version with changes to show.
    page.goto(commitment_url(live_server, "c2"))
    card = item_card(page, item.id)
    card.get_by_label("Not met", exact=True).check()
    card.get_by_label(NARRATIVE).fill("Evaluations *start* next quarter.")
    expect(save_state(card)).to_have_text(SAVED)

    page.goto(f"{live_server}/language/{language}?next=/filing/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    axe = Axe()
    for path in (
        "/filing/",
        f"/filing/{CYCLE}/",
        f"/filing/{CYCLE}/c2",
        f"/filing/{CYCLE}/items/{item.id}/history",
    ):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        expect(page.locator("main")).not_to_be_empty()
        if path.endswith("/history"):
            expect(page.locator("ol.revisions > li")).not_to_have_count(0)
        results = axe.run(page, options=AXE_RULES)
        assert results.violations_count == 0, (path, results.generate_report())
