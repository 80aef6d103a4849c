"""A reader of the home page when the roster is large (more than 25 published disclosures):
the page summarises, in Chromium, on a desktop and on a phone, in English and Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.app import grow_roster
from tests.support.browser import AXE_RULES, CYCLE, PHONE, heading, screenshot, serving
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.ledger.models import OVERALL, Publication, PublicationScore
from tracker.public.views import HOME_HEATMAP_ROWS

SIGNATORIES = 60
LIMITS = ((0, 24), (25, 49), (50, 74), (75, 100))  # the score bands, as a reader reads them


@dataclass(frozen=True)
class Published:
    """What the database holds about the cycle's current published versions, counted here
    independently of the app's queries."""

    count: int
    latest: list[tuple[str, str, str]]  # (slug, English name, Chinese name), newest first
    rows: dict[str, list[str]]  # commitment id (or OVERALL) -> the cells of its distribution row
    commitments: list[str]


def published_in_cycle(app) -> Published:
    """The current version of each public signatory's disclosure in the demo cycle, its scores
    grouped in bands as the distribution table prints them."""
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=CYCLE))
        commitments = [c.id for c in cycle.checklist_version.checklist.commitments]
        rows = db.session.execute(
            sa.select(Publication, Company)
            .join(Company, Company.id == Publication.company_id)
            .where(Publication.cycle_id == cycle.id, Company.is_public_signatory)
        ).all()
        current: dict[int, tuple[Publication, Company]] = {}
        for publication, company in rows:
            kept = current.get(company.id)
            if kept is None or publication.version > kept[0].version:
                current[company.id] = (publication, company)
        newest = sorted(
            current.values(), key=lambda pc: (-pc[0].published_at.timestamp(), pc[1].name_en)
        )
        percents: dict[str, list[int | None]] = {cid: [] for cid in [*commitments, OVERALL]}
        for score in db.session.scalars(
            sa.select(PublicationScore).where(
                PublicationScore.publication_id.in_([p.id for p, _ in current.values()])
            )
        ):
            percents[score.commitment_id].append(score.percent)
    cells = {}
    for cid, values in percents.items():
        scored = [p for p in values if p is not None]
        mean = str(round(sum(scored) / len(scored))) if scored else "n/a"
        bands = [str(sum(low <= p <= high for p in scored)) for low, high in LIMITS]
        cells[cid] = [*bands, str(len(values) - len(scored)), mean]
    return Published(
        count=len(current),
        latest=[(c.slug, c.name_en, c.name_zh) for _, c in newest[:HOME_HEATMAP_ROWS]],
        rows=cells,
        commitments=commitments,
    )


@pytest.fixture
def grown_server(app) -> Iterator[str]:
    """The demo with its roster grown to 60 signatories, served on 127.0.0.1."""
    grow_roster(app, SIGNATORIES)
    with serving(app) as url:
        yield url


def heatmap(page: Page):
    """The home page's table of scores, company by commitment."""
    return page.locator("table.heatmap")


def distribution(page: Page):
    """The home page's table of how many companies score in each band."""
    return page.locator("table.distribution")


def row_names(page: Page) -> list[str]:
    """The companies the heatmap lists, top to bottom."""
    return [n.strip() for n in heatmap(page).locator("tbody th[scope=row]").all_inner_texts()]


def check_summary(page: Page, published: Published, language: str) -> None:
    """The heatmap of the latest, captioned with how many of how many, and the distribution
    whose every row counts what the database holds."""
    en = language == "en"
    expect(page.locator("html")).to_have_attribute("lang", "en" if en else "zh-CN")
    shown = HOME_HEATMAP_ROWS
    caption = (
        f"The {shown} latest of {published.count} published disclosures × commitments"
        if en
        else f"{published.count} 份已发布披露中最新的 {shown} 份 × 各项承诺"
    )
    expect(page.get_by_role("table", name=re.compile(re.escape(caption)))).to_have_count(1)
    expect(heatmap(page).locator("tbody tr")).to_have_count(shown)
    # the latest published, in the heatmap's default order: by English name
    latest = sorted(published.latest, key=lambda row: row[1])
    names = [en_name if en else zh_name for _, en_name, zh_name in latest]
    assert row_names(page) == names
    every = (
        "Every signatory and its overall score, page by page"
        if en
        else "全部签署企业及其总分（分页浏览）"
    )
    expect(page.get_by_role("link", name=every)).to_have_attribute("href", "/companies/")

    title = (
        f"How the {published.count} published disclosures score, per commitment"
        if en
        else f"{published.count} 份已发布披露在各项承诺上的得分分布"
    )
    expect(page.get_by_role("table", name=title)).to_have_count(1)
    table = distribution(page)
    bands = [f"Score {lo}–{hi}" if en else f"得分 {lo}–{hi}" for lo, hi in LIMITS]
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    na = "n/a" if en else "不适用"
    assert headers == ["Commitment" if en else "承诺", *bands, na, "Mean" if en else "平均"]
    body = table.locator("tbody tr")
    expect(body).to_have_count(len(published.commitments) + 1)
    for index, cid in enumerate([*published.commitments, OVERALL]):
        row = body.nth(index)
        label = row.locator("th").inner_text()
        if cid == OVERALL:
            assert label == ("Overall" if en else "总分")
        else:
            assert label.startswith(cid.upper() + " ")
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        wanted = [na if n == "n/a" else n for n in published.rows[cid]]
        assert cells == wanted, f"{cid}: {cells} != {wanted}"
    # each band's counts add up to the companies with a score, for the overall row too
    overall = published.rows[OVERALL]
    assert sum(int(n) for n in overall[:4]) + int(overall[4]) == published.count


def assert_accessible(page: Page) -> None:
    """axe-core finds nothing against WCAG 2.1 A and AA, as on the other public pages."""
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def test_a_reader_of_a_large_roster_reads_the_summary_visits_a_company_and_reads_it_in_chinese(
    page: Page, grown_server, app
):
    published = published_in_cycle(app)
    assert published.count > HOME_HEATMAP_ROWS  # else the page would not summarise
    page.goto(grown_server + "/")
    check_summary(page, published, "en")
    screenshot(page, "home-summary-desktop-en")
    assert_accessible(page)

    # the third row of the heatmap (by name): its link leads to its page in this cycle
    slug, name, _ = sorted(published.latest, key=lambda row: row[1])[2]
    link = heatmap(page).locator("tbody tr").nth(2).get_by_role("link", name=name, exact=True)
    expect(link).to_have_attribute("href", f"/companies/{slug}?cycle={CYCLE}")
    link.click()
    expect(page).to_have_url(f"{grown_server}/companies/{slug}?cycle={CYCLE}")
    expect(heading(page)).to_contain_text(name)
    expect(page.get_by_text("Score per commitment", exact=True)).to_be_attached()

    page.go_back()
    expect(page).to_have_url(grown_server + "/")
    check_summary(page, published, "en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(grown_server + "/")
    check_summary(page, published, "zh")
    screenshot(page, "home-summary-desktop-zh")
    assert_accessible(page)
    # the Chinese page's link leads to the same company, named in Chinese
    slug, _, zh_name = published.latest[0]
    heatmap(page).get_by_role("link", name=zh_name, exact=True).click()
    expect(page).to_have_url(f"{grown_server}/companies/{slug}?cycle={CYCLE}")
    expect(heading(page)).to_contain_text(zh_name)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_summary_scrolls_inside_its_tables_and_their_captions_stay_put(
    browser: Browser, grown_server, app, language
):
    published = published_in_cycle(app)
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        on_a_phone(context.new_page(), grown_server, published, language)
    finally:
        context.close()


def on_a_phone(page: Page, grown_server: str, published: Published, language: str) -> None:
    """The summary read on a phone: the page itself never scrolls sideways; each table scrolls
    in its own box, by keyboard too, while its caption (and the heatmap's names) stay put."""
    page.set_default_timeout(10_000)
    page.goto(f"{grown_server}/language/{language}")
    page.goto(grown_server + "/")
    check_summary(page, published, language[:2])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    screenshot(page, f"home-summary-phone-{language[:2]}")
    for table, sticky_names in ((heatmap(page), True), (distribution(page), False)):
        figure = table.locator("xpath=ancestor::figure[1]")
        caption = figure.locator("figcaption")
        scroller = figure.locator(".table-scroll")
        # the caption outside the scrolling box names the box and the table
        caption_id = caption.get_attribute("id")
        assert caption_id
        expect(table).to_have_attribute("aria-labelledby", caption_id)
        expect(scroller).to_have_attribute("aria-labelledby", caption_id)
        # a table wider than the phone scrolls inside its own box; one that fits (the heatmap's
        # compact columns) is whole on the screen
        wider = scroller.evaluate("element => element.scrollWidth - element.clientWidth")
        if wider <= 0:
            box = table.bounding_box()
            assert box and box["x"] >= 0, box
            assert box["x"] + box["width"] <= page.viewport_size["width"] + 1, box
            continue
        before = caption.bounding_box()
        scroller.focus()  # a keyboard reader reaches the scrolling box and scrolls it sideways
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("element => element.scrollLeft > 0", arg=scroller.element_handle())
        scroller.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
        after = caption.bounding_box()
        # the company column stays in view while the scores scroll under it
        if sticky_names:
            name = table.locator("tbody th[scope=row]").first.bounding_box()
            assert name is not None and 0 <= name["x"] < 40
        assert before is not None and after is not None
        assert after["x"] == before["x"] >= 0, "the caption scrolled with the table"
        assert after["x"] + after["width"] <= PHONE["width"]
        scroller.evaluate("element => { element.scrollLeft = 0; }")
    assert_accessible(page)
