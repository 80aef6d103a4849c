"""The public ledger's files: every entry's leaf and every snapshot exactly as hashed."""

import hashlib

import pytest
import sqlalchemy as sa

from tracker.db import db
from tracker.ledger.models import LedgerEntry


def demo_entries(app) -> list[tuple[int, str, bytes]]:
    """(sequence, snapshot_sha256, leaf data) of every demo entry."""
    with app.app_context():
        rows = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        return [(e.sequence, e.snapshot_sha256, e.to_entry().leaf_data()) for e in rows]


def test_every_snapshot_downloads_as_the_bytes_its_entry_hashed(client, app, demo):
    entries = demo_entries(app)
    assert len(entries) == 24
    for sequence, snapshot_sha256, _leaf in entries:
        response = client.get(f"/ledger/snapshots/{sequence}.json")
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert hashlib.sha256(response.data).hexdigest() == snapshot_sha256, sequence
        assert f'filename="snapshot-{sequence}.json"' in response.headers["Content-Disposition"]


def test_every_entry_downloads_as_its_leaf_data(client, app, demo):
    for sequence, _sha, leaf in demo_entries(app):
        response = client.get(f"/ledger/entries/{sequence}")
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.data == leaf, sequence


@pytest.mark.parametrize(
    "url",
    [
        "/ledger/entries/0",
        "/ledger/entries/25",
        "/ledger/entries/2147483648",
        "/ledger/entries/x",
        "/ledger/entries/-1",
        "/ledger/entries/%C2%B2",
        "/ledger/snapshots/0.json",
        "/ledger/snapshots/25.json",
        "/ledger/snapshots/99999999999999999999.json",
        "/ledger/snapshots/1",
        "/ledger/snapshots/1.JSON",
    ],
)
def test_unknown_sequences_are_not_found(client, demo, url):
    assert client.get(url).status_code == 404


def test_the_files_are_cached_and_revalidated_like_public_pages(client, demo):
    first = client.get("/ledger/entries/3")
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    etag = first.headers["ETag"]
    assert etag == f'"{hashlib.sha256(first.data).hexdigest()}"'
    again = client.get("/ledger/entries/3", headers={"If-None-Match": etag})
    assert again.status_code == 304
    snapshot = client.get("/ledger/snapshots/3.json")
    assert snapshot.headers["ETag"] == f'"{hashlib.sha256(snapshot.data).hexdigest()}"'
    assert client.get("/ledger/snapshots/3.json", headers={"If-None-Match": snapshot.headers["ETag"]}).status_code == 304


def test_a_signed_in_reader_gets_the_same_bytes_uncached(app, demo):
    from tests.support.http import sign_in
    from tracker.demo.services import DEMO_PASSWORD

    anonymous, staff = app.test_client(), app.test_client()
    assert sign_in(staff, "staff@alliance.example", DEMO_PASSWORD).status_code == 302
    mine, theirs = anonymous.get("/ledger/entries/5"), staff.get("/ledger/entries/5")
    assert mine.data == theirs.data
    assert theirs.headers["Cache-Control"] == "private, no-cache"
