"""Account administration under concurrency: two administrators inviting the same address, or
deactivating the same account, at the same moment."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.accounts import invite_form
from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, count_rows, race
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.users import services


def test_two_invitations_of_one_address_at_once_make_one_account(app, accounts, monkeypatch):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    clients = [client_as(app, people, who) for who in ("admin", "admin2")]
    tokens = [csrf_token(c, "/admin/users/invite") for c in clients]
    form = invite_form(accounts, email="newcomer@test.example")
    outcome = race(
        monkeypatch,
        services,
        "_insert",
        *(
            (lambda c=c, t=t: c.post("/admin/users/invite", data=form | {"csrf_token": t}))
            for c, t in zip(clients, tokens, strict=True)
        ),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [302, 422]
    [refused] = outcome.losers()
    assert "An account with this e-mail address already exists." in refused.get_data(as_text=True)
    assert (
        count_rows(
            app,
            sa.select(sa.func.count()).select_from(User).filter_by(email="newcomer@test.example"),
        )
        == 1
    )
    assert (
        count_rows(
            app, sa.select(sa.func.count()).select_from(AuditEvent).filter_by(action="user.invite")
        )
        == 1
    )


def test_two_deactivations_at_once_record_one(app, accounts, monkeypatch):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    clients = [client_as(app, people, who) for who in ("admin", "admin2")]
    tokens = [csrf_token(c, "/account/") for c in clients]
    officer = people["officer_b"]
    version = sa.select(User.session_version).filter_by(id=officer)
    before = count_rows(app, version)
    url = f"/admin/users/{officer}/deactivate"
    outcome = race(
        monkeypatch,
        services,
        "_claim_active",
        *(
            (lambda c=c, t=t: c.post(url, data={"csrf_token": t}))
            for c, t in zip(clients, tokens, strict=True)
        ),
    )
    assert outcome.met
    assert all(r.status_code < 400 for r in outcome.responses)  # both see it deactivated
    deactivated = sa.select(sa.func.count()).select_from(AuditEvent)
    assert count_rows(app, deactivated.filter_by(action="user.deactivate")) == 1
    assert count_rows(app, version) == before + 1
