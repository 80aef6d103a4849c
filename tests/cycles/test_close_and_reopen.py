"""Closing a cycle goes through a page that names what it cuts short; a closed cycle can be
reopened by an administrator, with a reason that the audit trail keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.app import alliance_today
from tests.support.filing import commitment_url, post_item
from tests.support.http import client_as, csrf_token, post
from tests.support.race import add_colleagues, race
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.cycles import services
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import db, utcnow
from tracker.domain.languages import ZH
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.i18n import LANGUAGE_COOKIE

TODAY = alliance_today()


@pytest.fixture
def world(app, accounts, filing_world) -> dict:
    """The filing world's open cycle (company A has a draft), with company B not started and
    an extended due date, plus a second administrator."""
    with app.app_context():
        a = db.session.get(Disclosure, filing_world["disclosure_a"])
        b = Disclosure(
            company_id=accounts.ids["company_b"],
            cycle_id=a.cycle_id,
            checklist_version_id=a.checklist_version_id,
            state=DisclosureState.NOT_STARTED,
            due_on=TODAY + timedelta(days=20),
        )
        db.session.add(b)
        db.session.commit()
        ids = {"cycle_id": a.cycle_id, "disclosure_b": b.id}
    return accounts.ids | add_colleagues(app, accounts.ids["company_a"]) | filing_world | ids


def phase(app, cycle_id: int) -> CyclePhase:
    with app.app_context():
        return db.session.get(Cycle, cycle_id).phase


def cycle_events(app, cycle_id: int, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent).filter_by(object_type="cycle", object_id=cycle_id, action=action)
        ).all()


def close(app, cycle_id: int) -> None:
    with app.app_context():
        db.session.get(Cycle, cycle_id).closed_at = utcnow()
        db.session.commit()


def test_the_close_button_leads_to_a_page_that_names_what_closing_cuts_short(app, world):
    admin = client_as(app, world, "admin")
    detail = admin.get(f"/admin/cycles/{world['cycle_id']}").get_data(as_text=True)
    confirm_url = f"/admin/cycles/{world['cycle_id']}/close"
    assert f'href="{confirm_url}"' in detail  # a link, not a form that closes
    page = admin.get(confirm_url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Close Test cycle?" in text
    assert "2 companies have not handed their disclosures in" in text
    assert "Company A" in text and "Company B" in text
    assert "Draft" in text and "Not started" in text
    assert "(extended)" in text  # company B's own due date
    assert "2 of them still have days left" in text
    assert phase(app, world["cycle_id"]) is CyclePhase.OPEN  # looking changes nothing
    assert cycle_events(app, world["cycle_id"], "cycle.close") == []


def test_the_close_page_says_so_when_everyone_handed_in(app, world):
    with app.app_context():
        for key in ("disclosure_a", "disclosure_b"):
            db.session.get(Disclosure, world[key]).state = DisclosureState.SUBMITTED
        db.session.commit()
    admin = client_as(app, world, "admin")
    text = admin.get(f"/admin/cycles/{world['cycle_id']}/close").get_data(as_text=True)
    assert "Every company has handed its disclosure in." in text
    assert "have not handed" not in text


def test_the_close_page_reads_in_chinese(app, world):
    admin = client_as(app, world, "admin")
    admin.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    text = admin.get(f"/admin/cycles/{world['cycle_id']}/close").get_data(as_text=True)
    assert "关闭测试周期？" in text
    assert "2 家公司尚未提交披露" in text


def test_closing_from_the_page_closes_and_a_closed_cycle_has_no_close_page(app, world):
    admin = client_as(app, world, "admin")
    url = f"/admin/cycles/{world['cycle_id']}/close"
    page = admin.get(url).get_data(as_text=True)
    assert f'action="{url}"' in page
    closed = post(admin, url)
    assert closed.status_code == 303
    assert phase(app, world["cycle_id"]) is CyclePhase.CLOSED
    again = admin.get(url)
    assert again.status_code == 409
    assert "only an open one closed" in again.get_data(as_text=True)


def test_reopening_needs_a_reason_and_records_it(app, world):
    close(app, world["cycle_id"])
    admin = client_as(app, world, "admin")
    url = f"/admin/cycles/{world['cycle_id']}/reopen"
    detail = admin.get(f"/admin/cycles/{world['cycle_id']}").get_data(as_text=True)
    assert f'href="{url}"' in detail
    assert admin.get(url).status_code == 200
    for reason in ("", "   "):
        refused = post(admin, url, reason=reason)
        assert refused.status_code == 422
        assert "Give a reason." in refused.get_data(as_text=True)
    too_long = post(admin, url, reason="x" * 2001)
    assert too_long.status_code == 422
    assert phase(app, world["cycle_id"]) is CyclePhase.CLOSED
    assert cycle_events(app, world["cycle_id"], "cycle.reopen") == []

    reopened = post(admin, url, reason="  Company B's board asked for a week.  ")
    assert reopened.status_code == 303
    assert reopened.headers["Location"] == f"/admin/cycles/{world['cycle_id']}"
    assert phase(app, world["cycle_id"]) is CyclePhase.OPEN
    [event] = cycle_events(app, world["cycle_id"], "cycle.reopen")
    assert event.details["reason"] == "Company B's board asked for a week."
    assert event.details["closed_at"]
    assert event.actor_id == world["admin"]
    history = admin.get(f"/admin/audit/?object_type=cycle&object_id={world['cycle_id']}").get_data(
        as_text=True
    )
    assert "Company B&#39;s board asked for a week." in history
    # Reopening an open cycle again: the page says who did it first.
    again = post(admin, url, reason="Again.")
    assert again.status_code == 409
    assert "The cycle was already reopened at " in again.get_data(as_text=True)
    assert "by Admin." in again.get_data(as_text=True)


def test_officers_can_file_again_after_reopening(app, world, accounts):
    close(app, world["cycle_id"])
    officer = client_as(app, world, "officer_a")
    page = officer.get(commitment_url("c1.safety-team")).get_data(as_text=True)
    refused = post_item(officer, "c1.safety-team", {"status": "met"}, page=page)
    assert refused.status_code == 409
    admin = client_as(app, world, "admin")
    url = f"/admin/cycles/{world['cycle_id']}/reopen"
    assert post(admin, url, reason="One more week.").status_code == 303
    page = officer.get(commitment_url("c1.safety-team")).get_data(as_text=True)
    saved = post_item(
        officer, "c1.safety-team", {"status": "met", "narrative": "A bigger team."}, page=page
    )
    assert saved.status_code == 302


def test_a_cycle_that_is_not_closed_cannot_be_reopened(app, world):
    admin = client_as(app, world, "admin")
    url = f"/admin/cycles/{world['cycle_id']}/reopen"
    page = admin.get(url)
    assert page.status_code == 409
    assert "Only a closed cycle can be reopened." in page.get_data(as_text=True)
    refused = post(admin, url, reason="Why not.")
    assert refused.status_code == 409
    assert "Only a closed cycle can be reopened." in refused.get_data(as_text=True)
    assert cycle_events(app, world["cycle_id"], "cycle.reopen") == []


def test_a_cycle_whose_closing_date_passed_is_not_reopened_but_explained(app, world):
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_id"])
        cycle.due_on = TODAY - timedelta(days=3)
        cycle.closes_on = TODAY - timedelta(days=1)
        cycle.closed_at = utcnow()
        db.session.commit()
    admin = client_as(app, world, "admin")
    url = f"/admin/cycles/{world['cycle_id']}/reopen"
    assert "The closing date has passed" in admin.get(url).get_data(as_text=True)
    refused = post(admin, url, reason="Late filers.")
    assert refused.status_code == 409
    assert "has passed: officers still could not file" in refused.get_data(as_text=True)
    assert "Late filers." in refused.get_data(as_text=True)  # the reason is not lost
    assert phase(app, world["cycle_id"]) is CyclePhase.CLOSED


@pytest.mark.parametrize("role", ["staff", "officer_a"])
def test_only_administrators_close_or_reopen(app, world, role):
    client = client_as(app, world, role)
    base = f"/admin/cycles/{world['cycle_id']}"
    assert client.get(f"{base}/close").status_code == 403
    close(app, world["cycle_id"])
    assert client.get(f"{base}/reopen").status_code == 403
    assert post(client, f"{base}/reopen", reason="Mine.").status_code == 403
    assert phase(app, world["cycle_id"]) is CyclePhase.CLOSED


def test_reopening_twice_at_once_reopens_once(app, world, monkeypatch):
    close(app, world["cycle_id"])
    clients = [client_as(app, world, who) for who in ("admin", "admin2")]
    tokens = [csrf_token(c, "/admin/cycles/") for c in clients]
    url = f"/admin/cycles/{world['cycle_id']}/reopen"
    outcome = race(
        monkeypatch,
        services,
        "_claim_reopen",
        *(
            (lambda c=c, t=t: c.post(url, data={"reason": "Together.", "csrf_token": t}))
            for c, t in zip(clients, tokens, strict=True)
        ),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 409]
    [loser] = outcome.losers()
    assert "The cycle was already reopened at " in loser.get_data(as_text=True)
    assert len(cycle_events(app, world["cycle_id"], "cycle.reopen")) == 1
    assert phase(app, world["cycle_id"]) is CyclePhase.OPEN


def test_reopen_service_refusals(app, world):
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_id"])
        admin = db.session.get(User, world["admin"])
        with pytest.raises(services.ReopenRefused) as refused:
            services.reopen_cycle(db.session, admin, cycle, "Reason.", TODAY)
        assert refused.value.why == "not_closed"
        cycle.closed_at = utcnow()
        db.session.flush()
        with pytest.raises(services.ReopenRefused) as refused:
            services.reopen_cycle(db.session, admin, cycle, " ", TODAY)
        assert refused.value.why == "reason_missing"
        services.reopen_cycle(db.session, admin, cycle, "Reason.", TODAY)
        assert cycle.phase is CyclePhase.OPEN
        with pytest.raises(services.CycleAlreadyMoved) as moved:
            services.reopen_cycle(db.session, admin, cycle, "Reason.", TODAY)
        assert moved.value.what == "reopen" and moved.value.by == "Admin"
        db.session.rollback()
