"""Uploads, report downloads, evidence bundles and exports through the store, on both
backends: the same bytes and headers as before, and a clear 404 when a blob is not kept."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa

from tests.support.files import PNG
from tests.support.filing import commitment_url, upload
from tests.support.http import sign_in
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.filing.models import Attachment
from tracker.ledger.models import Publication
from tracker.reports.models import StoredReport
from tracker.reports.services import render_published
from tracker.storage.services import REPORTS, UPLOADS, blobs

ITEM = "c1.safety-team"
BIGGER_PNG = PNG + b"\0" * 4096  # still a PNG by its signature, other bytes than the world's


def officer(app, accounts):
    client = app.test_client()
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    return client


def files_outside_incoming(folder: str) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file() and "incoming" not in p.parts]


def test_an_upload_is_kept_and_downloads_as_it_was_sent(app, accounts, filing_world):
    client = officer(app, accounts)
    response = upload(client, ITEM, "bigger chart.png", BIGGER_PNG)
    assert response.status_code == 303
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment).filter_by(filename="bigger chart.png"))
        assert attachment.sha256 == hashlib.sha256(BIGGER_PNG).hexdigest()
        assert blobs(UPLOADS).exists(attachment.sha256)
        attachment_id = attachment.id
    if app.config["STORAGE"] == "database":  # nothing of it on this host's disk
        assert files_outside_incoming(app.config["UPLOAD_DIR"]) == []
        assert list((Path(app.config["UPLOAD_DIR"]) / "incoming").iterdir()) == []
    download = client.get(f"/filing/attachments/{attachment_id}")
    assert download.status_code == 200
    assert download.data == BIGGER_PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Length"] == str(len(BIGGER_PNG))
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''bigger%20chart.png"
    )
    download.close()


def test_a_refused_upload_leaves_nothing(app, accounts, filing_world):
    client = officer(app, accounts)
    response = upload(client, ITEM, "chart.pdf", BIGGER_PNG)  # the name disagrees
    assert response.status_code == 422
    with app.app_context():
        assert not blobs(UPLOADS).exists(hashlib.sha256(BIGGER_PNG).hexdigest())
    assert client.get(commitment_url(ITEM)).status_code == 200


def test_an_attachment_whose_blob_is_gone_is_a_404_that_says_so(app, accounts, filing_world):
    with app.app_context():
        attachment = db.session.get(Attachment, filing_world["attachment"])
        blobs(UPLOADS).delete(attachment.sha256)
        db.session.commit()
    client = officer(app, accounts)
    response = client.get(f"/filing/attachments/{filing_world['attachment']}")
    assert response.status_code == 404
    assert "not stored on this server" in response.get_data(as_text=True)


def stored_report(app, filing_world) -> tuple[str, bytes]:
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication))
        stored = render_published(db.session, publication, "en", blobs(REPORTS))
        db.session.commit()
        with blobs(REPORTS).open(stored.sha256) as pdf:
            return stored.sha256, pdf.read()


URL = "/companies/company-a/report.pdf?cycle=test-cycle&version=1"


def test_a_stored_report_downloads_with_its_tag_ranges_and_revalidation(
    app, accounts, filing_world
):
    sha256, pdf = stored_report(app, filing_world)
    assert pdf.startswith(b"%PDF")
    client = app.test_client()
    response = client.get(URL)
    assert response.status_code == 200
    assert response.data == pdf
    assert response.headers["ETag"] == f'"{sha256}"'
    assert response.headers["Content-Length"] == str(len(pdf))
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    response.close()
    again = client.get(URL, headers={"If-None-Match": f'"{sha256}"'})
    assert again.status_code == 304
    assert again.data == b""
    again.close()
    part = client.get(URL, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == pdf[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(pdf)}"
    part.close()


def test_a_report_whose_blob_is_gone_is_a_404_not_a_500(app, accounts, filing_world):
    sha256, _pdf = stored_report(app, filing_world)
    with app.app_context():
        blobs(REPORTS).delete(sha256)
        db.session.commit()
    response = app.test_client().get(URL)
    assert response.status_code == 404
    assert "not stored on this server" in response.get_data(as_text=True)


def test_reports_export_copies_from_the_store_and_names_what_is_gone(
    app, accounts, filing_world, tmp_path
):
    sha256, pdf = stored_report(app, filing_world)
    out = tmp_path / "out"
    args = ["reports", "export", "--cycle", "test-cycle", "--out", str(out), "--lang", "en"]
    runner = app.test_cli_runner()
    assert runner.invoke(args=args).exit_code == 0
    assert (out / "company-a-test-cycle-v1-en.pdf").read_bytes() == pdf
    with app.app_context():
        blobs(REPORTS).delete(sha256)
        db.session.commit()
        where = blobs(REPORTS).describe(sha256)
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"company-a-test-cycle-v1-en.pdf: {where} (SHA-256 {sha256})" in result.output


def test_an_evidence_bundle_holds_the_stored_report(app, accounts, filing_world):
    sha256, pdf = stored_report(app, filing_world)
    with app.app_context():
        assert db.session.scalar(sa.select(StoredReport.sha256)) == sha256
    response = app.test_client().get("/ledger/bundle/1.zip")
    assert response.status_code == 200, response.status_code
    members = zipfile.ZipFile(BytesIO(response.data))
    assert members.read("report-en.pdf") == pdf
