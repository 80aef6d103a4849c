"""An officer files a benchmark result in Chromium, in English and in Chinese: a mistake refused
beside its field with everything typed kept, fixed, the result listed on the item's page, and
removed again with the keyboard after a confirmation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import AXE_RULES, CYCLE, PHONE, heading, officer_of, screenshot
from tracker.demo import content
from tracker.demo.services import DEMO_PASSWORD

COMPANY = content.companies()[20]  # a draft in the demo cycle
ITEM = "c2.benchmarks-reported"

SAID = {
    "en_GB": {
        "add": "Add a result",
        "heading": "Add a benchmark result",
        "range": "Outside the metric's range, 0 to 100.",
        "required": "Required.",
        "saved": "The result is saved.",
        "remove": "Remove the result",
        "removed": "is removed.",
        "empty": "No result filed.",
        "rules": "Rules (string matching, fixed classifiers, exact answers)",
    },
    "zh_CN": {
        "add": "添加结果",
        "heading": "添加基准测试结果",
        "range": "超出指标范围（0 至 100）。",
        "required": "必填。",
        "saved": "结果已保存。",
        "remove": "移除结果",
        "removed": "的结果已移除。",
        "empty": "尚未填报结果。",
        "rules": "规则（字符串匹配、固定分类器、标准答案）",
    },
}


def sign_in_in(page: Page, base: str, locale: str) -> None:
    page.goto(f"{base}/language/{'zh_CN' if locale == 'zh_CN' else 'en'}?next=/sign-in")
    page.locator("#email").fill(officer_of(COMPANY))
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/filing/")


def results_section(page: Page):
    return page.locator(f'section[id="results-{ITEM}"]')


def shots(page: Page, name: str) -> None:
    """The page at desktop and at phone width."""
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("locale", ["en_GB", "zh_CN"])
def test_an_officer_adds_a_result_fixes_a_mistake_and_sees_it_listed(
    page: Page, live_server, locale
):
    from axe_playwright_python.sync_playwright import Axe

    said = SAID[locale]
    sign_in_in(page, live_server, locale)
    page.goto(f"{live_server}/filing/{CYCLE}/c2#results-{ITEM}")
    section = results_section(page)
    rows_before = section.locator("tbody tr").count()
    section.get_by_role("link", name=said["add"]).click()
    expect(heading(page)).to_have_text(said["heading"])

    # Choosing HarmBench leaves only its versions and metrics in the other lists (the script).
    form = page.locator("form.result-form")
    form.locator("select[name=benchmark]").select_option("harmbench")
    versions = form.locator("select[name=version] optgroup:not([hidden])")
    expect(versions).to_have_count(1)
    expect(versions).to_have_attribute("data-benchmark", "harmbench")
    expect(form.locator("select[name=version]")).to_have_value("2024-02")  # its only one
    form.locator("select[name=configuration]").select_option("standard")
    expect(form.locator("select[name=language]")).to_have_value("en")
    expect(form.locator("select[name=metric]")).to_have_value("attack-success-rate")
    form.locator("input[name=value]").fill("150")  # the mistake: a share above 100 %
    form.locator("input[name=model]").fill("<b>bold</b>-model-7b")
    form.locator("input[name=model_version]").fill("2026-05-01")
    form.locator("input[name=subject][value=model]").check()
    form.get_by_label(said["rules"]).check()
    form.locator("input[name=run_by]").fill("Lab of the company")
    form.locator("input[name=relationship][value=first_party]").check()
    form.locator("input[name=run_on]").fill("2026-06-15")
    form.locator("input[name=breakdown-0-name]").fill("cybercrime")
    form.locator("input[name=breakdown-0-value]").fill("12")
    form.locator("button[type=submit]").click()

    # Refused beside the value, everything typed still there.
    value_error = page.locator("#result-value-error")
    expect(value_error).to_have_text(said["range"])
    expect(page.locator("#result-value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#result-problems")).to_be_visible()
    expect(page.locator("input[name=model]")).to_have_value("<b>bold</b>-model-7b")
    expect(page.locator("select[name=configuration]")).to_have_value("standard")
    expect(page.locator("input[name=breakdown-0-value]")).to_have_value("12")
    expect(page.locator("input[name=relationship][value=first_party]")).to_be_checked()
    expect(page.get_by_text(said["required"], exact=True)).to_have_count(0)
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    shots(page, f"result-form-refused-{locale}")

    # The summary's link leads to the field; fixed, the result is saved and listed.
    page.locator("#result-problems a[href='#result-value']").click()
    page.locator("#result-value").fill("15.5")
    page.locator("form.result-form button[type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text(said["saved"])
    section = results_section(page)
    expect(section.locator("tbody tr")).to_have_count(rows_before + 1)
    row = section.locator("tbody tr").last
    expect(row).to_contain_text("HarmBench")
    expect(row).to_contain_text("15.5%")
    expect(row).to_contain_text("<b>bold</b>-model-7b")  # shown as text
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    section.scroll_into_view_if_needed()
    shots(page, f"result-listed-{locale}")

    # Removed with the keyboard, after a confirmation page.
    row.locator("a.danger").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=said["remove"])).to_be_visible()
    page.get_by_role("button", name=said["remove"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text(said["removed"])
    expect(results_section(page).locator("tbody tr")).to_have_count(rows_before)
    if rows_before == 0:
        expect(results_section(page)).to_contain_text(said["empty"])
