"""A backup restored is the database it was: every row, every blob, a ledger that verifies —
on the database under test, and across SQLite and PostgreSQL both ways."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile

from tests.support.app import REPO_ROOT, TEST_DATABASE, latest_revision
from tests.support.backup import (
    blob_hashes,
    close,
    database_of,
    row_counts,
    run,
    store_blobs,
    table_contents,
    target_app,
)
from tracker.db import db

OTHER = "sqlite" if TEST_DATABASE == "postgresql" else "postgresql"


def backup(app, path):
    result = run(app, "backup", "--out", str(path))
    assert result.exit_code == 0, result.output
    assert f"Backup written to {path}" in result.output
    return path


def restore(app, path):
    result = run(app, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    return result


def assert_same(source, target):
    assert row_counts(target) == row_counts(source) or _only_blob_tables_differ(source, target)
    assert table_contents(target) == table_contents(source)
    assert blob_hashes(target) == blob_hashes(source)
    verified = run(target, "ledger", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("ledger ok: ")


def _only_blob_tables_differ(source, target) -> bool:
    """Blobs move between backends: the blob tables' counts follow the target's STORAGE."""
    a, b = row_counts(source), row_counts(target)
    return {k: v for k, v in a.items() if not k.startswith("blob")} == {
        k: v for k, v in b.items() if not k.startswith("blob")
    }


def test_the_archive_holds_a_manifest_every_table_and_every_blob(app, demo, tmp_path):
    stored = store_blobs(app)
    path = backup(app, tmp_path / "backup.tar.gz")
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[0] == "manifest.json"
    assert manifest["format"] == "tracker-backup" and manifest["format_version"] == 1
    assert manifest["migration_revision"] == latest_revision()
    assert manifest["app_version"]
    counts = row_counts(app)
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: rows for name, rows in counts.items() if name not in ("blobs", "blob_chunks")
    }
    assert counts["ledger_entries"] > 0 and counts["audit_events"] > 0
    assert {(b["namespace"], b["sha256"]) for b in manifest["blobs"]} == {
        (namespace, sha) for namespace, hashes in stored.items() for sha in hashes
    }
    assert {f"tables/{t['name']}.jsonl" for t in manifest["tables"]} <= set(names)


def test_a_round_trip_on_the_database_under_test_moves_blobs_to_the_database(app, demo, tmp_path):
    store_blobs(app)
    path = backup(app, tmp_path / "backup.tar.gz")
    with database_of(TEST_DATABASE, tmp_path / "target") as url:
        target = target_app(url, tmp_path / "target-instance", "database", key_from=app)
        restore(target, path)
        assert_same(app, target)
        close(target)


def test_sqlite_and_postgresql_round_trips_both_ways(app, demo, tmp_path):
    """The run's database → the other kind (local storage → database storage) → the run's kind
    again (→ local storage): each copy equals the original."""
    store_blobs(app)
    first = backup(app, tmp_path / "first.tar.gz")
    with database_of(OTHER, tmp_path / "other") as other_url:
        other = target_app(other_url, tmp_path / "other-instance", "database", key_from=app)
        restore(other, first)
        assert_same(app, other)
        second = backup(other, tmp_path / "second.tar.gz")
        close(other)
    with database_of(TEST_DATABASE, tmp_path / "back") as back_url:
        back = target_app(back_url, tmp_path / "back-instance", "local", key_from=app)
        restore(back, second)
        assert_same(app, back)
        close(back)


def test_the_restored_database_takes_new_rows(app, accounts, tmp_path):
    """Keys went in as they were; PostgreSQL's sequences were moved past them."""
    from tracker.auth.models import Role, User

    path = backup(app, tmp_path / "backup.tar.gz")
    with database_of(TEST_DATABASE, tmp_path / "target") as url:
        target = target_app(url, tmp_path / "target-instance", "local")
        restore(target, path)
        with target.app_context():
            largest = db.session.query(db.func.max(User.id)).scalar()
            user = User(email="new@alliance.example", display_name="New", role=Role.STAFF)
            db.session.add(user)
            db.session.commit()
            assert user.id > largest
        close(target)


def test_backup_and_restore_as_real_commands(app, accounts, tmp_path):
    """End to end, as an operator runs them: two processes of the installed command."""
    store_blobs(app)
    path = tmp_path / "backup.tar.gz"
    env = {
        "PATH": "/usr/bin:/bin",
        "TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRACKER_INSTANCE_PATH": app.instance_path,
        "TRACKER_SECRET_KEY": "test-secret-key",
        "PYTHONPATH": str(REPO_ROOT),
    }
    command = [sys.executable, "-c", "from tracker.cli import main; main()"]
    made = subprocess.run(
        [*command, "backup", "--out", str(path)], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    assert "Backup written" in made.stdout
    again = subprocess.run(
        [*command, "backup", "--out", str(path)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 1
    assert "exists already" in again.stderr and "Traceback" not in again.stderr
    with database_of(TEST_DATABASE, tmp_path / "target") as url:
        target_env = {
            **env,
            "TRACKER_DATABASE_URL": url,
            "TRACKER_INSTANCE_PATH": str(tmp_path / "target-instance"),
            "TRACKER_STORAGE": "database",
        }
        restored = subprocess.run(
            [*command, "restore", str(path)], env=target_env, capture_output=True, text=True
        )
        assert restored.returncode == 0, restored.stderr
        assert "Restored" in restored.stdout
        target = target_app(url, tmp_path / "target-instance", "database")
        assert blob_hashes(target) == blob_hashes(app)
        assert table_contents(target) == table_contents(app)
        close(target)


def test_a_backup_is_one_moment_of_a_database_being_written(app, accounts, tmp_path):
    """A user added (and committed) while the dump is reading its first table is in neither
    the archive's rows nor its counts: the dump reads one snapshot."""
    import sqlalchemy as sa

    from tracker.auth.models import Role, User
    from tracker.backup.services import archived_tables

    with app.app_context():
        first = archived_tables(db.metadata)[0].name
        engine = db.engine
        before = db.session.query(User).count()
    assert first != "users"
    added = []

    def write_meanwhile(conn, cursor, statement, parameters, context, executemany):
        if added or f"FROM {first}" not in statement:
            return
        added.append(True)
        with sa.orm.Session(engine) as other:
            other.add(User(email="meanwhile@alliance.example", display_name="M", role=Role.STAFF))
            other.commit()

    sa.event.listen(sa.Engine, "after_cursor_execute", write_meanwhile)
    try:
        path = backup(app, tmp_path / "backup.tar.gz")
    finally:
        sa.event.remove(sa.Engine, "after_cursor_execute", write_meanwhile)
    assert added
    with app.app_context():
        assert db.session.query(User).count() == before + 1
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        users = tar.extractfile("tables/users.jsonl").read()  # type: ignore[union-attr]
    assert {t["name"]: t["rows"] for t in manifest["tables"]}["users"] == before
    assert b"meanwhile@alliance.example" not in users
