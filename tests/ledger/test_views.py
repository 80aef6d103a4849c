"""The public ledger's files: every entry's leaf and every snapshot exactly as hashed."""

import hashlib

import pytest
import sqlalchemy as sa

from tracker.db import db
from tracker.ledger.models import LedgerEntry
from tracker.storage.services import REPORTS, blobs


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
    assert (
        client.get(
            "/ledger/snapshots/3.json", headers={"If-None-Match": snapshot.headers["ETag"]}
        ).status_code
        == 304
    )


def test_a_signed_in_reader_gets_the_same_bytes_uncached(app, demo):
    from tests.support.http import sign_in
    from tracker.demo.services import DEMO_PASSWORD

    anonymous, staff = app.test_client(), app.test_client()
    assert sign_in(staff, "staff@alliance.example", DEMO_PASSWORD).status_code == 302
    mine, theirs = anonymous.get("/ledger/entries/5"), staff.get("/ledger/entries/5")
    assert mine.data == theirs.data
    assert theirs.headers["Cache-Control"] == "private, no-cache"


# --- the log's files -----------------------------------------------------------------------------


def served_policy(client):
    from tracker.verify import parse_policy

    response = client.get("/ledger/policy")
    assert response.status_code == 200
    return parse_policy(response.data), response


def test_the_policy_is_served_as_published_with_its_fingerprint(client, app, demo):
    from tracker.ledger.policy import log_policy

    _policy, response = served_policy(client)
    assert response.content_type == "text/plain; charset=utf-8"
    with app.app_context():
        published = log_policy()
    assert response.data == published.data
    assert response.headers["ETag"] == f'"{published.fingerprint}"'
    assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get("/ledger/policy", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_checkpoint_verifies_under_the_published_policy(client, demo):
    from tracker.verify import verify_checkpoint

    policy, _response = served_policy(client)
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    # No policy file in the demo: the log alone, "quorum none", so every checkpoint counts.
    assert response.headers["Tracker-Checkpoint"] == "cosigned"
    checked = verify_checkpoint(response.data, policy)
    assert checked.checkpoint.size == 24
    assert client.get("/ledger/checkpoints/24").data == response.data
    assert "ETag" in response.headers


@pytest.mark.parametrize("size", ["0", "25", "2147483647", "2147483648", "x", "²"])
def test_a_checkpoint_never_signed_is_not_found(client, demo, size):
    assert client.get(f"/ledger/checkpoints/{size}").status_code == 404


def test_every_entry_has_a_proof_that_verifies(client, app, demo):
    from tracker.verify import leaf_hash, verify_tlog_proof

    policy, _response = served_policy(client)
    for sequence, _sha, leaf in demo_entries(app):
        response = client.get(f"/ledger/proof/{sequence}")
        assert response.status_code == 200, sequence
        assert response.mimetype == "text/plain"
        assert f'filename="entry-{sequence}.tlog-proof"' in response.headers["Content-Disposition"]
        inclusion = verify_tlog_proof(response.data, leaf_hash(leaf), policy)
        assert inclusion.index == sequence - 1
    assert client.get("/ledger/proof/0").status_code == 404
    assert client.get("/ledger/proof/25").status_code == 404


def test_the_verifier_is_served_as_the_file_of_the_project(client):
    from pathlib import Path

    import tracker.verify

    response = client.get("/ledger/verify.py")
    assert response.status_code == 200
    assert response.data == Path(tracker.verify.__file__).read_bytes()
    assert response.headers["Content-Disposition"] == 'attachment; filename="verify.py"'
    assert (
        client.get(
            "/ledger/verify.py", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


@pytest.fixture
def two_checkpoints(app, filing_world):
    """Company A published twice (a correction): checkpoints of sizes 1 and 2."""
    from tests.support.review import publish_as_is

    publish_as_is(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])
    return filing_world


def note_of(client, size: int):
    from tracker.verify import parse_checkpoint, parse_note

    return parse_checkpoint(parse_note(client.get(f"/ledger/checkpoints/{size}").data).text)


def test_consistency_proofs_prove_the_log_only_grew(client, two_checkpoints):
    from tracker.verify import parse_hash_lines, verify_consistency

    old, new = note_of(client, 1), note_of(client, 2)
    response = client.get("/ledger/consistency?from=1&to=2")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    hashes = parse_hash_lines(response.data)
    verify_consistency(1, 2, old.root, new.root, hashes)  # raises when it does not hold
    for query in ("from=2&to=2", "from=0&to=2", "from=0&to=0"):
        same = client.get(f"/ledger/consistency?{query}")
        assert same.status_code == 200 and same.data == b"", query


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=1",
        "to=2",
        "from=2&to=1",
        "from=1&to=3",
        "from=3&to=3",
        "from=x&to=2",
        "from=1&to=²",
        "from=-1&to=2",
        "from=1&to=99999999999999999999999",
        "from=%201&to=2",
    ],
)
def test_consistency_with_bad_or_unknown_sizes_is_a_400(client, two_checkpoints, query):
    response = client.get(f"/ledger/consistency?{query}")
    assert response.status_code == 400, query


def bundle_report(client, tmp_path, sequence: int):
    from tracker.verify import verify_bundle

    policy, response = served_policy(client)
    download = client.get(f"/ledger/bundle/{sequence}.zip")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    path = tmp_path / f"{sequence}.zip"
    path.write_bytes(download.data)
    return verify_bundle(str(path), policy, response.data), download


def test_a_bundle_verifies_and_holds_its_reports(client, app, two_checkpoints, tmp_path):
    import zipfile

    from tracker.ledger.models import Publication
    from tracker.reports.services import render_published

    with app.app_context():
        publication = db.session.scalar(sa.select(Publication).filter_by(version=2))
        render_published(db.session, publication, "en", blobs(REPORTS, app))
        db.session.commit()  # the report entry (3) and its checkpoint
    report, download = bundle_report(client, tmp_path, 2)
    assert report.passed, report.render()
    names = zipfile.ZipFile(tmp_path / "2.zip").namelist()
    assert names == [
        "snapshot.json",
        "entry.json",
        "entry.tlog-proof",
        "report-en.pdf",
        "report-en-entry.json",
        "report-en.tlog-proof",
        "checkpoint",
        "policy.txt",
        "README.txt",
    ]
    # The same bytes every time (a stable ETag), and 304 when unchanged.
    assert client.get("/ledger/bundle/2.zip").data == download.data
    etag = download.headers["ETag"]
    assert client.get("/ledger/bundle/2.zip", headers={"If-None-Match": etag}).status_code == 304
    # Version 1's bundle has no report; a report entry has no bundle of its own.
    assert bundle_report(client, tmp_path, 1)[0].passed
    assert client.get("/ledger/bundle/3.zip").status_code == 404
    assert client.get("/ledger/snapshots/3.json").status_code == 404
    assert client.get("/ledger/proof/3").status_code == 200
    html = client.get("/ledger/").get_data(as_text=True)
    assert "report (en) of entry 2" in html


@pytest.mark.parametrize(
    "url", ["/ledger/bundle/0.zip", "/ledger/bundle/9.zip", "/ledger/bundle/1"]
)
def test_unknown_bundles_are_not_found(client, two_checkpoints, url):
    assert client.get(url).status_code == 404


def test_the_company_page_names_the_record_of_the_version_shown(client, app, two_checkpoints):
    from tracker.ledger.keys import log_key
    from tracker.ledger.policy import log_policy

    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        first, second = entries
        vkey, key_id = log_key().verifier.vkey, log_key().verifier.key_id.hex()
        fingerprint = log_policy().fingerprint
    html = client.get("/companies/company-a").get_data(as_text=True)
    assert "Public record of this version" in html
    assert second.leaf_hash in html and first.leaf_hash not in html
    assert vkey in html and key_id in html and fingerprint in html
    for link in ("/ledger/snapshots/2.json", "/ledger/proof/2", "/ledger/bundle/2.zip"):
        assert f'href="{link}"' in html
    assert html.count('href="/ledger/bundle/2.zip"') == 3  # beside the snapshot and each PDF
    assert "recorded when first downloaded" in html  # no PDF stored yet
    older = client.get("/companies/company-a?version=1").get_data(as_text=True)
    assert first.leaf_hash in older and 'href="/ledger/bundle/1.zip"' in older
    chinese = client.get("/companies/company-a", headers={"Accept-Language": "zh-CN"})
    assert "此版本的公开记录" in chinese.get_data(as_text=True)


def test_the_ledger_page_shows_the_checkpoint_and_how_to_check(client, app, two_checkpoints):
    from tracker.verify import b64encode

    with app.app_context():
        root = db.session.get(__import__("tracker.ledger.models").ledger.models.Checkpoint, 2)
        root_b64 = b64encode(bytes.fromhex(root.root_hash))
    html = client.get("/ledger/").get_data(as_text=True)
    assert "Current checkpoint" in html and root_b64 in html
    assert "python verify.py bundle BUNDLE.zip --policy policy.txt" in html
    assert "curl -O http://localhost/ledger/verify.py" in html
    assert "verify.py monitor http://localhost --state" in html
    assert "The trust policy names no witness" in html


# --- with two witness processes ------------------------------------------------------------------


@pytest.fixture
def witnessed(app, filing_world, tmp_path):
    """Two witness processes on loopback in the log's policy, a quorum of both; company A
    published once (checkpoint 1, not cosigned yet)."""
    from pathlib import Path

    from tests.support.review import publish_as_is
    from tests.support.witness import Witness
    from tracker.domain.tlog import PolicyWitness, policy_text
    from tracker.ledger.keys import log_key

    key = log_key(app)
    spec = f"{key.name}={key.verifier.vkey}"
    started = [Witness.start(tmp_path / f"w{n}", f"w{n}.test/witness", [spec]) for n in (1, 2)]
    listed = [PolicyWitness(f"W{n}", w.vkey, w.url) for n, w in enumerate(started, 1)]
    Path(app.config["LEDGER_POLICY_FILE"]).write_text(policy_text(key.verifier.vkey, listed))
    publish_as_is(app, filing_world["disclosure_a"])
    yield started
    for witness in started:
        witness.stop()


def test_readers_get_cosigned_checkpoints_once_the_witnesses_cosigned(client, app, witnessed):
    from tracker.ledger.jobs import cosign_all
    from tracker.verify import verify_checkpoint

    signed = client.get("/ledger/checkpoint")
    assert signed.status_code == 200 and signed.headers["Tracker-Checkpoint"] == "signed"
    assert client.get("/ledger/proof/1").status_code == 404  # in no cosigned checkpoint yet
    assert client.get("/ledger/bundle/1.zip").status_code == 404
    assert client.get("/api/v1/ledger/checkpoint").get_json()["cosigned"] is False
    page = client.get("/ledger/").get_data(as_text=True)
    assert "not yet cosigned by a quorum of witnesses" in page
    assert page.count("not yet</td>") == 2  # W1 and W2
    with app.app_context():
        cosign_all(app)
    policy, _response = served_policy(client)
    cosigned = client.get("/ledger/checkpoint")
    assert cosigned.headers["Tracker-Checkpoint"] == "cosigned"
    assert set(verify_checkpoint(cosigned.data, policy).cosigners) == {"W1", "W2"}
    assert client.get("/ledger/proof/1").status_code == 200
    page = client.get("/ledger/").get_data(as_text=True)
    assert "cosigned by a quorum of witnesses no later than" in page
    assert page.count("yes, at") == 2 and "W1" in page and "W2" in page
    json = client.get("/api/v1/ledger/checkpoint").get_json()
    assert json["cosigned"] is True and {c["witness"] for c in json["cosignatures"]} == {"W1", "W2"}


def test_a_witnessed_bundle_verifies_with_the_verifier_as_a_process(
    client, app, witnessed, tmp_path
):
    import subprocess
    import sys

    from tests.support.app import REPO_ROOT
    from tracker.ledger.jobs import cosign_all

    with app.app_context():
        cosign_all(app)
    (tmp_path / "policy.txt").write_bytes(client.get("/ledger/policy").data)
    (tmp_path / "b.zip").write_bytes(client.get("/ledger/bundle/1.zip").data)
    args = ["bundle", str(tmp_path / "b.zip"), "--policy", str(tmp_path / "policy.txt")]
    result = subprocess.run(
        [sys.executable, "-m", "tracker.verify", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cosigned by 2 of 2 witnesses" in result.stdout
