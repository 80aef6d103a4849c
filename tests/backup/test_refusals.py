"""What a restore refuses: a damaged or mismatched archive, a target that holds anything. Each
refusal says what is wrong, exits 1 and leaves the target as it was (a failure after writing
began is rolled back, blobs included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.app import TEST_DATABASE, latest_revision, previous_revision
from tests.support.backup import (
    BLOB_DATA,
    blob_hashes,
    close,
    database_of,
    members,
    rewritten,
    row_counts,
    run,
    store_blobs,
    tables_in,
    target_app,
    write_archive,
)
from tracker.db import db
from tracker.storage.services import UPLOADS, blobs


@pytest.fixture
def archive(app, accounts, tmp_path):
    """A good backup of a small database with blobs in both namespaces."""
    store_blobs(app)
    path = tmp_path / "good.tar.gz"
    result = run(app, "backup", "--out", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def target(tmp_path):
    """An app on a new, empty database of the kind under test (not migrated), local storage."""
    with database_of(TEST_DATABASE, tmp_path / "target") as url:
        app = target_app(url, tmp_path / "target-instance", "local")
        yield app
        close(app)


def refused(target, path, *expected: str):
    """Restore ``path`` into ``target``: refused with every expected phrase, exit 1, no
    traceback, and the target holds no row and no blob."""
    result = run(target, "restore", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for phrase in expected:
        assert phrase in result.output, result.output
    assert "Nothing was restored." in result.output
    assert_empty(target)
    return result.output


def assert_empty(target):
    if tables_in(target):
        assert not {
            name: n for name, n in row_counts(target).items() if n and name != "public_generation"
        }
    assert blob_hashes(target) == {namespace: {} for namespace in blob_hashes(target)}


def test_the_good_archive_restores(target, archive):
    result = run(target, "restore", str(archive))
    assert result.exit_code == 0, result.output


def test_a_flipped_byte_in_a_table_file_is_named(target, archive, tmp_path):
    def flip(name, data):
        if name == "tables/users.jsonl":
            return data[:10] + bytes([data[10] ^ 1]) + data[11:]
        return data

    bad = rewritten(archive, tmp_path / "bad.tar.gz", flip)
    refused(target, bad, "tables/users.jsonl is damaged")
    assert tables_in(target) == []  # refused before the schema was made


def test_a_changed_blob_is_named(target, archive, tmp_path):
    def change(name, data):
        return data + b"!" if name.startswith("blobs/reports/") else data

    refused(
        target, rewritten(archive, tmp_path / "bad.tar.gz", change), "blobs/reports/", "damaged"
    )


def test_a_missing_blob_is_named(target, archive, tmp_path):
    gone = next(name for name, _ in members(archive) if name.startswith("blobs/uploads/"))
    bad = rewritten(archive, tmp_path / "bad.tar.gz", lambda n, d: None if n == gone else d)
    refused(target, bad, f"lacks {gone}")


def test_a_file_the_manifest_does_not_list_is_refused(target, archive, tmp_path):
    files = [*members(archive), ("tables/extra.jsonl", b"{}\n")]
    refused(target, write_archive(tmp_path / "bad.tar.gz", files), "tables/extra.jsonl", "not in")


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_a_truncated_archive_is_refused(target, archive, tmp_path, cut):
    data = archive.read_bytes()
    bad = tmp_path / "cut.tar.gz"
    bad.write_bytes(data[: int(len(data) * cut)])
    refused(target, bad, "damaged or no tracker backup")


def test_a_file_that_is_no_archive_is_refused(target, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a backup at all\n")
    refused(target, bad, "damaged or no tracker backup")


def test_an_archive_without_a_manifest_is_refused(target, archive, tmp_path):
    bad = rewritten(
        archive, tmp_path / "bad.tar.gz", lambda n, d: None if n == "manifest.json" else d
    )
    refused(target, bad, "has no manifest.json first")


@pytest.mark.parametrize(
    "garbage", [b"{not json", b"[]", b'{"format": "tracker-backup", "format_version": 1}']
)
def test_a_garbled_manifest_is_refused(target, archive, tmp_path, garbage):
    def garble(name, data):
        return garbage if name == "manifest.json" else data

    refused(target, rewritten(archive, tmp_path / "bad.tar.gz", garble), "manifest")


def test_an_archive_of_another_migration_revision_is_refused_naming_both(target, archive, tmp_path):
    def older(manifest):
        manifest["migration_revision"] = previous_revision()

    bad = rewritten(archive, tmp_path / "bad.tar.gz", lambda n, d: d, manifest=older)
    before, head = previous_revision(), latest_revision()
    refused(
        target, bad, f"revision {before}", f"end at {head}", f"tracker version of revision {before}"
    )


def test_a_newer_format_is_refused(target, archive, tmp_path):
    def newer(manifest):
        manifest["format_version"] = 2

    bad = rewritten(archive, tmp_path / "bad.tar.gz", lambda n, d: d, manifest=newer)
    refused(target, bad, "format version 2")


def test_a_target_database_with_rows_is_refused_naming_its_tables(app, archive):
    """The source itself: its users and companies hold rows."""
    before = row_counts(app)
    result = run(app, "restore", str(archive))
    assert result.exit_code == 1
    assert "the target database is not empty" in result.output
    assert "users" in result.output and "companies" in result.output
    assert row_counts(app) == before


def test_target_storage_with_a_blob_is_refused(target, archive):
    with target.app_context():
        blobs(UPLOADS).put(b"left behind")
        db.session.commit()
    result = run(target, "restore", str(archive))
    assert result.exit_code == 1
    assert "the target storage is not empty: the uploads store holds blobs" in result.output
    assert tables_in(target) == []


def test_a_failure_after_writing_began_is_rolled_back_blobs_included(target, archive, tmp_path):
    """Every file matches its hash, but the manifest's count for a table is wrong: found after
    the rows and blobs are written, and all of it is undone."""

    def miscount(manifest):
        for table in manifest["tables"]:
            if table["name"] == "users":
                table["rows"] += 1

    bad = rewritten(archive, tmp_path / "bad.tar.gz", lambda n, d: d, manifest=miscount)
    output = refused(target, bad, "rolled back", "tables/users.jsonl")
    assert "rows restored, the manifest says" in output
    assert "cycles" in tables_in(target)  # migrated, then emptied by the rollback
    local = target.config["UPLOAD_DIR"]
    assert BLOB_DATA[UPLOADS]  # the uploads were written, then removed
    assert not [p for p in Path(local).rglob("*") if p.is_file()]


def test_a_backup_never_overwrites_a_file(app, archive):
    before = archive.read_bytes()
    result = run(app, "backup", "--out", str(archive))
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert archive.read_bytes() == before


def test_a_manifest_names_its_revision_and_every_file(archive):
    manifest = json.loads(dict(members(archive))["manifest.json"])
    assert manifest["migration_revision"] == latest_revision()
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"])
