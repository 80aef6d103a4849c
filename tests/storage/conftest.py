"""The storage tests run every test against both backends: ``app`` here is the suite's app
with STORAGE=local and again with STORAGE=database (on the database under test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.support.app import delete_all_rows, make_app
from tracker.db import db


def _app_with(storage: str, database_url: str, tmp_path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance", STORAGE=storage)
    yield app
    with app.app_context():
        db.session.remove()
        delete_all_rows()
        db.engine.dispose()


@pytest.fixture(params=["local", "database"])
def app(request, migrated_database, tmp_path) -> Iterator[Flask]:
    """The app with the backend of the parameter, every table emptied after the test."""
    yield from _app_with(request.param, migrated_database, tmp_path)


@pytest.fixture
def database_app(migrated_database, tmp_path) -> Iterator[Flask]:
    """The app with STORAGE=database, for what only that backend does."""
    yield from _app_with("database", migrated_database, tmp_path)


@pytest.fixture
def local_app(migrated_database, tmp_path) -> Iterator[Flask]:
    """The app with STORAGE=local, for what only that backend does."""
    yield from _app_with("local", migrated_database, tmp_path)
