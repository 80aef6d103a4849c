"""Every move of the workflow happens once: two people (two officers of the company, or two
staff members) do the same step at the same moment, both having seen the old state; one moves
the disclosure, the other is told who did it first, and nothing of the loser is written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.support.filing import CYCLE, answer_everything, commitment_url, post_item, state_of
from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, count_rows, race
from tests.support.review import publish_as_is
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.domain.languages import ZH
from tracker.domain.workflow import TRANSITIONS, Action, DisclosureState, Side
from tracker.filing import services, workflow
from tracker.filing.models import Disclosure, Transition
from tracker.i18n import LANGUAGE_COOKIE
from tracker.ledger.models import LedgerEntry, Publication
from tracker.outbox.models import OutboxMessage
from tracker.review.mail import officers_of, staff_members

REVIEW = f"/review/{CYCLE}/company-a"
NAMES = {
    "officer_a": "Officer A",
    "officer_a2": "Officer A2",
    "staff": "Staff",
    "staff2": "Staff Two",
}
S = DisclosureState


@dataclass(frozen=True)
class Step:
    """One step of the table done twice at once: from ``start``, by ``people`` (two of them),
    posting ``form`` to ``url``; the loser reads ``told`` (then the winner's name)."""

    start: DisclosureState
    action: Action
    who: Side
    url: str
    form: dict
    told: str
    mails: str | None  # who is mailed once: "officers", "staff" or nobody

    @property
    def decides_at(self) -> tuple[object, str]:
        """Where both requests have read the old state and neither has written: the move's
        conditional UPDATE, except for a submission, which takes the disclosure's row lock
        first (its completeness check reads the answers under it)."""
        return (services, "lock") if self.action is Action.SUBMIT else (workflow, "claim")

    @property
    def people(self) -> tuple[str, str]:
        return ("officer_a", "officer_a2") if self.who is Side.OFFICER else ("staff", "staff2")

    @property
    def id(self) -> str:
        return f"{self.start}-{self.action}-{self.who}"


def decision(action: str) -> dict:
    return {"action": action, "reason": "Because."}


STEPS = [
    Step(
        S.DRAFT,
        Action.SUBMIT,
        Side.OFFICER,
        f"/filing/{CYCLE}/submit",
        {},
        "Already submitted at ",
        "staff",
    ),
    Step(
        S.CHANGES_REQUESTED,
        Action.SUBMIT,
        Side.OFFICER,
        f"/filing/{CYCLE}/submit",
        {},
        "Already submitted at ",
        "staff",
    ),
    Step(
        S.SUBMITTED,
        Action.REQUEST_CHANGES,
        Side.STAFF,
        f"{REVIEW}/decision",
        decision("request_changes"),
        "Changes were already requested at ",
        "officers",
    ),
    Step(
        S.SUBMITTED,
        Action.ACCEPT,
        Side.STAFF,
        f"{REVIEW}/decision",
        decision("accept"),
        "Already accepted at ",
        None,
    ),
    Step(
        S.ACCEPTED,
        Action.PUBLISH,
        Side.STAFF,
        f"{REVIEW}/publish",
        {},
        "Already published as version 1 at ",
        "officers",
    ),
    Step(
        S.PUBLISHED,
        Action.REOPEN,
        Side.OFFICER,
        f"/filing/{CYCLE}/correction",
        {"reason": "A typo."},
        "Already reopened for a correction at ",
        None,
    ),
    Step(
        S.PUBLISHED,
        Action.REOPEN,
        Side.STAFF,
        f"{REVIEW}/decision",
        decision("reopen"),
        "Already reopened for a correction at ",
        "officers",
    ),
]


def test_the_races_cover_every_move_of_the_table():
    """Every entry of the table that changes the state is raced here (the first edit below)."""
    moves = {key for key, after in TRANSITIONS.items() if after is not key[0]}
    raced = {(s.start, s.action, s.who) for s in STEPS} | {
        (S.NOT_STARTED, Action.EDIT, Side.OFFICER)
    }
    assert raced == moves


@pytest.fixture
def people(app, accounts, filing_world) -> dict[str, int]:
    return accounts.ids | add_colleagues(app, accounts.ids["company_a"])


def bring_to(app, disclosure_id: int, state: DisclosureState) -> None:
    """The filing world's disclosure, complete, in ``state`` (published for real, as version 1,
    when that is the state asked for)."""
    answer_everything(app, disclosure_id)
    if state is S.PUBLISHED:
        publish_as_is(app, disclosure_id)
        return
    with app.app_context():
        db.session.get(Disclosure, disclosure_id).state = state
        db.session.commit()


def counts(app, disclosure_id: int) -> dict[str, int]:
    def n(statement):
        return count_rows(app, statement)

    return {
        "transitions": n(
            sa.select(sa.func.count())
            .select_from(Transition)
            .where(Transition.disclosure_id == disclosure_id)
        ),
        "events": n(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.like("disclosure.%"))
        ),
        "mails": n(sa.select(sa.func.count()).select_from(OutboxMessage)),
        "publications": n(sa.select(sa.func.count()).select_from(Publication)),
        "ledger": n(sa.select(sa.func.count()).select_from(LedgerEntry)),
    }


def mailed(app, who: str | None, company_id: int) -> int:
    """How many people one such step mails."""
    with app.app_context():
        if who == "staff":
            return len(staff_members(db.session))
        if who == "officers":
            return len(officers_of(db.session, company_id))
        return 0


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_a_step_done_twice_at_once_happens_once(app, people, filing_world, monkeypatch, step):
    disclosure_id = filing_world["disclosure_a"]
    bring_to(app, disclosure_id, step.start)
    clients = [client_as(app, people, person) for person in step.people]
    tokens = [csrf_token(client, "/account/") for client in clients]
    before = counts(app, disclosure_id)

    outcome = race(
        monkeypatch,
        *step.decides_at,
        *(
            (lambda c=client, t=token: c.post(step.url, data=step.form | {"csrf_token": t}))
            for client, token in zip(clients, tokens, strict=True)
        ),
    )

    # Nothing is written before the move: both requests read the old state and met there.
    assert outcome.met
    if step.action is Action.PUBLISH:
        # A repeated publish is no error: both go back to the review page, where the second
        # reads who published first.
        assert outcome.statuses() == [303, 303]
        pages = [
            c.get(r.headers["Location"]).get_data(as_text=True)
            for c, r in zip(clients, outcome.responses, strict=True)
        ]
        [page] = [p for p in pages if step.told in p]
        winner = outcome.responses[1 - pages.index(page)]
    else:
        [winner] = outcome.winners()
        [loser] = outcome.losers()
        assert winner.status_code == 303
        assert loser.status_code == 409
        page = loser.get_data(as_text=True)
    winner_name = NAMES[step.people[outcome.responses.index(winner)]]
    assert step.told in page and f"by {winner_name}." in page
    assert state_of(app, disclosure_id) is TRANSITIONS[(step.start, step.action, step.who)]
    after = counts(app, disclosure_id)
    assert after["transitions"] - before["transitions"] == 1
    assert after["events"] - before["events"] == 1
    assert after["mails"] - before["mails"] == mailed(app, step.mails, people["company_a"])
    published = 1 if step.action is Action.PUBLISH else 0
    assert after["publications"] - before["publications"] == published
    assert after["ledger"] - before["ledger"] == published
    with app.app_context():
        [step_done] = db.session.scalars(
            sa.select(Transition)
            .where(Transition.disclosure_id == disclosure_id, Transition.action == step.action)
            .order_by(Transition.id.desc())
            .limit(1)
        )
        assert step_done.from_state is step.start


def test_the_loser_reads_it_in_chinese(app, people, filing_world, monkeypatch):
    disclosure_id = filing_world["disclosure_a"]
    bring_to(app, disclosure_id, S.ACCEPTED)
    clients = [client_as(app, people, person) for person in ("staff", "staff2")]
    tokens = [csrf_token(client, "/account/") for client in clients]
    for client in clients:
        client.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    outcome = race(
        monkeypatch,
        workflow,
        "claim",
        *(
            (lambda c=client, t=token: c.post(f"{REVIEW}/publish", data={"csrf_token": t}))
            for client, token in zip(clients, tokens, strict=True)
        ),
    )
    assert outcome.statuses() == [303, 303]
    pages = [
        c.get(r.headers["Location"]).get_data(as_text=True)
        for c, r in zip(clients, outcome.responses, strict=True)
    ]
    assert sum("发布为第 1 版。" in p and "已于" in p for p in pages) == 1


def test_two_different_decisions_at_once_the_second_names_the_first(
    app, people, filing_world, monkeypatch
):
    """One staff member accepts while another asks for changes: one decision stands, and the
    other person is told which."""
    disclosure_id = filing_world["disclosure_a"]
    bring_to(app, disclosure_id, S.SUBMITTED)
    accepting, returning = (client_as(app, people, p) for p in ("staff", "staff2"))
    tokens = [csrf_token(c, "/account/") for c in (accepting, returning)]
    before = counts(app, disclosure_id)
    outcome = race(
        monkeypatch,
        workflow,
        "claim",
        lambda: accepting.post(
            f"{REVIEW}/decision", data=decision("accept") | {"csrf_token": tokens[0]}
        ),
        lambda: returning.post(
            f"{REVIEW}/decision", data=decision("request_changes") | {"csrf_token": tokens[1]}
        ),
    )
    [winner] = outcome.winners()
    [loser] = outcome.losers()
    assert loser.status_code == 409
    if winner is outcome.responses[0]:
        assert state_of(app, disclosure_id) is S.ACCEPTED
        assert "Already accepted at " in loser.get_data(as_text=True)
        assert counts(app, disclosure_id)["mails"] == before["mails"]
    else:
        assert state_of(app, disclosure_id) is S.CHANGES_REQUESTED
        assert "Changes were already requested at " in loser.get_data(as_text=True)
    assert counts(app, disclosure_id)["transitions"] == before["transitions"] + 1


def test_two_first_edits_at_once_both_stand_and_start_the_draft_once(
    app, people, filing_world, monkeypatch
):
    """Saving the first answers is no decision to refuse: both officers' answers are kept, and
    the disclosure becomes a draft once."""
    disclosure_id = filing_world["disclosure_a"]
    with app.app_context():
        db.session.get(Disclosure, disclosure_id).state = S.NOT_STARTED
        db.session.commit()
    clients = [client_as(app, people, p) for p in ("officer_a", "officer_a2")]
    items = ["c1.safety-team", "c1.accountable-exec"]
    pages = [
        c.get(commitment_url(i)).get_data(as_text=True) for c, i in zip(clients, items, strict=True)
    ]
    before = counts(app, disclosure_id)
    # Both saves meet at the disclosure's lock, taken before an answer is written.
    outcome = race(
        monkeypatch,
        services,
        "lock",
        *(
            (
                lambda c=client, i=item, p=page: post_item(
                    c, i, {"status": "met", "narrative": "Written."}, page=p, json=True
                )
            )
            for client, item, page in zip(clients, items, pages, strict=True)
        ),
    )
    assert outcome.statuses() == [200, 200]
    assert state_of(app, disclosure_id) is S.DRAFT
    after = counts(app, disclosure_id)
    assert after["transitions"] - before["transitions"] == 1
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "disclosure.edit")
            )
            == 1
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "answer.save")
            )
            == 2
        )


def test_a_step_the_page_offered_but_a_colleague_took_names_the_colleague(
    app, people, filing_world
):
    """No race at all: the page showed "submitted", a colleague accepted since; the decision
    posted from that page is told about the acceptance, not that it is "not possible"."""
    disclosure_id = filing_world["disclosure_a"]
    bring_to(app, disclosure_id, S.SUBMITTED)
    staff, colleague = (client_as(app, people, p) for p in ("staff", "staff2"))
    token = csrf_token(staff, "/account/")
    accepted = colleague.post(
        f"{REVIEW}/decision",
        data=decision("accept") | {"csrf_token": csrf_token(colleague, "/account/")},
    )
    assert accepted.status_code == 303
    late = staff.post(
        f"{REVIEW}/decision", data=decision("request_changes") | {"csrf_token": token}
    )
    assert late.status_code == 409
    assert "Already accepted at " in late.get_data(as_text=True)
    assert "by Staff Two." in late.get_data(as_text=True)
    api = staff.post(
        f"{REVIEW}/decision",
        data=decision("accept") | {"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "workflow.already_moved"
