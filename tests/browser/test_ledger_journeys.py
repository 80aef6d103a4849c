"""A reader checks a published version: downloads its evidence bundle from the company page
and runs the offline verifier on it, as a separate process."""

import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from tests.support.app import ARTIFACTS, REPO_ROOT
from tests.support.browser import screenshot

COMPANY = "/companies/lanshan-intelligence"


def test_a_bundle_downloaded_from_a_company_page_verifies(page: Page, live_server, tmp_path):
    page.goto(live_server + COMPANY)
    record = page.locator("#record")
    expect(record.get_by_role("heading", name="Public record of this version")).to_be_visible()
    expect(record.get_by_text("Leaf hash (SHA-256)")).to_be_visible()
    expect(record.locator("code.hash-full").first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    record.scroll_into_view_if_needed()
    screenshot(page, "ledger-record-en")
    ARTIFACTS.mkdir(exist_ok=True)
    record.screenshot(path=str(ARTIFACTS / "ledger-record-en-box.png"))
    policy = page.request.get(live_server + "/ledger/policy")
    assert policy.ok
    (tmp_path / "policy.txt").write_bytes(policy.body())
    with page.expect_download() as waiting:
        record.get_by_role("link", name="bundle (zip)").first.click()
    download = waiting.value
    assert re.fullmatch(r"ledger-entry-\d+\.zip", download.suggested_filename)
    bundle = tmp_path / download.suggested_filename
    download.save_as(bundle)
    result = subprocess.run(
        [sys.executable, "-m", "tracker.verify", "bundle", str(bundle), "--policy",
         str(tmp_path / "policy.txt")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED: in the log as entry" in result.stdout


def test_the_record_and_the_ledger_page_in_chinese_and_on_a_phone(page: Page, live_server):
    page.goto(live_server + "/language/zh_CN?next=" + COMPANY)
    record = page.locator("#record")
    expect(record.get_by_role("heading", name="此版本的公开记录")).to_be_visible()
    record.scroll_into_view_if_needed()
    screenshot(page, "ledger-record-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + COMPANY)
    # Nothing wider than the phone: the full hashes wrap.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(page, "ledger-record-zh-phone")
    record.screenshot(path=str(ARTIFACTS / "ledger-record-zh-phone-box.png"))
    page.goto(live_server + "/ledger/")
    expect(page.get_by_role("heading", name="如何核验一份报告")).to_be_visible()
    screenshot(page, "ledger-page-zh-phone")
    page.goto(live_server + "/language/en?next=/ledger/")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Current checkpoint")).to_be_visible()
    expect(page.locator("pre.command").first).to_contain_text("/ledger/verify.py")
    screenshot(page, "ledger-page-en")
