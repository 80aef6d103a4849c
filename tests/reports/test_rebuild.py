"""``tracker reports rebuild``: a stored report whose file is gone or damaged is rendered again
and stored as a new row (the old one kept, the new recorded in the ledger), or put back under
its hash when the rendering comes out the same; on both storage backends."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.support.app import delete_all_rows, make_app
from tests.support.review import publish_as_is
from tests.support.tamper import behind_the_back
from tracker.db import db
from tracker.domain.ledger import EntryKind
from tracker.ledger.models import LedgerEntry, Publication
from tracker.reports import services
from tracker.reports.models import StoredCycleReport, StoredReport
from tracker.reports.pdf import RenderedPdf
from tracker.storage.services import REPORTS, blobs

COMPANY_URL = "/companies/company-a/report.pdf?cycle=test-cycle&version=1&lang=en"
CYCLE_URL = "/cycles/test-cycle/report.pdf?lang=en"


@pytest.fixture(params=["local", "database"])
def app(request, migrated_database, tmp_path) -> Iterator[Flask]:
    """The suite's app on each storage backend, every table emptied after the test."""
    app = make_app(migrated_database, tmp_path / "instance", STORAGE=request.param)
    yield app
    with app.app_context():
        db.session.remove()
        delete_all_rows()
        db.engine.dispose()


def store_reports(app, filing_world, aggregate: bool = True) -> dict[str, str]:
    """Publish company A and store its English report (and the cycle's English aggregate)."""
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication))
        shas = {
            "company": services.render_published(
                db.session, publication, "en", blobs(REPORTS)
            ).sha256
        }
        if aggregate:
            cycle = publication.cycle
            shas["aggregate"] = services.render_cycle(
                db.session, cycle, "en", blobs(REPORTS)
            ).sha256
        db.session.commit()
    return shas


def lose(app, sha256: str) -> None:
    with app.app_context():
        blobs(REPORTS).delete(sha256)
        db.session.commit()


def damage(app, sha256: str) -> None:
    """Change bytes of the stored file behind the store's back (a disk or a row gone bad)."""
    with app.app_context():
        store = blobs(REPORTS)
        path = store.local_path(sha256)
        if path is not None:
            data = bytearray(path.read_bytes())
            data[200:210] = b"XXXXXXXXXX"
            path.write_bytes(bytes(data))
        else:
            behind_the_back(
                "UPDATE blob_chunks SET data = :data WHERE seq = 0 AND blob_id = "
                "(SELECT id FROM blobs WHERE namespace = 'reports' AND sha256 = :sha)",
                data=b"%PDF-1.7 damaged",
                sha=sha256,
            )
        assert services.blob_problem(store, sha256) == "damaged"


def rows(app, model) -> list[tuple[int, str, str | None]]:
    with app.app_context():
        return [
            (r.generation, r.sha256, r.rebuilt_because)
            for r in db.session.scalars(sa.select(model).order_by(model.id))
        ]


def report_entries(app) -> list[str | None]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(LedgerEntry.document_sha256)
                .where(LedgerEntry.kind == EntryKind.REPORT)
                .order_by(LedgerEntry.sequence)
            )
        )


def rebuild(app, *args: str):
    return app.test_cli_runner().invoke(args=["reports", "rebuild", *args])


def verify_ledger(app) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def test_missing_reports_rendered_the_same_are_restored_under_their_hash(
    app, accounts, filing_world
):
    """WeasyPrint's PDFs carry no creation time: the same data, fonts and code render the same
    bytes, which go back under the same hash (no new row, no new ledger entry)."""
    shas = store_reports(app, filing_world)
    lose(app, shas["company"])
    lose(app, shas["aggregate"])
    entries = report_entries(app)

    dry = rebuild(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "missing  company-a-test-cycle-v1-en.pdf" in dry.output
    assert "missing  test-cycle-aggregate-1-en.pdf" in dry.output
    assert "Dry run: 2 stored reports would be rebuilt; nothing written." in dry.output
    assert app.test_client().get(COMPANY_URL).status_code == 404  # still gone
    with app.app_context():
        assert not blobs(REPORTS).exists(shas["company"])

    result = rebuild(app)
    assert result.exit_code == 0, result.output
    assert "restored company-a-test-cycle-v1-en.pdf: the same bytes" in result.output
    assert "0 reports rebuilt as new, 2 restored under their hash." in result.output
    assert rows(app, StoredReport) == [(1, shas["company"], None)]
    assert rows(app, StoredCycleReport) == [(1, shas["aggregate"], None)]
    assert report_entries(app) == entries
    verify_ledger(app)
    client = app.test_client()
    for url, sha in ((COMPANY_URL, shas["company"]), (CYCLE_URL, shas["aggregate"])):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["ETag"] == f'"{sha}"'
        response.close()
    again = rebuild(app)
    assert again.exit_code == 0
    assert "Every stored report is in the report store and sound: nothing to do." in again.output


def test_a_damaged_report_rendered_the_same_replaces_the_damaged_bytes(app, accounts, filing_world):
    shas = store_reports(app, filing_world, aggregate=False)
    damage(app, shas["company"])
    result = rebuild(app, "--cycle", "test-cycle")
    assert result.exit_code == 0, result.output
    assert "damaged  company-a-test-cycle-v1-en.pdf" in result.output
    assert "1 restored under their hash" in result.output
    assert rows(app, StoredReport) == [(1, shas["company"], None)]
    with app.app_context():
        assert services.blob_problem(blobs(REPORTS), shas["company"]) is None
    verify_ledger(app)


@pytest.fixture
def new_renderer(monkeypatch):
    """Rendering that no longer gives the stored bytes (another WeasyPrint, other fonts)."""

    def changed(real):
        def render(report, language):
            pdf = real(report, language)
            return RenderedPdf(pdf.data + b"\n% rendered by a newer tracker\n", pdf.pages)

        return render

    def switch() -> None:
        monkeypatch.setattr(services, "company_report_pdf", changed(services.company_report_pdf))
        monkeypatch.setattr(services, "cycle_report_pdf", changed(services.cycle_report_pdf))

    return switch


def test_a_different_rendering_is_stored_as_a_new_row_and_recorded(
    app, accounts, filing_world, new_renderer
):
    shas = store_reports(app, filing_world)
    new_renderer()
    lose(app, shas["company"])
    damage(app, shas["aggregate"])
    entries = report_entries(app)

    dry = rebuild(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert rows(app, StoredReport) == [(1, shas["company"], None)]
    assert report_entries(app) == entries

    result = rebuild(app)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "2 reports rebuilt as new, 0 restored under their hash, recorded in the ledger." in (
        result.output
    )
    company = rows(app, StoredReport)
    assert company[0] == (1, shas["company"], None)  # the old row is kept
    assert company[1][0] == 2 and company[1][2] == "missing"
    new_company = company[1][1]
    assert new_company != shas["company"]
    aggregate = rows(app, StoredCycleReport)
    assert aggregate[0] == (1, shas["aggregate"], None)
    assert aggregate[1][0] == 2 and aggregate[1][2] == "damaged"
    # The new company PDF is recorded in the ledger beside the old entry; the chain holds.
    assert report_entries(app) == [*entries, new_company]
    verify_ledger(app)

    client = app.test_client()
    for url, sha in ((COMPANY_URL, new_company), (CYCLE_URL, aggregate[1][1])):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["ETag"] == f'"{sha}"'
        assert response.data.startswith(b"%PDF")
        response.close()
    # The evidence bundle holds the new PDF, once, with its own entry.
    bundle = client.get("/ledger/bundle/1.zip")
    assert bundle.status_code == 200
    members = zipfile.ZipFile(io.BytesIO(bundle.data))
    assert [n for n in members.namelist() if n.endswith(".pdf")] == ["report-en.pdf"]
    with app.app_context(), blobs(REPORTS).open(new_company) as stored:
        assert members.read("report-en.pdf") == stored.read()

    again = rebuild(app)
    assert again.exit_code == 0
    assert "nothing to do" in again.output
    assert len(rows(app, StoredReport)) == 2


def test_nothing_to_do_and_an_unknown_cycle(app, accounts, filing_world):
    result = rebuild(app)
    assert result.exit_code == 0
    assert "nothing to do" in result.output
    result = rebuild(app, "--cycle", "nope")
    assert result.exit_code == 2
    assert "no cycle 'nope' (known: test-cycle)" in result.output


def test_export_points_to_rebuild_and_survives_a_damaged_blob(
    app, accounts, filing_world, tmp_path
):
    shas = store_reports(app, filing_world, aggregate=False)
    lose(app, shas["company"])
    out = tmp_path / "out"
    args = ["reports", "export", "--cycle", "test-cycle", "--out", str(out), "--lang", "en"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "tracker reports rebuild --cycle test-cycle" in result.output
    assert not Path(out / "company-a-test-cycle-v1-en.pdf").exists()
