"""Nothing of the demo may pass for real: `tracker demo` marks the database, and then every page
and every PDF says the data is fictional, in both languages; without the mark, nothing does."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.support.files import pdf_text
from tests.support.http import download
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo.services import DEMO_CYCLE_SLUG
from tracker.demomark import DemoMarker, is_demo, mark_demo
from tracker.reports.rendering import cycle_report_pdf
from tracker.reports.services import cycle_report

PAGES = [
    "/",
    "/companies/",
    "/companies/lanshan-intelligence",
    f"/cycles/{DEMO_CYCLE_SLUG}/",
    "/checklist/",
    "/ledger/",
    "/benchmarks/",
    "/about/",
]
BANNER = {"en": "Fictional demo data.", "zh": "虚构的演示数据。"}
ARTIFACTS = Path("test-artifacts")
PDF_MARK = {"en": "FICTIONAL DEMO DATA", "zh": "虚构的演示数据"}


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_demo_marks_every_public_page_in_both_languages(app, client, demo):
    with app.app_context():
        assert is_demo(db.session)
    for language, locale in (("en", "en"), ("zh", "zh_CN")):
        client.get(f"/language/{locale}")
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.get_data(as_text=True)
            assert html.count('class="demo-banner"') == 1, (path, language)
            assert BANNER[language] in html, (path, language)


def test_every_page_of_the_demo_pdfs_carries_the_marker(app, client, demo):
    for language in ("en", "zh"):
        pdf = download(
            client,
            f"/companies/lanshan-intelligence/report.pdf?cycle={DEMO_CYCLE_SLUG}&lang={language}",
        ).get_data()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"demo-company-{language}.pdf").write_bytes(pdf)  # looked at
        pages = pdf_text(pdf)
        assert len(pages) > 3
        for n, page in enumerate(pages, 1):
            assert squeeze(PDF_MARK[language]) in squeeze(page), (language, n)
        with app.test_request_context():
            cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
            aggregate = pdf_text(cycle_report_pdf(cycle_report(db.session, cycle), language).data)
        for n, page in enumerate(aggregate, 1):
            assert squeeze(PDF_MARK[language]) in squeeze(page), ("aggregate", language, n)


def test_without_the_mark_no_page_or_pdf_says_demo(app, client, accounts, filing_world):
    from tests.support.review import publish_first_version

    publish_first_version(app, accounts, filing_world)
    with app.app_context():
        assert not is_demo(db.session)
    for locale in ("en", "zh_CN"):
        client.get(f"/language/{locale}")
        for path in ("/", "/companies/", "/companies/company-a"):
            html = client.get(path).get_data(as_text=True)
            assert "demo-banner" not in html and BANNER["en"] not in html, path
            assert BANNER["zh"] not in html, path
    for language in ("en", "zh"):
        pdf = download(client, f"/companies/company-a/report.pdf?lang={language}").get_data()
        text = squeeze(" ".join(pdf_text(pdf)))
        assert squeeze(PDF_MARK["en"]) not in text and squeeze(PDF_MARK["zh"]) not in text


def test_marking_is_idempotent_and_read_once_per_process(app):
    with app.app_context():
        assert not is_demo(db.session)
        mark_demo(db.session)
        mark_demo(db.session)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DemoMarker)) == 1
        assert app.extensions["tracker.demo_data"] is True
