"""The administrator's job page in Chromium, with the real Redis and a real ``tracker worker``:
a failed job found through the Administration menu, its reason read, retried with the button and
gone from the failed list once the worker ran it; in both languages, on a desktop and a phone,
with axe's checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.support.browser import AXE_RULES, PHONE, assert_fits, flash, screenshot, serving, sign_in
from tests.support.jobs import FLAKY, REDIS_URL, Worker, forget_prefix, new_prefix, wait_for
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo.services import DEMO_ADMIN, DEMO_CYCLE_SLUG
from tracker.jobs import services
from tracker.reports.jobs import jobs as report_jobs


@pytest.fixture
def queued_server(app, demo, tmp_path) -> Iterator[tuple[str, Path]]:
    """The demo served with the job queue on (a prefix of its own), a failed job and the
    current cycle's aggregates handed to a running worker; yields the URL and the file whose
    absence fails the job."""
    prefix = new_prefix()
    app.config.update(REDIS_URL=REDIS_URL, JOBS_PREFIX=prefix, REPORT_JOBS="thread")
    cause = tmp_path / "cause"
    worker = None
    try:
        assert services.enqueue(app, FLAKY, ("journey",), str(cause)) is not None
        with app.app_context():
            cycle_id = db.session.scalar(sa.select(Cycle.id).filter_by(slug=DEMO_CYCLE_SLUG))
            report_jobs(app).build_cycle(cycle_id)
        worker = Worker.start(app, tmp_path / "worker", "journey")
        wait_for(lambda: services.failed_count(app) == 1, 60, "the job to fail")
        with serving(app) as url:
            yield url, cause
    finally:
        if worker is not None:
            worker.stop()
        forget_prefix(prefix)


def test_an_administrator_retries_a_failed_job_from_the_page(page: Page, queued_server):
    url, cause = queued_server
    sign_in(page, url, DEMO_ADMIN)
    page.goto(url + "/admin/cycles/")
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Jobs").click()
    expect(page.get_by_role("heading", level=1, name="Jobs")).to_be_visible()
    for state in ("Running", "Queued", "Waiting for a retry", "Failed"):
        expect(page.get_by_role("heading", level=2, name=re.compile(rf"^{state} \(\d+\)$")))
    failed = page.locator("section", has=page.get_by_role("heading", name="Failed (1)"))
    row = failed.get_by_role("row").filter(has_text="test.flaky")
    expect(row).to_contain_text("FileNotFoundError: the file cause is missing")
    expect(failed).not_to_contain_text("Traceback")
    screenshot(page, "jobs-failed-desktop-en")

    cause.write_text("fixed")  # what made it fail is mended; the administrator retries it
    row.get_by_role("button", name="Retry").click()
    expect(flash(page)).to_contain_text("The job is queued again.")
    expect(page).to_have_url(url + "/admin/jobs/")

    def failed_list_empty() -> bool:
        page.reload()
        return page.get_by_role("heading", name="Failed (0)").count() == 1

    wait_for(failed_list_empty, 60, "the retried job to leave the failed list")
    failed = page.locator("section", has=page.get_by_role("heading", name="Failed (0)"))
    expect(failed).to_contain_text("None.")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_job_page_reads_on_a_phone_in_both_languages(page: Page, queued_server, language):
    from axe_playwright_python.sync_playwright import Axe

    url, _cause = queued_server
    sign_in(page, url, DEMO_ADMIN)
    page.set_viewport_size(PHONE)
    page.goto(f"{url}/language/{language}?next=/admin/jobs/")
    title = "Jobs" if language == "en" else "任务队列"
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    failed = "Failed (1)" if language == "en" else "失败 (1)"
    section = page.locator("section", has=page.get_by_role("heading", name=failed))
    expect(
        section.get_by_role("button", name="Retry" if language == "en" else "重试")
    ).to_be_visible()
    if language == "zh":
        expect(page.locator("main")).not_to_contain_text("发送失败")  # the outbox's word
    assert_fits(page, PHONE["width"], f"/admin/jobs/ ({language})")
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, f"jobs-phone-{language}")
