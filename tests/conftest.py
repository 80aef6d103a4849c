"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, plus the database,
the test accounts and the filing world. The helpers behind them live in ``tests/support/``.

The suite runs on SQLite by default; ``TRACKER_TEST_DATABASE=postgresql`` runs it on a
PostgreSQL database made for the run (see ``tests/support/app.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import settings

from tests.support.accounts import Accounts, create_accounts
from tests.support.app import (
    TEST_DATABASE,
    alliance_today,
    counting_queries,
    delete_all_rows,
    empty_database,
    make_app,
    migrate,
)
from tests.support.demo import DemoSnapshot, restore_demo, take_demo_snapshot
from tests.support.filing import create_filing_world
from tracker.db import db
from tracker.demo.services import DemoSummary, seed_demo

# Property-based tests (Hypothesis): the same examples on every run and no time limit per
# example, so that CI neither flakes on a slow machine nor writes an example database; the
# "explore" profile draws more examples, at random (HYPOTHESIS_PROFILE=explore).
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("explore", deadline=None, database=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header(config):
    return f"tracker test database: {TEST_DATABASE}"


# What a module must name to build a database of its own (and so depend on the kind under test)
# without the ``migrated_database`` fixture.
_OWN_DATABASE = ("empty_database", "postgres_database", "make_app", "TEST_DATABASE")


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use a database: the run on the other database ran the rest",
    )


def uses_database(item: pytest.Item) -> bool:
    """True when a test's outcome can depend on the database under test: it uses the run's
    database (the ``migrated_database`` fixture, through ``app`` and everything built on it), or
    its module builds databases of its own."""
    if "migrated_database" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    return module is None or any(name in vars(module) for name in _OWN_DATABASE)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if uses_database(item)]
    if len(kept) < len(items):
        dropped = [item for item in items if not uses_database(item)]
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Iterator[str]:
    """One database for the whole run, its schema built by the migrations."""
    tmp = tmp_path_factory.mktemp("db")
    with empty_database(tmp) as url:
        migrate(url, tmp / "instance")
        yield url


@pytest.fixture
def app(migrated_database, tmp_path) -> Iterator[Flask]:
    """The app on the run's database, every table emptied after the test."""
    app = make_app(migrated_database, tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        delete_all_rows()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    """An app context for the whole test, for tests that use the database directly.

    Requests made while it is pushed would share its ``g`` and database session, so tests that
    also make requests open short ``with app.app_context():`` blocks instead.
    """
    with app.app_context():
        yield app


@pytest.fixture(scope="session")
def demo_snapshot(migrated_database, tmp_path_factory) -> DemoSnapshot:
    """The demo data as ``tracker demo`` seeds it, seeded once per test process."""
    return take_demo_snapshot(migrated_database, tmp_path_factory.mktemp("demo") / "instance")


@pytest.fixture
def demo(app, demo_snapshot) -> DemoSummary:
    """The demo data, as ``tracker demo`` seeds it (restored from ``demo_snapshot``)."""
    return restore_demo(app, demo_snapshot)


@pytest.fixture
def fresh_demo(app) -> DemoSummary:
    """The demo data seeded within the test, for a test that watches the seeding itself (a spy
    set up before it); seconds slower than ``demo``."""
    with app.app_context():
        summary = seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
        db.session.commit()
    return summary


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter:`` counts the SQL statements run inside the block."""
    with app.app_context():
        engine = db.engine
    return lambda: counting_queries(engine)


@pytest.fixture
def accounts(app) -> Accounts:
    """Two companies, an officer of each, a staff member and an administrator."""
    with app.app_context():
        return create_accounts()


@pytest.fixture
def filing_world(app, accounts) -> dict:
    """An open cycle in which company A has a draft with one answer and one file (ids; see
    ``tests.support.filing.create_filing_world``)."""
    return create_filing_world(app, accounts)
