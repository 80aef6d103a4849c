"""A report that is not ready yet: 503 with Retry-After, and for a person a page in their
language that says so, refreshes itself and links to the same download. A company PDF missing at
its download is queued for the background job, not rendered in the request."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.support.http import download
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.domain.languages import ZH
from tracker.i18n import LANGUAGE_COOKIE
from tracker.ledger.models import Publication
from tracker.reports.jobs import ReportJobs
from tracker.reports.models import StoredReport

CYCLE_REPORT = "/cycles/test-cycle/report.pdf?lang=en"
COMPANY_REPORT = "/companies/company-a/report.pdf?lang=en"


def test_the_aggregate_not_ready_is_a_page_that_retries(app, client, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    response = download(client, CYCLE_REPORT)  # REPORT_JOBS is "off" in tests: never built
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    # It tries again by itself through its script, which the reader can stop (no meta refresh).
    assert 'http-equiv="refresh"' not in page
    assert 'data-retry-seconds="30"' in page and "/static/js/retry.js" in page
    assert "being built from the latest publications" in page
    assert "This page tries again by itself in 30 seconds." in page
    assert re.search(
        r'<a class="button primary" href="/cycles/test-cycle/report.pdf\?lang=en" data-retry-link>'
        r"Try again now</a>",
        page,
    )


def test_the_page_reads_in_chinese(app, client, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    client.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    page = download(client, "/cycles/test-cycle/report.pdf?lang=zh").get_data(as_text=True)
    assert "本页面将在 30 秒后自动重试。" in page
    assert "立即重试" in page
    assert 'href="/cycles/test-cycle/report.pdf?lang=zh"' in page


def test_a_script_gets_json(app, client, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    response = download(client, CYCLE_REPORT, headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]["code"] == "reports.not_ready"


def test_a_company_pdf_not_rendered_yet_is_queued_not_rendered_in_the_request(
    app, client, filing_world, monkeypatch
):
    publish_as_is(app, filing_world["disclosure_a"])
    app.config["REPORT_JOBS"] = "thread"
    asked: list[tuple[str, int]] = []
    monkeypatch.setattr(ReportJobs, "_ask", lambda self, job: asked.append(job))
    response = download(client, COMPANY_REPORT)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "This report is being prepared from the published version." in page
    assert f'href="{COMPANY_REPORT}"' in page
    with app.app_context():
        publication_id = db.session.scalar(sa.select(Publication.id))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 0
    assert asked == [("publication", publication_id)]
    # Once the job has run, the same address serves the PDF.
    monkeypatch.undo()
    app.config["REPORT_JOBS"] = "inline"
    ready = download(client, COMPANY_REPORT)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"


def test_a_company_pdf_for_a_script_not_ready_is_json(app, client, filing_world, monkeypatch):
    publish_as_is(app, filing_world["disclosure_a"])
    app.config["REPORT_JOBS"] = "thread"
    monkeypatch.setattr(ReportJobs, "_ask", lambda self, job: None)
    response = download(client, COMPANY_REPORT, headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "reports.company_not_ready"
