"""Two app processes with instance folders of their own on one PostgreSQL database: with
STORAGE=database what one stored the other serves; with STORAGE=local it cannot (a 404 that
says so, not a 500). Real processes, a real PostgreSQL (always: this is its purpose)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import create_accounts
from tests.support.app import make_app, migrate, postgres_database
from tests.support.app_server import AppServer
from tests.support.filing import create_filing_world
from tests.support.review import publish_as_is
from tracker.db import db

URL = "/companies/company-a/report.pdf?cycle=test-cycle&version=1"


@pytest.fixture
def shared_database(tmp_path) -> Iterator[str]:
    """A PostgreSQL database with company A's disclosure published (no report stored yet)."""
    with postgres_database() as url:
        migrate(url, tmp_path / "setup")
        app = make_app(url, tmp_path / "setup", LEDGER_KEY_FILE=str(tmp_path / "ledger.key"))
        with app.app_context():
            accounts = create_accounts()
        publish_as_is(app, create_filing_world(app, accounts)["disclosure_a"])
        with app.app_context():
            db.engine.dispose()
        yield url


def host(tmp_path: Path, name: str, url: str, storage: str) -> AppServer:
    """An app process with its own instance folder, on the shared database."""
    instance = tmp_path / name
    instance.mkdir()
    return AppServer.start(
        {
            "TRACKER_DATABASE_URL": url,
            "TRACKER_INSTANCE_PATH": str(instance),
            "TRACKER_STORAGE": storage,
            "TRACKER_SECRET_KEY": "two-hosts-secret",
            "TRACKER_LEDGER_KEY": str(tmp_path / "ledger.key"),  # one log: one key
            "TRACKER_LEDGER_COSIGN_JOBS": "off",
        },
        tmp_path / f"{name}.log",
    )


def stored_by(server: AppServer) -> tuple[dict[str, str], bytes]:
    """Ask until the process's background job has rendered and stored the report."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status, headers, body = server.get(URL)
        if status == 200:
            return headers, body
        assert status == 503, (status, body[:500])  # "being prepared", and only that
        time.sleep(0.5)
    raise AssertionError("host A never stored the report")


@pytest.mark.parametrize("storage", ["database", "local"])
def test_a_second_host_serves_what_the_first_stored_only_with_database_storage(
    shared_database, tmp_path, storage
):
    first = host(tmp_path, "a", shared_database, storage)
    try:
        headers, pdf = stored_by(first)
    finally:
        first.stop()
    assert pdf.startswith(b"%PDF")
    second = host(tmp_path, "b", shared_database, storage)  # started after: A is gone
    try:
        status, served_headers, body = second.get(URL)
    finally:
        second.stop()
    assert not any((tmp_path / "b" / "reports").glob("*/*.pdf"))  # B rendered nothing itself
    if storage == "database":
        assert status == 200
        assert body == pdf  # the very bytes (a new rendering would carry another time)
        assert served_headers["ETag"] == headers["ETag"]
    else:
        assert status == 404
        assert b"not stored on this server" in body
        assert b"Traceback" not in body
