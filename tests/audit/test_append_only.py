"""History cannot be rewritten: the session refuses to change or delete append-only records,
and the database itself refuses UPDATE and DELETE on the audit trail."""

import pytest
import sqlalchemy as sa

from tests.support.review import publish_as_is
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.db import AppendOnlyViolation, db
from tracker.filing.models import ResponseRevision, Transition
from tracker.ledger.models import LedgerEntry, Publication


@pytest.fixture
def history(app, accounts, filing_world):
    """An audit event, a publication with its ledger entry and transition, and a revision."""
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        record(db.session, None, "test.event", "test", 1, {"a": 1})
        revision = ResponseRevision(
            response_id=filing_world["response_a"], version=1, before={}, after={"status": "met"}
        )
        db.session.add(revision)
        db.session.commit()


CHANGES = [
    (AuditEvent, "action", "test.rewritten"),
    (Publication, "snapshot_sha256", "0" * 64),
    (LedgerEntry, "published_at", "2020-01-01T00:00:00Z"),
    (Transition, "reason", "made up"),
    (ResponseRevision, "after", {"status": "not_met"}),
]


@pytest.mark.parametrize(
    ("model", "field", "value"), CHANGES, ids=[m.__name__ for m, _, _ in CHANGES]
)
def test_the_session_refuses_to_change_or_delete_history(app, history, model, field, value):
    with app.app_context():
        row = db.session.scalars(sa.select(model)).first()
        before = getattr(row, field)
        setattr(row, field, value)
        with pytest.raises(AppendOnlyViolation, match="cannot be changed"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(sa.select(model)).first())
        with pytest.raises(AppendOnlyViolation, match="cannot be deleted"):
            db.session.flush()
        db.session.rollback()
        assert getattr(db.session.scalars(sa.select(model)).first(), field) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'rewritten'",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_to_change_the_audit_trail(app, history, statement):
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == count
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "rewritten")
            )
            == 0
        )


def test_adding_history_still_works(app, history):
    with app.app_context():
        record(db.session, None, "test.second", "test", 2)
        db.session.commit()
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action.like("test.%"))
            )
            == 2
        )
