"""``tracker demo`` prepares its reports: after set-up every published version of the demo's
companies has its PDF stored in both languages and each cycle its aggregate, so that the first
download reads a file; without a font for Chinese it says what to install and goes on.

The renderer is replaced by one that returns a tiny PDF at once (the real one takes seconds a
report; tests/reports render real ones): what is tested here is which reports the demo
prepares, that they are stored and recorded as publication stores them, and that downloads
then serve them without rendering."""

import pytest
import sqlalchemy as sa

from tests.support.app import DEMO_ARGS
from tests.support.http import download
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo import content
from tracker.domain.ledger import EntryKind
from tracker.ledger.models import LedgerEntry, Publication
from tracker.ledger.services import verify_ledger
from tracker.reports import fonts
from tracker.reports import services as reports
from tracker.reports.models import StoredCycleReport, StoredReport
from tracker.reports.pdf import RenderedPdf

ARGS = [a for a in DEMO_ARGS if a != "--no-reports"] + ["--no-witnesses"]


@pytest.fixture
def rendered(monkeypatch):
    """Every render, by kind: a distinct tiny PDF each (their hashes must differ)."""
    made: list[str] = []

    def fake(kind):
        def render(report, language):
            made.append(kind)
            return RenderedPdf(f"%PDF-1.7 {kind} {len(made)} {language}".encode(), 1)

        return render

    monkeypatch.setattr(reports, "company_report_pdf", fake("company"))
    monkeypatch.setattr(reports, "cycle_report_pdf", fake("cycle"))
    return made


def test_set_up_stores_every_demo_report_and_downloads_read_them(runner, app, rendered):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert "Reports: 48 company PDFs and 4 aggregate PDFs prepared in " in result.output
    assert rendered.count("company") == 48 and rendered.count("cycle") == 4
    with app.app_context():
        publications = db.session.scalars(sa.select(Publication)).all()
        assert len(publications) == 24  # 10 + 13 + the correction
        stored = db.session.scalars(sa.select(StoredReport)).all()
        assert {(s.publication_id, s.language) for s in stored} == {
            (p.id, language) for p in publications for language in ("en", "zh")
        }
        cycles = db.session.scalars(sa.select(Cycle)).all()
        aggregates = db.session.scalars(sa.select(StoredCycleReport)).all()
        assert {(a.cycle_id, a.language) for a in aggregates} == {
            (c.id, language) for c in cycles for language in ("en", "zh")
        }
        for cycle in cycles:  # the aggregate of each cycle's current head, the one served
            assert reports.stored_cycle_report(db.session, cycle, "zh") is not None
        # Each company PDF is recorded in the ledger, as publication records it.
        recorded = db.session.scalar(
            sa.select(sa.func.count()).select_from(LedgerEntry).filter_by(kind=EntryKind.REPORT)
        )
        assert recorded == 48
        assert verify_ledger(db.session)[1] is None
    made = len(rendered)
    client = app.test_client()
    slug = content.companies()[0].slug
    for url in (
        f"/companies/{slug}/report.pdf?lang=zh",
        f"/companies/{slug}/report.pdf?lang=en&cycle=2024-annual",
        "/cycles/2025-annual/report.pdf?lang=zh",
        "/cycles/2024-annual/report.pdf?lang=en",
    ):
        response = download(client, url)
        assert response.status_code == 200, url
        assert response.get_data().startswith(b"%PDF-1.7 ")
    assert len(rendered) == made  # served from the store: nothing rendered on the way

    again = runner.invoke(args=ARGS)
    assert again.exit_code == 0, again.output
    assert "Reports: 0 company PDFs and 0 aggregate PDFs" in again.output
    assert "(52 were stored already)" in again.output
    assert len(rendered) == made


def test_generated_signatories_reports_are_left_to_their_first_download(runner, app, rendered):
    result = runner.invoke(args=[*ARGS, "--signatories", "30"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        own = {c.slug for c in content.companies()}
        stored_for = set(
            db.session.scalars(
                sa.select(Company.slug)
                .join(Publication, Publication.company_id == Company.id)
                .join(StoredReport, StoredReport.publication_id == Publication.id)
            )
        )
        assert stored_for == {
            slug
            for slug in db.session.scalars(
                sa.select(Company.slug).join(Publication, Publication.company_id == Company.id)
            )
            if slug in own
        }


def test_without_a_chinese_font_set_up_says_what_to_install_and_finishes(
    runner, app, rendered, monkeypatch
):
    monkeypatch.setattr(fonts, "fonts_for", lambda language: 0)
    monkeypatch.setattr(fonts, "_known_present", fonts.threading.Event())
    # The fake renderer draws nothing: refuse as the real one does, before rendering.
    real = reports.company_report_pdf

    def refusing(report, language):
        fonts.require_fonts_for("<p>人工智能</p>")
        return real(report, language)

    monkeypatch.setattr(reports, "company_report_pdf", refusing)
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert "Reports: not prepared: no font for Chinese is installed" in result.output
    assert "apt-get install fonts-noto-cjk" in result.output
    assert "Sign in at /sign-in" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 0
