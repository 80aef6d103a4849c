"""Publications of two different disclosures at the same moment both reach the ledger, one
after the other: they race for its head, not for one disclosure."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.filing import CYCLE, answer_everything, state_of
from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, race
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing import workflow
from tracker.filing.models import Disclosure
from tracker.ledger import services
from tracker.ledger.models import LedgerEntry, Publication


def test_two_disclosures_published_at_once_both_enter_the_ledger_in_turn(
    app, accounts, filing_world, monkeypatch
):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    a = filing_world["disclosure_a"]
    with app.app_context():
        first = db.session.get(Disclosure, a)
        b_disclosure = Disclosure(
            company_id=accounts.ids["company_b"],
            cycle_id=first.cycle_id,
            checklist_version_id=first.checklist_version_id,
            state=DisclosureState.ACCEPTED,
        )
        first.state = DisclosureState.ACCEPTED
        db.session.add(b_disclosure)
        db.session.commit()
        b = b_disclosure.id
    answer_everything(app, a)
    answer_everything(app, b)
    clients = [client_as(app, people, who) for who in ("staff", "staff2")]
    tokens = [csrf_token(c, "/account/") for c in clients]
    urls = [f"/review/{CYCLE}/company-a/publish", f"/review/{CYCLE}/company-b/publish"]

    # They meet before their moves (different rows, so neither waits there); on PostgreSQL
    # both then reach for the ledger head together; SQLite lets one writer in at a time.
    outcome = race(
        monkeypatch,
        workflow,
        "claim",
        *(
            (lambda c=client, t=token, u=url: c.post(u, data={"csrf_token": t}))
            for client, token, url in zip(clients, tokens, urls, strict=True)
        ),
    )

    assert outcome.met
    assert outcome.statuses() == [303, 303]
    assert state_of(app, a) is state_of(app, b) is DisclosureState.PUBLISHED
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        assert [e.sequence for e in entries] == [1, 2]
        assert {e.company_slug for e in entries} == {"company-a", "company-b"}
        assert entries[1].previous_hash == entries[0].entry_hash
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Publication)) == 2
        assert services.verify_ledger(db.session) == (2, None)


def test_a_clash_at_the_ledger_head_is_a_409_to_try_again(app, accounts, filing_world, monkeypatch):
    """Should two appends still meet on the ledger's unique columns (a writer that does not
    queue), the loser is told to try again, and nothing of it stays."""
    a = filing_world["disclosure_a"]
    answer_everything(app, a)
    with app.app_context():
        db.session.get(Disclosure, a).state = DisclosureState.ACCEPTED
        db.session.commit()
    staff = client_as(app, accounts.ids, "staff")
    token = csrf_token(staff, "/account/")

    real_head = services.ledger_head

    def stale_head(session):  # as if another entry had been appended after this read
        head = real_head(session)
        assert head is not None
        return None

    with app.app_context():
        # An entry already at sequence 1, which this publication will also claim.
        other = Disclosure(
            company_id=accounts.ids["company_b"],
            cycle_id=db.session.get(Disclosure, a).cycle_id,
            checklist_version_id=db.session.get(Disclosure, a).checklist_version_id,
            state=DisclosureState.ACCEPTED,
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    publish_as_is(app, other_id)

    monkeypatch.setattr(services, "ledger_head", stale_head)
    refused = staff.post(
        f"/review/{CYCLE}/company-a/publish",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "ledger.busy"
    assert state_of(app, a) is DisclosureState.ACCEPTED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Publication)) == 1
