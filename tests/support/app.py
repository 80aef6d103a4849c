"""The app under test and the database it runs on.

The suite runs on SQLite by default. With ``TRACKER_TEST_DATABASE=postgresql`` it uses a
database with a random name on the PostgreSQL server at ``TRACKER_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), dropped at the end. A server that cannot be
reached fails the run: nothing is skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tracker.app import create_app
from tracker.config import DEFAULTS
from tracker.db import db

TEST_DATABASE = os.environ.get("TRACKER_TEST_DATABASE", "sqlite")
# `tracker demo` as the demo tests run it: set up, not served, without the reports (a minute or
# more to render them: tests/demo/test_demo_reports.py has them), on the database under test.
DEMO_ARGS = ["demo", "--no-serve", "--no-reports"] + (
    ["--allow-any-database"] if TEST_DATABASE != "sqlite" else []
)
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"  # screenshots and other files a run leaves to look at


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration of the block; its URL is yielded."""
    name = f"tracker_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # Tests need no durability: commits that do not wait for the disk make the
        # PostgreSQL run about as fast as SQLite's.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the kind under test; its URL is yielded."""
    if TEST_DATABASE == "postgresql":
        with postgres_database() as url:
            yield url
    elif TEST_DATABASE == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    else:
        raise pytest.UsageError(
            f"TRACKER_TEST_DATABASE must be sqlite or postgresql, not {TEST_DATABASE!r}"
        )


def alliance_today() -> date:
    """Today in the alliance's calendar, as the app under test sees it (tracker.clock): tests
    that date cycles from it agree with the app whatever the server's zone and the hour."""
    return datetime.now(ZoneInfo(DEFAULTS["TIMEZONE"])).date()


def make_app(database_url: str, instance_path: Path, **extra) -> Flask:
    """The app configured for tests on ``database_url``; ``extra`` overrides configuration."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(instance_path),
            # Publishing renders two PDFs (about 2 s); tests of reports turn it back on.
            "RENDER_REPORTS_ON_PUBLISH": False,
            "REPORT_JOBS": "off",
            # Checkpoints reach witnesses only where a test starts some (tests/ledger).
            "LEDGER_COSIGN_JOBS": "off",
            # Every request re-reads the public generation: a test that changes the database
            # behind the app's back (another app, emptied tables) never sees a stale page.
            "PUBLIC_GENERATION_INTERVAL": 0,
            **extra,
        }
    )


def migrate(database_url: str, instance_path: Path) -> None:
    """Build the schema of an empty database with the migrations."""
    app = make_app(database_url, instance_path)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def delete_all_rows() -> None:
    """Empty every table (inside an app context), lifting the audit trail's append-only triggers
    for the purpose (PostgreSQL: for this transaction only; SQLite: dropped and made again)."""
    from tracker.audit.append_only import create_statements, drop_statements

    with db.engine.begin() as conn:
        dialect = conn.dialect.name
        if dialect == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            for statement in drop_statements(dialect):
                conn.execute(sa.text(statement))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if dialect != "postgresql":
            for statement in create_statements(dialect):
                conn.execute(sa.text(statement))


class QueryCounter:
    """A ``before_cursor_execute`` listener that keeps the SQL statements it sees."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        """How many statements were run."""
        return len(self.statements)


@contextmanager
def counting_queries(engine: sa.Engine) -> Iterator[QueryCounter]:
    """Count the SQL statements ``engine`` runs inside the block."""
    counter = QueryCounter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


def grow_roster(app, signatories: int) -> None:
    """The demo's data with its roster grown to ``signatories`` companies, as
    ``tracker demo --signatories`` makes it (generated fictional companies, most published)."""
    from tracker.demo.services import seed_demo

    with app.app_context():
        seed_demo(
            db.session, app.extensions["tracker.checklist_files"], alliance_today(), signatories
        )
        db.session.commit()


def latest_revision() -> str:
    """The newest migration's revision, from the files' names ("0031_rebuilt_reports.py"), so
    that tests naming the head need no edit when a migration is added."""
    return _revisions()[-1]


def previous_revision() -> str:
    """The migration before the newest one."""
    return _revisions()[-2]


def _revisions() -> list[str]:
    versions = REPO_ROOT / "tracker" / "migrations" / "versions"
    return sorted(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py"))
