"""The confirmation pages of irreversible staff actions (closing and reopening a cycle,
publishing, deactivating an account) and the "being prepared" page of a report, in Chromium, at
desktop and phone width, in English and Chinese; on a phone in Chinese each action is carried out
from its page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    AXE_RULES,
    DESKTOP,
    PHONE,
    assert_fits,
    flash,
    heading,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.demo import content
from tracker.demo.services import DEMO_ADMIN


def _ids(app) -> dict:
    """The demo's open and closed cycles, a company of the open one made ready to publish, and
    that company's officer."""
    from tracker.auth.models import User
    from tracker.cycles.models import Cycle
    from tracker.db import db
    from tracker.domain.workflow import DisclosureState
    from tracker.filing.models import Disclosure

    with app.app_context():
        cycles = db.session.scalars(sa.select(Cycle)).all()
        open_cycle = next(c for c in cycles if c.phase.value == "open")
        closed = next(c for c in cycles if c.phase.value == "closed")
        company = next(
            c
            for c in content.companies()
            if db.session.scalar(
                sa.select(Disclosure)
                .join(Disclosure.company)
                .where(
                    Disclosure.cycle_id == open_cycle.id,
                    Disclosure.state == DisclosureState.SUBMITTED,
                )
                .filter_by(slug=c.slug)
            )
        )
        disclosure = db.session.scalar(
            sa.select(Disclosure)
            .join(Disclosure.company)
            .where(Disclosure.cycle_id == open_cycle.id)
            .filter_by(slug=company.slug)
        )
        disclosure.state = DisclosureState.ACCEPTED
        officer = db.session.scalar(sa.select(User).filter_by(email=officer_of(company)))
        db.session.commit()
        return {
            "open": open_cycle.id,
            "open_slug": open_cycle.slug,
            "closed": closed.id,
            "company": company,
            "officer": officer.id,
        }


def assert_accessible(page: Page, where: str) -> None:
    """No axe violation."""
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, (where, results.generate_report())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize(("viewport", "mobile"), [(DESKTOP, False), (PHONE, True)])
def test_confirmation_pages_read_and_fit(
    browser: Browser, live_server, app, language, viewport, mobile
):
    ids = _ids(app)
    en = language == "en"
    company = ids["company"]
    context = browser.new_context(locale="en-GB", viewport=viewport, is_mobile=mobile)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, live_server, DEMO_ADMIN)
        page.goto(f"{live_server}/language/{language}")
        size = "phone" if mobile else "desktop"
        pages = {
            "close": (
                f"/admin/cycles/{ids['open']}/close",
                "Close " if en else "关闭",
                "have not handed their disclosures in" if en else "尚未提交披露",
            ),
            "reopen": (
                f"/admin/cycles/{ids['closed']}/reopen",
                "Reopen " if en else "重新开放",
                "Why is the cycle reopened?" if en else "为什么重新开放周期？",
            ),
            "publish": (
                f"/review/{ids['open_slug']}/{company.slug}/publish",
                f"Publish {company.name_en}?" if en else f"发布{company.name_zh}？",
                "This cannot be undone." if en else "此操作无法撤销。",
            ),
            "deactivate": (
                f"/admin/users/{ids['officer']}/deactivate",
                "Deactivate " if en else "停用",
                "signed out everywhere" if en else "退出登录",
            ),
        }
        for name, (path, title, says) in pages.items():
            page.goto(live_server + path)
            expect(heading(page)).to_contain_text(title)
            expect(page.locator("main")).to_contain_text(says)
            assert_fits(page, viewport["width"], f"{name} ({size}, {language})")
            assert_accessible(page, name)
            screenshot(page, f"confirm-{name}-{size}-{language[:2]}")

        # The aggregate is not built in tests: the page says so, and tries again by itself.
        response = page.goto(f"{live_server}/cycles/{ids['open_slug']}/report.pdf?lang=en")
        assert response.status == 503
        assert response.headers["retry-after"] == "30"
        # It tries again by itself (a script's timer, no meta refresh) unless stopped.
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        expect(page.locator("[data-retry-running]")).to_contain_text(
            "tries again by itself in 30 seconds" if en else "30 秒后自动重试"
        )
        retry = page.get_by_role("link", name="Try again now" if en else "立即重试")
        expect(retry).to_have_attribute("href", f"/cycles/{ids['open_slug']}/report.pdf?lang=en")
        assert_fits(page, viewport["width"], f"retry ({size}, {language})")
        assert_accessible(page, "retry")
        screenshot(page, f"report-not-ready-{size}-{language[:2]}")
    finally:
        context.close()


def test_the_retry_page_tries_again_by_itself_unless_stopped(browser: Browser, live_server, app):
    report = f"/cycles/{_ids(app)['open_slug']}/report.pdf?lang=en"
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.clock.install()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(live_server + report)
        expect(page.locator("[data-retry-running]")).to_be_visible()
        with page.expect_navigation(url=live_server + report):
            page.clock.run_for("00:31")
        assert asked.count(live_server + report) == 2

        # Stopped, it waits for the reader however long they stay.
        page.get_by_role("button", name="Stop trying").click()
        expect(page.get_by_text("Stopped: it will not try again by itself.")).to_be_visible()
        expect(page.get_by_role("button", name="Stop trying")).to_be_hidden()
        page.clock.run_for("05:00")
        assert asked.count(live_server + report) == 2
        assert_accessible(page, "retry stopped")
    finally:
        context.close()


def test_without_javascript_the_retry_page_only_offers_the_link(browser: Browser, live_server, app):
    report = f"/cycles/{_ids(app)['open_slug']}/report.pdf?lang=en"
    context = browser.new_context(locale="en-GB", viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + report)
        expect(page.locator("[data-retry-seconds]")).to_be_hidden()
        expect(page.get_by_role("link", name="Try again now")).to_have_attribute("href", report)
    finally:
        context.close()


def test_each_action_from_its_page_on_a_phone_in_chinese(browser: Browser, live_server, app):
    from tracker.auth.models import User
    from tracker.cycles.models import Cycle
    from tracker.db import db
    from tracker.ledger.models import LedgerEntry

    ids = _ids(app)
    company = ids["company"]
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, live_server, DEMO_ADMIN)
        page.goto(f"{live_server}/language/zh_CN")

        # Close the open cycle from its page, then reopen it with a reason.
        page.goto(f"{live_server}/admin/cycles/{ids['open']}")
        page.get_by_role("link", name="关闭周期…").click()
        page.get_by_role("button", name="关闭周期").click()
        expect(heading(page).locator(".phase")).to_have_text("已关闭")
        page.get_by_role("link", name="重新开放周期…").click()
        page.get_by_label("为什么重新开放周期？").fill("两家企业申请延长一周。")
        page.get_by_role("button", name="重新开放周期").click()
        expect(flash(page)).to_contain_text("已重新开放")
        expect(heading(page).locator(".phase")).to_have_text("开放中")
        screenshot(page, "confirm-reopened-phone-zh")

        # Publish from the review page, through the confirmation; a second post is a no-op.
        page.goto(f"{live_server}/review/{ids['open_slug']}/{company.slug}")
        page.get_by_role("link", name="发布…").click()
        other = context.new_page()  # the same confirmation, open in a second tab
        other.goto(page.url)
        page.get_by_role("button", name="发布第 1 版").click()
        expect(flash(page)).to_contain_text("已发布为第 1 版")
        other.get_by_role("button", name="发布第 1 版").click()
        expect(heading(other)).to_contain_text(company.name_zh)  # back on the review page
        expect(flash(other)).to_contain_text("发布为第 1 版。")
        expect(flash(other)).to_contain_text("已于")
        screenshot(other, "confirm-published-twice-phone-zh")

        # Deactivate the company's officer.
        page.goto(f"{live_server}/admin/users/{ids['officer']}")
        page.get_by_role("link", name="停用…").click()
        page.get_by_role("button", name="停用账户").click()
        expect(flash(page)).to_contain_text("已停用")
        screenshot(page, "confirm-deactivated-phone-zh")
    finally:
        context.close()

    with app.app_context():
        assert db.session.get(Cycle, ids["open"]).phase.value == "open"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == (
            entries + 1
        )
        assert not db.session.get(User, ids["officer"]).is_active
