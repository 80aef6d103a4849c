"""An officer imports Every Eval Ever records in Chromium, in English and in Chinese: a file with
a hostile name and an unknown benchmark is refused with every problem at its record and place
(the name shown as text, nothing saved), then the published export's records are imported and
listed among the item's results."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.support.app import ARTIFACTS
from tests.support.browser import AXE_RULES, CYCLE, PHONE, heading, officer_of, screenshot
from tracker.demo import content
from tracker.demo.services import DEMO_PASSWORD

COMPANY = content.companies()[20]  # a draft in the demo cycle
ITEM = "c2.benchmarks-reported"

SAID = {
    "en_GB": {
        "label": "Import results (Every Eval Ever JSON)",
        "button": "Import",
        "refused": "The results were not imported",
        "unknown": "No benchmark of the registry has this id or name.",
        "record": "Record 1, $.evaluation_results[0].evaluation_name",
        "imported": "results imported.",
    },
    "zh_CN": {
        "label": "导入结果（Every Eval Ever JSON）",
        "button": "导入",
        "refused": "结果未导入",
        "unknown": "基准登记表中没有这个标识或名称的基准。",
        "record": "第 1 条记录，$.evaluation_results[0].evaluation_name",
        "imported": "条结果。",
    },
}


def sign_in_in(page: Page, base: str, locale: str) -> None:
    page.goto(f"{base}/language/{'zh_CN' if locale == 'zh_CN' else 'en'}?next=/sign-in")
    page.locator("#email").fill(officer_of(COMPANY))
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/filing/")


def shots(page: Page, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def choose(page: Page, said: dict, name: str, records: list) -> None:
    form = page.locator("form.import-results")
    form.get_by_label(said["label"]).set_input_files(
        {"name": name, "mimeType": "application/json", "buffer": json.dumps(records).encode()}
    )
    form.get_by_role("button", name=said["button"], exact=True).click()


@pytest.mark.parametrize("locale", ["en_GB", "zh_CN"])
def test_an_officer_imports_records_refused_then_accepted(page: Page, live_server, locale):
    from axe_playwright_python.sync_playwright import Axe

    said = SAID[locale]
    records = page.request.get(f"{live_server}/api/v1/benchmark-results/eee").json()[:2]
    assert len(records) == 2
    sign_in_in(page, live_server, locale)
    page.goto(f"{live_server}/filing/{CYCLE}/c2#results-{ITEM}")
    section = page.locator(f'section[id="results-{ITEM}"]')
    rows_before = section.locator("tbody tr").count()
    shots(page, f"import-form-{locale}")

    hostile = json.loads(json.dumps(records[0]))
    evaluation = hostile["evaluation_results"][0]
    evaluation["source_data"]["additional_details"].pop("benchmark")
    evaluation["evaluation_name"] = "<img src=x onerror=alert(1)>"
    evaluation["source_data"]["dataset_name"] = "<img src=x onerror=alert(1)>"
    choose(page, said, "hostile.json", [hostile, records[1]])
    expect(heading(page)).to_have_text(said["refused"])
    problems = page.locator("ul.import-problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text(said["record"])
    expect(problems.first).to_contain_text(said["unknown"])
    assert page.locator("img[src=x]").count() == 0
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    shots(page, f"import-refused-{locale}")

    page.go_back()
    page.goto(f"{live_server}/filing/{CYCLE}/c2#results-{ITEM}")
    expect(section.locator("tbody tr")).to_have_count(rows_before)  # nothing was saved
    choose(page, said, "export.json", records)
    expect(page.locator(".flash, .alert").filter(has_text=said["imported"])).to_be_visible()
    expect(section.locator("tbody tr")).to_have_count(rows_before + 2)
    shots(page, f"import-done-{locale}")
    for width, label in ((1280, "desktop"), (PHONE["width"], "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        section.screenshot(path=str(ARTIFACTS / f"import-section-{locale}-{label}.png"))
