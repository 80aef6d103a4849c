"""A reader's journeys through the public site, in Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support.app import ARTIFACTS
from tests.support.browser import AXE_RULES, screenshot


def test_home_page_shows_the_heatmap_and_links_to_a_company(page: Page, live_server):
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("Overview"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("AI Safety Commitments")
    heatmap = page.get_by_role("table").first
    expect(heatmap.get_by_role("row")).to_have_count(14)  # header and 13 published
    # every resource the page loaded came from the app itself and loaded fine
    assert all(r.url.startswith(live_server) for r in responses)
    assert all(r.status < 400 for r in responses)
    header = page.locator(".site-header")
    background = header.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background == "rgb(28, 36, 48)"  # the app's CSS applied

    screenshot(page, "home-en")

    first_company = heatmap.get_by_role("row").nth(1).get_by_role("link")
    name = first_company.inner_text()
    first_company.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_text("Score per commitment", exact=True)).to_be_attached()
    expect(page.locator("article.item")).to_have_count(31)


def test_company_page_shows_items_statuses_and_evidence(page: Page, live_server):
    page.goto(live_server + "/companies/")
    page.get_by_role("row").filter(has_not_text="not yet published").nth(1).get_by_role(
        "link"
    ).click()
    expect(page.locator(".score-big")).to_be_visible()
    statuses = page.locator("article.item .status")
    expect(statuses).to_have_count(31)
    expect(page.locator(".evidence a").first).to_have_attribute("href", re.compile(r"^https://"))
    page.get_by_role("link", name=re.compile("C2 ")).first.click()
    expect(page).to_have_url(re.compile("#c2$"))


def test_language_switch_translates_the_page_and_is_remembered(page: Page, live_server):
    page.goto(live_server + "/checklist/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(live_server + "/checklist/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name=re.compile("安全团队与风险管理"))).to_be_visible()
    page.locator(".main-nav").get_by_role("link").nth(2).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("签署企业")
    # a new visit keeps the choice
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    screenshot(page, "home-zh")
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_phone_sized_screen_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/companies/", "/checklist/"):
        page.goto(live_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.goto(live_server + "/")
    screenshot(page, "home-phone")
    context.close()


def test_keyboard_reaches_the_skip_link_first(page: Page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/checklist/",
        "/companies/",
        "/companies/<first>",
        "/no-such-page",
        "/sign-in",
        "/password/forgot",
        "/ledger/",
    ],
)
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_pages_have_no_accessibility_violations(page: Page, live_server, path, language):
    """axe-core (WCAG 2.1 A and AA rules) finds nothing on any public page, in both languages."""
    page.goto(f"{live_server}/language/{language}")
    if path == "/companies/<first>":
        page.goto(live_server + "/companies/")
        path = page.locator("table.data tbody a").first.get_attribute("href")
    page.goto(live_server + path)
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def test_company_page_draws_the_score_chart_and_offers_its_pdf(page: Page, live_server):
    page.goto(live_server + "/companies/")
    page.get_by_role("row").filter(has_not_text="not yet published").nth(1).get_by_role(
        "link"
    ).click()
    chart = page.get_by_role("img", name="Score per commitment, 0 to 100")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 150  # drawn at a readable size
    expect(chart.locator("rect")).not_to_have_count(0)
    chart.screenshot(path=str(ARTIFACTS / "company-score-chart.png"))

    for name, language in (("English", "en"), ("中文", "zh")):
        link = page.locator(".downloads").get_by_role("link", name=name)
        href = link.get_attribute("href")
        assert f"lang={language}" in href and "version=" in href
        response = page.request.get(live_server + href)  # as the browser would fetch it
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        body = response.body()
        assert body.startswith(b"%PDF-") and int(response.headers["content-length"]) == len(body)


def test_home_page_offers_the_aggregate_report(page: Page, live_server, app):
    app.config["REPORT_JOBS"] = "off"
    page.goto(live_server + "/")
    link = page.locator(".downloads").get_by_role("link", name="English")
    href = link.get_attribute("href")
    assert href == "/cycles/2025-annual/report.pdf?lang=en"
    waiting = page.request.get(live_server + href)  # nothing built yet: it says so, politely
    assert waiting.status == 503 and waiting.headers["retry-after"] == "30"
    app.config["REPORT_JOBS"] = "inline"  # as the background job would, here and now
    response = page.request.get(live_server + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert int(response.headers["content-length"]) == len(response.body())
