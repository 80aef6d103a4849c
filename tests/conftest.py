"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, plus the database.

The suite runs on SQLite by default. With ``TRACKER_TEST_DATABASE=postgresql`` it creates a
database with a random name on the PostgreSQL server at ``TRACKER_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), builds the schema with the migrations, and
drops the database at the end. A server that cannot be reached fails the run: nothing is skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tracker import create_app
from tracker.db import db

TEST_DATABASE = os.environ.get("TRACKER_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"


def pytest_report_header(config):
    return f"tracker test database: {TEST_DATABASE}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration of the block; its URL is yielded."""
    name = f"tracker_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the kind under test."""
    if TEST_DATABASE == "postgresql":
        with postgres_database() as url:
            yield url
    elif TEST_DATABASE == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    else:
        raise pytest.UsageError(f"TRACKER_TEST_DATABASE must be sqlite or postgresql, "
                                f"not {TEST_DATABASE!r}")


def make_app(database_url: str, instance_path: Path, **extra) -> Flask:
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(instance_path),
        **extra,
    })


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Iterator[str]:
    """One database for the whole run, its schema built by the migrations."""
    tmp = tmp_path_factory.mktemp("db")
    with empty_database(tmp) as url:
        app = make_app(url, tmp / "instance")
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture
def app(migrated_database, tmp_path) -> Iterator[Flask]:
    app = make_app(migrated_database, tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        _delete_all_rows()
        db.engine.dispose()


def _delete_all_rows() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def demo(app_ctx):
    """The demo data, seeded as ``tracker demo`` does."""
    from tracker.demo.services import seed_demo

    summary = seed_demo(db.session, app_ctx.extensions["tracker.checklist_files"], date.today())
    db.session.commit()
    return summary


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app_ctx):
    """``with count_queries() as counter:`` counts the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting
