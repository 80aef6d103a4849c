"""A reader finds the open data, the about and the methodology pages from the footer, in English
and Chinese, on a desktop and on a phone, and downloads a cycle's bundle through its link."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import AXE_RULES, PHONE, heading, screenshot

PAGES = {
    "/data/": ("Open data", "开放数据"),
    "/about/": ("About this record", "关于本记录"),
    "/methodology/": ("Methodology", "方法说明"),
}


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def footer(page: Page):
    return page.get_by_role("navigation", name="About the record")


def test_a_reader_reaches_the_data_about_and_methodology_from_the_footer(
    page: Page, live_server, tmp_path
):
    page.goto(live_server + "/")
    expect(page.locator(".site-footer")).not_to_contain_text("independent")
    expect(page.locator(".site-footer")).to_contain_text("run by the AI Industry Alliance's staff")
    footer(page).get_by_role("link", name="Open data").click()
    expect(heading(page)).to_have_text("Open data")
    expect(page.get_by_role("link", name="OpenAPI document")).to_have_attribute(
        "href", "/api/v1/openapi.json"
    )
    expect(page.locator("#licence")).to_contain_text("Creative Commons Attribution 4.0")
    expect(page.locator("#api pre").first).to_contain_text("/api/v1/cycles")
    screenshot(page, "data-desktop-en")
    assert_accessible(page)

    # the bundle, downloaded through its link, and its sums
    row = page.get_by_role("row").filter(has_text="2025-annual")
    with page.expect_download() as started:
        row.get_by_role("link", name="data bundle (zip)").click()
    download = started.value
    assert download.suggested_filename == "2025-annual-bundle.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        sums = archive.read("SHA256SUMS").decode().splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
        assert "datapackage.json" in {line.split("  ", 1)[1] for line in sums}

    page.get_by_role("link", name="How to verify the record").click()
    expect(page).to_have_url(f"{live_server}/methodology/#verify")
    expect(page.locator("#verify h2")).to_have_text("How to verify the record")
    expect(page.locator("#scores table")).to_contain_text("Partially met")
    expect(page.locator("#scores table")).to_contain_text("0.5")
    screenshot(page, "methodology-desktop-en")
    assert_accessible(page)

    footer(page).get_by_role("link", name="About").click()
    expect(heading(page)).to_have_text("About this record")
    expect(page.locator("#who")).to_contain_text("not an independent assessment")
    screenshot(page, "about-desktop-en")
    assert_accessible(page)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(heading(page)).to_have_text("关于本记录")
    expect(page.locator(".site-footer")).to_contain_text("联盟工作人员运营")
    screenshot(page, "about-desktop-zh")
    assert_accessible(page)
    page.get_by_role("navigation", name="关于本记录").get_by_role("link", name="方法说明").click()
    expect(heading(page)).to_have_text("方法说明")
    expect(page.locator("#adoption h2")).to_have_text("“采纳”的含义")
    screenshot(page, "methodology-desktop-zh")
    assert_accessible(page)
    page.get_by_role("navigation", name="关于本记录").get_by_role("link", name="开放数据").click()
    expect(heading(page)).to_have_text("开放数据")
    screenshot(page, "data-desktop-zh")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_on_a_phone_the_pages_do_not_scroll_sideways(browser: Browser, live_server, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/language/{language}")
        for url, titles in PAGES.items():
            page.goto(live_server + url)
            expect(heading(page)).to_have_text(titles[0 if language == "en" else 1])
            # On a phone the layout viewport widens to what overflows: measure against the screen.
            overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
            screenshot(page, f"{url.strip('/')}-phone-{language[:2]}")
            assert_accessible(page)
    finally:
        context.close()
