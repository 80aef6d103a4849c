"""Journeys through accounts in Chromium: an invitation from start to finish, signing in and out."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    AXE_RULES,
    account_nav,
    new_context,
    screenshot,
    sign_in,
    submit_sign_in,
)
from tracker.demo.services import DEMO_ADMIN, DEMO_PASSWORD

NEW_EMAIL = "new.officer@company.example"
NEW_NAME = "Wen Officer"
NEW_PASSWORD = "harbour lantern orchestra meadow"
SIGN_IN_ERROR = "That e-mail address and password do not match an active account."


def invite_an_officer(page: Page, base_url: str, shots: bool = True) -> tuple[str, str]:
    """As the demo administrator, invite NEW_EMAIL as an officer; returns (link, company)."""
    # The administrator signs in (landing on the review queue) and opens the administration.
    sign_in(page, base_url, DEMO_ADMIN, DEMO_PASSWORD, lands_on="/review/")
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Administration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")

    # ... invites a compliance officer of one company.
    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.get_by_label("E-mail address").fill(NEW_EMAIL)
    page.get_by_label("Name", exact=True).fill(NEW_NAME)
    page.get_by_label("Role").select_option(label="Compliance officer")
    company_select = page.get_by_label("Company (officers only)")
    company = company_select.locator("option").nth(1).inner_text().strip()
    assert company and company != "—"
    company_select.select_option(label=company)
    if shots:
        screenshot(page, "account-invite-form")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Invitation for {NEW_EMAIL} is in the outbox."
    )
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(NEW_NAME)
    expect(heading.locator(".status")).to_have_text("Invited")
    facts = page.locator(".facts")
    expect(facts).to_contain_text(NEW_EMAIL)
    expect(facts).to_contain_text("Compliance officer")
    expect(facts).to_contain_text(company)

    # ... and reads the invitation in the outbox.
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    newest = page.locator("table.data tbody tr").first
    expect(newest).to_contain_text(NEW_EMAIL)
    newest.get_by_role("link").click()
    expect(page.locator(".facts")).to_contain_text(NEW_EMAIL)
    body = page.locator(".mail-body").inner_text()
    assert f"Hello {NEW_NAME}" in body
    assert company in body
    links = re.findall(r"https?://\S+/invitations/\S+", body)
    assert links, body
    assert len(set(links)) == 1, links  # the same link, in both languages
    assert links[0].startswith(base_url + "/invitations/")
    if shots:
        screenshot(page, "account-outbox-message")
    return links[0], company


def test_admin_invites_an_officer_who_accepts_signs_in_and_out(
    page: Page, browser: Browser, live_server
):
    link, company = invite_an_officer(page, live_server)

    # The invited officer, in a browser of their own, opens the link.
    context = new_context(browser)
    try:
        officer = context.new_page()
        officer.set_default_timeout(10_000)
        response = officer.goto(link)
        assert response.status == 200
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Welcome, {NEW_NAME}")
        expect(officer.get_by_text(f"Signing in as {NEW_EMAIL}.")).to_be_visible()
        new_password = officer.get_by_label("New password", exact=True)
        confirm = officer.get_by_label("New password, again")
        expect(new_password).to_be_focused()

        # A password that is too short is refused, with the reason.
        new_password.fill("too short")
        confirm.fill("too short")
        officer.get_by_role("button", name="Set password and sign in").click()
        expect(officer.get_by_role("alert")).to_contain_text("Use at least 15 characters.")
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Welcome, {NEW_NAME}")
        screenshot(officer, "account-accept-invitation-error")

        # A good one signs the officer in.
        new_password.fill(NEW_PASSWORD)
        confirm.fill(NEW_PASSWORD)
        officer.get_by_role("button", name="Set password and sign in").click()
        expect(officer).to_have_url(live_server + "/filing/")  # officers land on their filing
        expect(officer.get_by_role("status")).to_contain_text(
            f"Your password is set. Welcome, {NEW_NAME}."
        )
        account_nav(officer).get_by_role("link", name=NEW_NAME).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text("Your account")
        expect(account_nav(officer).get_by_role("button", name="Sign out")).to_be_visible()
        expect(officer.locator(".facts")).to_contain_text(NEW_EMAIL)
        expect(officer.locator(".facts")).to_contain_text(company)
        screenshot(officer, "account-page")

        # Signing out.
        account_nav(officer).get_by_role("button", name="Sign out").click()
        expect(officer.get_by_role("status")).to_contain_text("You have signed out.")
        expect(account_nav(officer).get_by_role("link", name="Sign in")).to_be_visible()
        expect(account_nav(officer).get_by_role("button", name="Sign out")).to_have_count(0)
        assert officer.goto(live_server + "/account/").url.startswith(live_server + "/sign-in")

        # The link worked once.
        response = officer.goto(link)
        assert response.status == 404
        expect(officer.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        expect(officer.get_by_label("New password", exact=True)).to_have_count(0)

        # The new password signs in.
        sign_in(officer, live_server, NEW_EMAIL, NEW_PASSWORD)
        expect(officer).to_have_url(live_server + "/filing/")
        expect(account_nav(officer).get_by_role("link", name=NEW_NAME)).to_be_visible()

        # What the browser was sent: security headers, and a session cookie scripts cannot read.
        response = officer.goto(live_server + "/account/")
        assert response.status == 200
        headers = response.all_headers()
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"]
        cookies = {c["name"]: c for c in context.cookies()}
        session = cookies["session"]
        assert session["httpOnly"] is True
        assert session["sameSite"] == "Lax"
        assert officer.evaluate("document.cookie").find("session=") == -1
    finally:
        context.close()


def test_sign_in_with_a_wrong_password_shows_one_message_for_unknown_and_known_accounts(
    page: Page, live_server
):
    messages = []
    for email, password in (
        (DEMO_ADMIN, "not the demo password"),
        ("nobody@nowhere.example", DEMO_PASSWORD),
    ):
        submit_sign_in(page, live_server, email, password)
        alert = page.get_by_role("alert")
        expect(alert).to_have_text(SIGN_IN_ERROR)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
        messages.append(alert.inner_text().strip())
    assert messages[0] == messages[1]


def test_keyboard_only_sign_in(page: Page, live_server):
    page.goto(live_server + "/sign-in")
    email = page.get_by_label("E-mail address")
    expect(email).to_be_focused()  # autofocus
    page.keyboard.type(DEMO_ADMIN)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")
    expect(account_nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(account_nav(page).get_by_role("link", name="Demo Administrator")).to_be_visible()


def test_a_refused_password_marks_the_field_invalid(page: Page, browser: Browser, live_server):
    link, _ = invite_an_officer(page, live_server, shots=False)
    context = new_context(browser)
    try:
        officer = context.new_page()
        officer.set_default_timeout(10_000)
        officer.goto(link)
        new_password = officer.get_by_label("New password", exact=True)
        new_password.fill("too short")
        officer.get_by_label("New password, again").fill("too short")
        officer.get_by_role("button", name="Set password and sign in").click()
        expect(officer.get_by_role("alert")).to_contain_text("Use at least 15 characters.")
        expect(new_password).to_have_attribute("aria-invalid", "true", timeout=2_000)
        expect(new_password).to_have_accessible_description(
            re.compile("Use at least 15 characters"), timeout=2_000
        )
    finally:
        context.close()


ADMIN_PAGES = [
    "/account/",
    "/account/password",
    "/admin/users/",
    "/admin/users/invite",
    "/admin/users/<first>",
    "/admin/companies/",
    "/admin/companies/new",
    "/admin/companies/<first>",
    "/admin/outbox/",
    "/admin/audit/",
    "/review/",
    "/review/reminders/",
    "/review/<first>",
]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_signed_in_pages_have_no_accessibility_violations(page: Page, live_server, language):
    """axe-core (WCAG 2.1 A and AA) on every page an administrator sees, in both languages."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server}/language/{language}?next=/sign-in")
    page.locator("#email").fill(DEMO_ADMIN)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("审核队列" if language != "en" else "Review queue")
    axe = Axe()
    for path in ADMIN_PAGES:
        if path.endswith("<first>"):
            page.goto(live_server + path.replace("<first>", ""))
            path = page.locator("table.data tbody th a").first.get_attribute("href")
        response = page.goto(live_server + path)
        assert response.status == 200, path
        results = axe.run(page, options=AXE_RULES)
        assert results.violations_count == 0, (path, results.generate_report())
