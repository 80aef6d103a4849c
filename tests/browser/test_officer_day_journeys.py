"""The officer's working day in Chromium (issue 15), on a desktop in English and on a phone in
Chinese: each item says whether it is ready as the officer types and the commitment's count
follows; the autosave conflict shows both versions and the word difference, and the "unsaved"
bar covers no button; the items staff asked to change are listed and marked; staff comments
sit by the narrative; files appear in the item's history."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import (
    AXE_RULES,
    CYCLE,
    DESKTOP,
    PHONE,
    assert_fits,
    item_card,
    officer_of,
    screenshot,
    sign_in,
)
from tracker.demo import content

DRAFT_COMPANY = content.companies()[19]  # a draft in the demo cycle
SETTINGS = [
    pytest.param(DESKTOP, "en", id="desktop-en"),
    pytest.param(PHONE, "zh_CN", id="phone-zh"),
]


def open_as_officer(browser: Browser, live_server: str, company, viewport, language) -> Page:
    context = browser.new_context(locale="en-GB", viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, officer_of(company))
    page.goto(f"{live_server}/language/{language}?next=/filing/")
    return page


def narrated_required_item(app: Flask, commitment_id: str):
    from tracker.demo.services import DEMO_CHECKLIST

    loaded = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.key == DEMO_CHECKLIST
    )
    commitment = next(c for c in loaded.checklist.commitments if c.id == commitment_id)
    return next(i for i in commitment.items if i.required and i.narrative)


def progress_counts(page: Page) -> tuple[int, int]:
    bar = page.locator("#commitment-progress progress")
    return int(float(bar.get_attribute("value") or 0)), int(float(bar.get_attribute("max") or 0))


def assert_accessible(page: Page, where: str) -> None:
    """axe-core (WCAG 2.1 A and AA) finds nothing on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, (where, results.generate_report())


def readiness(card: Locator) -> Locator:
    return card.locator(".readiness")


# --- readiness as the officer types -------------------------------------------------------------


@pytest.mark.parametrize(("viewport", "language"), SETTINGS)
def test_each_item_says_whether_it_is_ready_as_the_officer_types(
    browser: Browser, live_server, app, viewport, language
):
    from flask_babel import force_locale

    from tracker.filing.messages import readiness_messages

    with app.test_request_context(), force_locale(language):
        texts = readiness_messages()
    item = narrated_required_item(app, "c2")
    page = open_as_officer(browser, live_server, DRAFT_COMPANY, viewport, language)
    try:
        page.goto(f"{live_server}/filing/{CYCLE}/c2")
        card = item_card(page, item.id)
        line = readiness(card)
        expect(line).to_have_attribute("role", "status")
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

        # "Met" without a narrative is not ready; the count drops if the item was ready.
        card.locator("input[type=radio][value=met]").check()
        narrative = card.locator("textarea[data-readiness=narrative]")
        before_done, total = progress_counts(page)
        was_ready = line.get_attribute("data-state") == "ready"
        narrative.fill("")
        expect(line).to_have_attribute("data-state", "narrative_missing")
        expect(line).to_have_text(texts["narrative_missing"])
        expect(line).to_have_class(re.compile(r"\bnot-ready\b"))
        assert progress_counts(page) == (before_done - was_ready, total)
        screenshot(page, f"officer-readiness-missing-{language[:2]}-{viewport['width']}")

        # Typing a narrative makes it ready at once, before any request is made.
        expect(card.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))
        posts.clear()
        narrative.press_sequentially("Evaluated before every release.")
        expect(line).to_have_attribute("data-state", "ready")
        expect(line).to_have_text(texts["ready"])
        assert progress_counts(page) == (before_done - was_ready + 1, total)
        assert not [u for u in posts if u.endswith(f"/items/{item.id}")], posts

        # "Not applicable" asks for a reason, then is ready with one.
        card.locator("input[type=radio][value=not_applicable]").check()
        expect(line).to_have_attribute("data-state", "reason_missing")
        expect(line).to_have_text(texts["reason_missing"])
        card.locator("textarea[data-readiness=reason]").fill("We release no models.")
        expect(line).to_have_attribute("data-state", "ready")
        assert_fits(page, viewport["width"], "commitment page")
        assert_accessible(page, "readiness lines")
        screenshot(page, f"officer-readiness-ready-{language[:2]}-{viewport['width']}")

        # Once saved, the server's own rendering of the page says the same.
        expect(card.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))
        counts = progress_counts(page)
        page.reload()
        line = readiness(item_card(page, item.id))
        expect(line).to_have_attribute("data-state", "ready")
        expect(line).to_have_text(texts["ready"])
        assert progress_counts(page) == counts
    finally:
        page.context.close()


# --- the autosave's conflict, and the "unsaved" bar ---------------------------------------------

OVERLAP = """([a, b]) => { const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
  return r.bottom > s.top && r.top < s.bottom && r.right > s.left && r.left < s.right; }"""


def covered(page: Page, element: Locator) -> bool:
    """Whether the fixed "unsaved" bar lies over ``element``."""
    bar = page.locator(".unsaved-warning")
    return page.evaluate(OVERLAP, [element.element_handle(), bar.element_handle()])


@pytest.mark.parametrize(("viewport", "language"), SETTINGS)
def test_an_autosave_conflict_shows_both_versions_and_the_bar_covers_no_button(
    browser: Browser, live_server, app, viewport, language
):
    item = narrated_required_item(app, "c3")
    url = f"{live_server}/filing/{CYCLE}/c3"
    one = open_as_officer(browser, live_server, DRAFT_COMPANY, viewport, language)
    two = open_as_officer(browser, live_server, DRAFT_COMPANY, viewport, language)
    try:
        one.goto(url)
        two.goto(url)
        first = item_card(one, item.id)
        first.locator("textarea[data-readiness=narrative]").fill("Text of the first tab.")
        expect(first.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))

        # The second tab, opened before, types its own narrative; then, with the form's buttons
        # at the bottom of the window where the bar shows, the field just above them.
        card = item_card(two, item.id)
        card.locator("textarea[data-readiness=narrative]").fill("Text of the second tab.")
        bar = two.locator(".unsaved-warning")
        expect(bar).to_be_visible()
        actions = card.locator(".form-actions")
        actions.evaluate(
            "e => window.scrollBy(0, e.getBoundingClientRect().bottom - window.innerHeight + 4)"
        )
        assert covered(two, actions), "the test did not put the buttons under the bar"
        last = card.locator("form.answer-form").locator("textarea, input[type=text]").last
        last.evaluate("e => e.focus({preventScroll: true})")
        two.keyboard.type(" more")
        expect(bar).to_be_visible()
        assert not covered(two, actions)

        # The save is refused: the saved version and the word difference show under the form.
        detail = card.locator(".conflict-detail")
        expect(detail).to_be_visible()
        expect(detail.locator(".conflict-theirs .narrative")).to_have_text("Text of the first tab.")
        diff = detail.locator(".conflict-diff p.diff").first
        expect(diff.locator("del")).to_have_text("first")
        expect(diff.locator("ins")).to_have_text("second")
        keep = card.locator("button.conflict-choice")
        expect(keep).to_be_visible()
        assert not covered(two, keep)
        assert not covered(two, card.locator("a.conflict-choice"))
        assert_fits(two, viewport["width"], "conflict")
        assert_accessible(two, "the conflict under the form")
        card.screenshot(
            path=f"test-artifacts/officer-conflict-{language[:2]}-{viewport['width']}.png"
        )

        # At the end of the page, the last button clears the bar too.
        two.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert not covered(two, two.locator("main button:visible").last)
        screenshot(two, f"officer-conflict-page-{language[:2]}-{viewport['width']}")

        # Keeping one's own version saves it; the versions go, and the bar with them.
        keep.press("Enter")
        expect(card.locator(".save-state")).to_have_class(re.compile(r"\bsave-ok\b"))
        expect(detail).to_have_count(0)
        expect(bar).to_be_hidden()
    finally:
        one.context.close()
        two.context.close()


# --- returned with comments: the list, the marks, the comment by the narrative, the history -----

RETURNED_COMPANY = content.companies()[15]  # submitted in the demo cycle
STAFF_COMMENT = "Please say who leads this work and how large the team is."


def return_with_a_comment(app: Flask, company, item_id: str) -> None:
    """Staff comment on the item and ask the company for changes (as the review page does)."""
    import sqlalchemy as sa

    from tracker import clock
    from tracker.auth.models import User
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.db import db
    from tracker.demo.services import DEMO_STAFF
    from tracker.domain.workflow import Action
    from tracker.filing.models import Disclosure
    from tracker.review import services as review

    with app.app_context():
        staff = db.session.scalar(sa.select(User).filter_by(email=DEMO_STAFF))
        disclosure = db.session.scalar(
            sa.select(Disclosure)
            .join(Company, Company.id == Disclosure.company_id)
            .join(Cycle, Cycle.id == Disclosure.cycle_id)
            .where(Company.slug == company.slug, Cycle.slug == CYCLE)
        )
        review.add_comment(db.session, staff, disclosure, item_id, STAFF_COMMENT, clock.now())
        review.decide(
            db.session, staff, disclosure, Action.REQUEST_CHANGES, "See the comment.", clock.now()
        )
        db.session.commit()


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


@pytest.mark.parametrize(("viewport", "language"), SETTINGS)
def test_a_returned_disclosure_leads_to_the_comment_by_the_narrative_and_files_join_the_history(
    browser: Browser, live_server, app, tmp_path, viewport, language
):
    from tests.support.browser import narrated_item
    from tests.support.files import PNG

    item_id, commitment_id = narrated_item(app, RETURNED_COMPANY)
    return_with_a_comment(app, RETURNED_COMPANY, item_id)
    page = open_as_officer(browser, live_server, RETURNED_COMPANY, viewport, language)
    try:
        # The overview names the item, with a link, and marks its commitment.
        page.goto(f"{live_server}/filing/{CYCLE}/")
        listed = page.locator("ul.to-fix a")
        expect(listed).to_have_count(1)
        expect(listed).to_have_text(re.compile(rf"^{commitment_id.upper()} · "))
        row = page.locator(".progress-table tbody tr").filter(
            has=page.locator(f"a[href$='/{commitment_id}']")
        )
        expect(row.locator(".tag.carried")).to_be_visible()
        expect(page.locator(".progress-table .tag.carried")).to_have_count(1)
        assert_fits(page, viewport["width"], "overview")
        assert_accessible(page, "overview of a returned disclosure")
        screenshot(page, f"officer-returned-overview-{language[:2]}-{viewport['width']}")
        listed.click()
        expect(page).to_have_url(f"{live_server}/filing/{CYCLE}/{commitment_id}#{item_id}")

        # The commitment is marked in the navigation; the comment sits by the narrative.
        expect(page.locator("nav.versions li.has-comments")).to_have_count(1)
        expect(page.locator("nav.versions li.has-comments")).to_contain_text(commitment_id.upper())
        card = item_card(page, item_id)
        aside = card.locator(".answer-comments")
        expect(aside).to_contain_text(STAFF_COMMENT)
        narrative = card.locator("textarea[data-readiness=narrative]")
        a, n = box(aside), box(narrative)
        if viewport is DESKTOP:  # beside it, level with it
            assert a["x"] >= n["x"] + n["width"], (a, n)
            assert a["y"] < n["y"] + n["height"], (a, n)
        else:  # right after it, before the next field
            assert a["y"] >= n["y"] + n["height"], (a, n)
            language_field = box(card.locator(".narrative-language-field"))
            assert a["y"] + a["height"] <= language_field["y"], (a, language_field)
        assert_fits(page, viewport["width"], "commitment page")
        assert_accessible(page, "comments by the narrative")
        aside.scroll_into_view_if_needed()
        card.screenshot(
            path=f"test-artifacts/officer-comment-by-narrative-{language[:2]}-{viewport['width']}.png"
        )

        # A file uploaded and removed: both in the item's history.
        png = tmp_path / "team-chart.png"
        png.write_bytes(PNG)
        card.locator("input[type=file]").set_input_files(png)
        card.locator(".upload-form button[type=submit]").click()
        card = item_card(page, item_id)
        expect(card.locator(".file-list")).to_contain_text("team-chart.png")
        card.locator(".file-list li").filter(has_text="team-chart.png").locator("button").click()
        card = item_card(page, item_id)
        expect(card.locator(".file-list li").filter(has_text="team-chart.png")).to_have_count(0)
        page.goto(f"{live_server}/filing/{CYCLE}/items/{item_id}/history")
        events = page.locator("ol.revisions > li.file-event")
        expect(events).to_have_count(2)
        expect(events.nth(0)).to_have_class(re.compile(r"\bfile-removed\b"))
        expect(events.nth(0).locator("del")).to_have_text("team-chart.png")
        expect(events.nth(1).locator("ins")).to_have_text("team-chart.png")
        expect(page.locator("ol.revisions > li").first).to_have_class(re.compile("file-event"))
        assert_fits(page, viewport["width"], "history")
        assert_accessible(page, "history with files")
        screenshot(page, f"officer-history-files-{language[:2]}-{viewport['width']}")
    finally:
        page.context.close()
