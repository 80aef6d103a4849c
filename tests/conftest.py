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
from tracker.db import db, utcnow

TEST_DATABASE = os.environ.get("TRACKER_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
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
        raise pytest.UsageError(
            f"TRACKER_TEST_DATABASE must be sqlite or postgresql, not {TEST_DATABASE!r}"
        )


def make_app(database_url: str, instance_path: Path, **extra) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(instance_path),
            # Publishing renders two PDFs (about 2 s); tests of reports turn it back on.
            "RENDER_REPORTS_ON_PUBLISH": False,
            "REPORT_JOBS": "off",
            **extra,
        }
    )


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
    """Empty every table for the next test, lifting the audit trail's append-only triggers for
    the purpose (PostgreSQL: for this transaction only; SQLite: dropped and made again)."""
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


@pytest.fixture
def demo(app):
    """The demo data, seeded as ``tracker demo`` does."""
    from tracker.demo.services import seed_demo

    with app.app_context():
        summary = seed_demo(db.session, app.extensions["tracker.checklist_files"], date.today())
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
def count_queries(app):
    """``with count_queries() as counter:`` counts the SQL statements run inside the block."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


# --- accounts -------------------------------------------------------------------------------

PASSWORD = "a long and unguessable test passphrase"
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    """One scrypt hash for every test account (hashing is slow on purpose)."""
    if not _PASSWORD_HASH:
        from tracker.auth.services import hash_password

        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


class Accounts:
    """Two companies, an officer of each, a staff member and an administrator (ids only)."""

    def __init__(self, ids: dict[str, int]):
        self.ids = ids

    def email(self, who: str) -> str:
        return f"{who}@test.example"


@pytest.fixture
def accounts(app) -> Accounts:
    with app.app_context():
        return _create_accounts()


def _create_accounts() -> Accounts:
    from tracker.auth.models import Role, User
    from tracker.companies.models import Company

    a = Company(
        slug="company-a",
        name_en="Company A",
        name_zh="甲公司",
        is_signatory=True,
        signatory_confirmed=True,
        signatory_source="test",
    )
    b = Company(
        slug="company-b",
        name_en="Company B",
        name_zh="乙公司",
        is_signatory=True,
        signatory_confirmed=True,
        signatory_source="test",
    )
    people = {
        "officer_a": User(
            email="officer_a@test.example", display_name="Officer A", role=Role.OFFICER, company=a
        ),
        "officer_b": User(
            email="officer_b@test.example", display_name="Officer B", role=Role.OFFICER, company=b
        ),
        "staff": User(email="staff@test.example", display_name="Staff", role=Role.STAFF),
        "admin": User(email="admin@test.example", display_name="Admin", role=Role.ADMIN),
    }
    for user in people.values():
        user.password_hash = password_hash()
    db.session.add_all([a, b, *people.values()])
    db.session.commit()
    ids = {name: user.id for name, user in people.items()}
    ids |= {"company_a": a.id, "company_b": b.id}
    return Accounts(ids)


def csrf_token(client, url: str = "/sign-in") -> str:
    """The CSRF token of the client's session, read from a form as a browser would."""
    import re

    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the form; returns the response (302 on success)."""
    token = csrf_token(client)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def outbox_link(app, recipient: str, path: str) -> str:
    """The path of the link in the newest outbox message to ``recipient``."""
    import re

    import sqlalchemy as sa

    from tracker.outbox.models import OutboxMessage

    with app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .filter_by(recipient=recipient)
            .order_by(OutboxMessage.id.desc())
        )
    assert body, f"no message to {recipient}"
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[\w\-]+)", body)
    assert match, body
    return match.group(1)


# --- filing ---------------------------------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def filing_world(app, accounts) -> dict:
    """An open cycle on the 2024 checklist; company A has answered c1.safety-team and attached
    a PNG to it. Returns ids: cycle (its slug), disclosure_a, response_a, attachment."""
    import io
    from datetime import timedelta

    from tracker.checklists.services import load_checklist
    from tracker.cycles.models import Cycle
    from tracker.disclosures.models import Attachment, Disclosure, ItemResponse
    from tracker.disclosures.storage import store_upload
    from tracker.domain.statuses import Status
    from tracker.domain.workflow import DisclosureState

    with app.app_context():
        loaded = next(
            c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2024.1"
        )
        version = load_checklist(db.session, loaded).version
        today = date.today()
        cycle = Cycle(
            slug="test-cycle",
            name_en="Test cycle",
            name_zh="测试周期",
            checklist_version=version,
            opens_on=today - timedelta(days=10),
            due_on=today + timedelta(days=10),
            opened_at=utcnow(),
        )
        disclosure = Disclosure(
            company_id=accounts.ids["company_a"],
            cycle=cycle,
            checklist_version=version,
            state=DisclosureState.DRAFT,
        )
        response = ItemResponse(
            disclosure=disclosure,
            item_id="c1.safety-team",
            status=Status.MET,
            narrative="We have a team.",
            confidential_note="SECRET-NOTE-OF-A",
            evidence_links=[],
            structured={},
            updated_by_id=accounts.ids["officer_a"],
        )
        stored = store_upload(
            io.BytesIO(PNG), "chart.png", app.config["UPLOAD_DIR"], 10_000, ("png",)
        )
        attachment = Attachment(
            disclosure=disclosure,
            item_id="c1.safety-team",
            filename=stored.filename,
            file_type=stored.file_type,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        db.session.add_all([cycle, disclosure, response, attachment])
        db.session.commit()
        return {
            "cycle": cycle.slug,
            "disclosure_a": disclosure.id,
            "response_a": response.id,
            "attachment": attachment.id,
        }


def publish_as_is(app, disclosure_id: int) -> int:
    """Publish a disclosure's current answers as review would (state set to accepted first, as
    if staff had accepted them); returns the new version number."""
    from tracker.disclosures.models import Disclosure
    from tracker.domain.workflow import DisclosureState
    from tracker.publication.services import publish

    with app.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        disclosure.state = DisclosureState.ACCEPTED
        publication = publish(db.session, None, disclosure, utcnow())
        db.session.commit()
        return publication.version
