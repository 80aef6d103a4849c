"""Switching language on a page that answered a form, in Chromium: the refusal of an
incomplete submission is shown at /submit, an address only a POST reaches; the switch brings
the officer back to the disclosure's overview in the other language, never to a 404, and a
reload of that page posts nothing again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import CYCLE, DESKTOP, PHONE, officer_of, screenshot, sign_in
from tracker.demo import content

COMPANY = content.companies()[19]  # a draft in the demo cycle, not ready to submit


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_switching_language_after_a_refused_submission(browser: Browser, live_server, device):
    phone = device == "phone"
    context = browser.new_context(
        locale="en-GB", viewport=PHONE if phone else DESKTOP, is_mobile=phone
    )
    try:
        page = context.new_page()
        sign_in(page, live_server, officer_of(COMPANY), lands_on="/filing/")
        overview = f"{live_server}/filing/{CYCLE}/"
        page.goto(overview)
        page.get_by_role("button", name="Submit to the alliance").click()
        expect(page).to_have_url(f"{live_server}/filing/{CYCLE}/submit")
        expect(page.get_by_text(re.compile(r"items? (is|are) not ready to submit"))).to_be_visible()
        screenshot(page, f"language-switch-refused-submission-{device}")

        page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
        expect(page).to_have_url(overview)
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"language-switch-back-on-the-overview-zh-{device}")
        # The overview is a page of its own: reloading it asks for nothing to be sent again.
        response = page.reload()
        assert response is not None and response.request.method == "GET"
        assert response.status == 200
    finally:
        context.close()
