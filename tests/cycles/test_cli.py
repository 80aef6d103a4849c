"""``tracker cycles list|open|close|reopen``: the same services as /admin/cycles, with an acting
administrator named by ``--as``; refusals exit 1 with their sentence, bad names exit 2."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.app import alliance_today
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import db, utcnow
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.outbox.models import OutboxMessage

TODAY = alliance_today()
ADMIN = "admin@test.example"


@pytest.fixture
def world(app, accounts, filing_world) -> dict:
    """The filing world's open cycle (company A has a draft) and a planned one."""
    with app.app_context():
        open_cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=filing_world["cycle"]))
        planned = Cycle(
            slug="next-cycle",
            name_en="Next cycle",
            name_zh="下一周期",
            checklist_version_id=open_cycle.checklist_version_id,
            opens_on=TODAY,
            due_on=TODAY + timedelta(days=30),
            closes_on=TODAY + timedelta(days=40),
        )
        db.session.add(planned)
        db.session.commit()
        ids = {"open_id": open_cycle.id, "planned_id": planned.id}
    app.config["BASE_URL"] = "https://tracker.example.org"
    return accounts.ids | filing_world | ids


def phase(app, cycle_id: int) -> CyclePhase:
    with app.app_context():
        return db.session.get(Cycle, cycle_id).phase


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent).filter_by(object_type="cycle", action=action)
        ).all()


def close(app, cycle_id: int) -> None:
    with app.app_context():
        db.session.get(Cycle, cycle_id).closed_at = utcnow()
        db.session.commit()


def test_list_shows_every_cycle_with_phase_dates_and_disclosures(runner, world):
    result = runner.invoke(args=["cycles", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["SLUG", "PHASE", "OPENS"]
    by_slug = {line.split()[0]: line for line in lines[1:]}
    assert by_slug["test-cycle"].split()[1] == "open"
    assert by_slug["test-cycle"].split()[5] == "1"  # company A's disclosure
    assert by_slug["test-cycle"].endswith("Test cycle")
    planned = by_slug["next-cycle"].split()
    assert planned[1:6] == [
        "planned",
        TODAY.isoformat(),
        (TODAY + timedelta(days=30)).isoformat(),
        (TODAY + timedelta(days=40)).isoformat(),
        "0",
    ]


def test_list_without_cycles_says_so(runner, app):
    result = runner.invoke(args=["cycles", "list"])
    assert result.exit_code == 0
    assert "No cycles yet" in result.output


def test_open_creates_disclosures_tells_officers_and_audits_the_actor(runner, app, world):
    result = runner.invoke(args=["cycles", "open", "next-cycle", "--as", ADMIN])
    assert result.exit_code == 0, result.output
    assert "Opened next-cycle: 2 companies got their disclosures; 2 officers" in result.output
    assert phase(app, world["planned_id"]) is CyclePhase.OPEN
    (event,) = events(app, "cycle.open")
    assert event.actor_id == world["admin"]
    with app.app_context():
        bodies = [m.body for m in db.session.scalars(sa.select(OutboxMessage))]
    assert len(bodies) == 2
    assert all("https://tracker.example.org/filing/next-cycle/" in body for body in bodies)


def test_open_without_a_public_base_url_writes_nothing(runner, app, world):
    app.config["BASE_URL"] = None
    result = runner.invoke(args=["cycles", "open", "next-cycle", "--as", ADMIN])
    assert result.exit_code == 2
    assert "TRACKER_BASE_URL" in result.output
    assert phase(app, world["planned_id"]) is CyclePhase.PLANNED


def test_opening_an_open_cycle_is_refused_with_exit_1(runner, app, world):
    result = runner.invoke(args=["cycles", "open", "test-cycle", "--as", ADMIN])
    assert result.exit_code == 1
    assert "Error: refused: The cycle was already opened at" in result.output
    assert "Traceback" not in result.output
    assert events(app, "cycle.open") == []


def test_close_shows_who_has_not_handed_in_and_asks(runner, app, world):
    result = runner.invoke(args=["cycles", "close", "test-cycle", "--as", ADMIN], input="n\n")
    assert result.exit_code == 1
    assert "1 companies have not handed their disclosures in (1 with answers started" in (
        result.output
    )
    assert "company-a" in result.output and "draft" in result.output
    assert "Close test-cycle? [y/N]" in result.output
    assert "Not closed." in result.output
    assert phase(app, world["open_id"]) is CyclePhase.OPEN

    result = runner.invoke(args=["cycles", "close", "test-cycle", "--as", ADMIN], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Closed test-cycle" in result.output
    assert phase(app, world["open_id"]) is CyclePhase.CLOSED
    (event,) = events(app, "cycle.close")
    assert event.actor_id == world["admin"]


def test_close_with_yes_asks_nothing_and_says_when_all_handed_in(runner, app, world):
    with app.app_context():
        db.session.get(Disclosure, world["disclosure_a"]).state = DisclosureState.SUBMITTED
        db.session.commit()
    result = runner.invoke(args=["cycles", "close", "test-cycle", "--as", ADMIN, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Every company has handed its disclosure in" in result.output
    assert "[y/N]" not in result.output
    assert phase(app, world["open_id"]) is CyclePhase.CLOSED


def test_closing_a_planned_or_closed_cycle_is_refused(runner, app, world):
    result = runner.invoke(args=["cycles", "close", "next-cycle", "--as", ADMIN, "--yes"])
    assert result.exit_code == 1
    assert "refused: Only a planned cycle can be opened, and only an open one closed." in (
        result.output
    )
    assert phase(app, world["planned_id"]) is CyclePhase.PLANNED

    close(app, world["open_id"])
    result = runner.invoke(args=["cycles", "close", "test-cycle", "--as", ADMIN, "--yes"])
    assert result.exit_code == 1
    assert "refused: The cycle was already closed at" in result.output
    assert events(app, "cycle.close") == []


def test_reopen_needs_a_reason_and_records_it(runner, app, world):
    close(app, world["open_id"])
    result = runner.invoke(args=["cycles", "reopen", "test-cycle", "--as", ADMIN])
    assert result.exit_code == 2
    assert "Missing option '--reason'" in result.output

    result = runner.invoke(
        args=["cycles", "reopen", "test-cycle", "--as", ADMIN, "--reason", "   "]
    )
    assert result.exit_code == 1
    assert "refused: Give a reason." in result.output
    assert phase(app, world["open_id"]) is CyclePhase.CLOSED

    result = runner.invoke(
        args=["cycles", "reopen", "test-cycle", "--as", ADMIN, "--reason", "Late filer"]
    )
    assert result.exit_code == 0, result.output
    assert "Reopened test-cycle" in result.output
    assert phase(app, world["open_id"]) is CyclePhase.OPEN
    (event,) = events(app, "cycle.reopen")
    assert event.actor_id == world["admin"]
    assert event.details["reason"] == "Late filer"


def test_reopening_a_cycle_that_is_not_closed_is_refused(runner, app, world):
    result = runner.invoke(
        args=["cycles", "reopen", "next-cycle", "--as", ADMIN, "--reason", "why not"]
    )
    assert result.exit_code == 1
    assert "refused: Only a closed cycle can be reopened." in result.output
    result = runner.invoke(
        args=["cycles", "reopen", "test-cycle", "--as", ADMIN, "--reason", "why not"]
    )
    assert result.exit_code == 1
    assert "refused: Only a closed cycle can be reopened." in result.output
    assert events(app, "cycle.reopen") == []


def test_an_unknown_cycle_is_a_usage_error_naming_the_known_ones(runner, world):
    for command in (["open"], ["close", "--yes"], ["reopen", "--reason", "r"]):
        result = runner.invoke(args=["cycles", command[0], "nope", "--as", ADMIN, *command[1:]])
        assert result.exit_code == 2, command
        assert "no cycle 'nope' (known: next-cycle, test-cycle)" in result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("nobody@test.example", "no account with the e-mail address nobody@test.example"),
        ("staff@test.example", "staff@test.example is not an active administrator"),
        ("officer_a@test.example", "officer_a@test.example is not an active administrator"),
    ],
)
def test_the_actor_must_be_an_active_administrator(runner, app, world, email, says):
    result = runner.invoke(args=["cycles", "open", "next-cycle", "--as", email])
    assert result.exit_code == 2
    assert says in result.output
    assert phase(app, world["planned_id"]) is CyclePhase.PLANNED


def test_a_deactivated_administrator_cannot_act(runner, app, world):
    with app.app_context():
        db.session.get(User, world["admin"]).is_active = False
        db.session.commit()
    result = runner.invoke(args=["cycles", "close", "test-cycle", "--as", "Admin@Test.example"])
    assert result.exit_code == 2
    assert "admin@test.example is not an active administrator" in result.output
    assert phase(app, world["open_id"]) is CyclePhase.OPEN


def test_the_actor_is_required(runner, world):
    result = runner.invoke(args=["cycles", "open", "next-cycle"])
    assert result.exit_code == 2
    assert "Missing option '--as'" in result.output
