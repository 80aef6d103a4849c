"""Cycle administration happens once: two administrators opening, closing or extending at the
same moment, both having seen the old state; one does it, the other is told who did."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.app import alliance_today
from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, count_rows, race
from tracker.audit.models import AuditEvent
from tracker.cycles import services
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import db, utcnow
from tracker.filing.models import Disclosure, DueDateExtension
from tracker.outbox.models import OutboxMessage
from tracker.review.mail import officers_of

TODAY = alliance_today()
NAMES = {"admin": "Admin", "admin2": "Admin Two"}


@pytest.fixture
def people(app, accounts) -> dict[str, int]:
    return accounts.ids | add_colleagues(app, accounts.ids["company_a"])


@pytest.fixture
def cycle_id(app, people) -> int:
    """A planned cycle on the 2024 checklist."""
    from tracker.checklists.services import load_checklist

    with app.app_context():
        loaded = next(
            c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2024.1"
        )
        cycle = Cycle(
            slug="race-cycle",
            name_en="Race cycle",
            name_zh="竞速周期",
            checklist_version=load_checklist(db.session, loaded).version,
            opens_on=TODAY,
            due_on=TODAY + timedelta(days=30),
            closes_on=TODAY + timedelta(days=60),
        )
        db.session.add(cycle)
        db.session.commit()
        return cycle.id


def admins(app, people):
    clients = [client_as(app, people, who) for who in ("admin", "admin2")]
    return clients, [csrf_token(c, "/admin/cycles/") for c in clients]


def posting(client, token: str, url: str, form: dict | None = None):
    return lambda: client.post(url, data=(form or {}) | {"csrf_token": token})


def n(app, statement) -> int:
    return count_rows(app, statement)


def events(app, action: str) -> int:
    return n(app, sa.select(sa.func.count()).select_from(AuditEvent).filter_by(action=action))


def winner_name(outcome) -> str:
    [winner] = outcome.winners()
    return NAMES[("admin", "admin2")[outcome.responses.index(winner)]]


def test_opening_twice_at_once_opens_once(app, people, cycle_id, monkeypatch):
    clients, tokens = admins(app, people)
    url = f"/admin/cycles/{cycle_id}/open"
    outcome = race(
        monkeypatch,
        services,
        "_claim_phase",
        *(posting(c, t, url) for c, t in zip(clients, tokens, strict=True)),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 409]
    [loser] = outcome.losers()
    page = loser.get_data(as_text=True)
    assert "The cycle was already opened at " in page
    assert f"by {winner_name(outcome)}." in page
    assert events(app, "cycle.open") == 1
    disclosures = n(
        app, sa.select(sa.func.count()).select_from(Disclosure).filter_by(cycle_id=cycle_id)
    )
    assert disclosures == 2  # one per confirmed signatory, not two
    with app.app_context():
        officers = len(officers_of(db.session, people["company_a"])) + len(
            officers_of(db.session, people["company_b"])
        )
        mails = db.session.scalars(
            sa.select(OutboxMessage.recipient).filter_by(kind="cycle_opened")
        ).all()
        assert len(mails) == officers == len(set(mails))
        assert db.session.get(Cycle, cycle_id).phase is CyclePhase.OPEN


def test_closing_twice_at_once_closes_once(app, people, cycle_id, monkeypatch):
    with app.app_context():
        db.session.get(Cycle, cycle_id).opened_at = utcnow()
        db.session.commit()
    clients, tokens = admins(app, people)
    url = f"/admin/cycles/{cycle_id}/close"
    outcome = race(
        monkeypatch,
        services,
        "_claim_phase",
        *(posting(c, t, url) for c, t in zip(clients, tokens, strict=True)),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 409]
    [loser] = outcome.losers()
    page = loser.get_data(as_text=True)
    assert "The cycle was already closed at " in page
    assert f"by {winner_name(outcome)}." in page
    assert events(app, "cycle.close") == 1


def test_opening_an_opened_cycle_again_says_who_opened_it(app, people, cycle_id):
    clients, tokens = admins(app, people)
    url = f"/admin/cycles/{cycle_id}/open"
    assert posting(clients[1], tokens[1], url)().status_code == 303
    again = posting(clients[0], tokens[0], url)()
    assert again.status_code == 409
    assert "The cycle was already opened at " in again.get_data(as_text=True)
    assert "by Admin Two." in again.get_data(as_text=True)
    assert events(app, "cycle.open") == 1


def test_two_extensions_at_once_keep_one_history(app, people, cycle_id, monkeypatch):
    with app.app_context():
        db.session.get(Cycle, cycle_id).opened_at = utcnow()
        disclosure = Disclosure(
            company_id=people["company_a"],
            cycle_id=cycle_id,
            checklist_version_id=db.session.get(Cycle, cycle_id).checklist_version_id,
        )
        db.session.add(disclosure)
        db.session.commit()
        disclosure_id = disclosure.id
    clients, tokens = admins(app, people)
    url = f"/admin/cycles/{cycle_id}/extensions/{disclosure_id}"
    dates = [(TODAY + timedelta(days=days)).isoformat() for days in (40, 45)]
    outcome = race(
        monkeypatch,
        services,
        "_claim_due_date",
        *(
            posting(c, t, url, {f"d{disclosure_id}-due_on": d, f"d{disclosure_id}-reason": "Why."})
            for c, t, d in zip(clients, tokens, dates, strict=True)
        ),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 409]
    [winner] = outcome.winners()
    [loser] = outcome.losers()
    won = dates[outcome.responses.index(winner)]
    assert "due date meanwhile: it is now" in loser.get_data(as_text=True)
    assert f"({winner_name(outcome)})" in loser.get_data(as_text=True)
    with app.app_context():
        [extension] = db.session.scalars(sa.select(DueDateExtension)).all()
        assert extension.due_on.isoformat() == won
        assert db.session.get(Disclosure, disclosure_id).due_on.isoformat() == won
    assert events(app, "disclosure.extend_due_date") == 1


def test_two_cycles_with_one_short_name_at_once_make_one(app, people, cycle_id, monkeypatch):
    clients, tokens = admins(app, people)
    with app.app_context():
        version_id = db.session.get(Cycle, cycle_id).checklist_version_id
    form = {
        "name_en": "2027 annual disclosure",
        "name_zh": "2027年度披露",
        "slug": "2027-annual",
        "checklist_version_id": str(version_id),
        "opens_on": (TODAY + timedelta(days=1)).isoformat(),
        "due_on": (TODAY + timedelta(days=60)).isoformat(),
        "closes_on": "",
    }
    outcome = race(
        monkeypatch,
        services,
        "_flush_unique_slug",
        *(posting(c, t, "/admin/cycles/new", form) for c, t in zip(clients, tokens, strict=True)),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 422]
    [refused] = outcome.losers()
    assert "Another cycle already uses this short name." in refused.get_data(as_text=True)
    assert n(app, sa.select(sa.func.count()).select_from(Cycle).filter_by(slug="2027-annual")) == 1
    assert events(app, "cycle.create") == 1
