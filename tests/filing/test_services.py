"""Filing services: saving with optimistic locking and history, submitting, copying forward,
attachments. These tests call the services directly (no requests), so they hold ``app_ctx``."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tests.support.app import alliance_today
from tests.support.files import PNG
from tests.support.filing import commitment_url
from tests.support.filing import upload as upload_file
from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, in_own_thread, race
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db, utcnow
from tracker.domain.answers import Answer, Limits, Link, Missing, Problem
from tracker.domain.checklist import Checklist
from tracker.domain.statuses import Status
from tracker.domain.workflow import Action, DisclosureState
from tracker.filing import services
from tracker.filing.models import Attachment, Disclosure, ItemResponse, ResponseRevision
from tracker.filing.services import (
    AttachmentLimit,
    EditConflict,
    Incomplete,
    InvalidAnswer,
    NotEditable,
)
from tracker.filing.storage import store_upload
from tracker.filing.workflow import AlreadyMoved
from tracker.storage.services import UPLOADS, blobs

LIMITS = Limits()


@dataclass
class World:
    cycle: Cycle
    checklist: Checklist
    company_a: Company
    company_b: Company
    officer_a: User
    officer_b: User
    disclosure_a: Disclosure
    ids: dict

    def item(self, item_id: str):
        return self.checklist.item(item_id)


@pytest.fixture
def world(app_ctx, accounts, filing_world) -> World:
    session = db.session
    cycle = session.scalar(sa.select(Cycle).filter_by(slug=filing_world["cycle"]))
    return World(
        cycle=cycle,
        checklist=cycle.checklist_version.checklist,
        company_a=session.get(Company, accounts.ids["company_a"]),
        company_b=session.get(Company, accounts.ids["company_b"]),
        officer_a=session.get(User, accounts.ids["officer_a"]),
        officer_b=session.get(User, accounts.ids["officer_b"]),
        disclosure_a=session.get(Disclosure, filing_world["disclosure_a"]),
        ids=accounts.ids | filing_world,
    )


def response_of(disclosure: Disclosure, item_id: str) -> ItemResponse | None:
    return next((r for r in disclosure.responses if r.item_id == item_id), None)


def version_of(disclosure: Disclosure, item_id: str) -> int | None:
    response = response_of(disclosure, item_id)
    return response.version if response is not None else None


def revisions(response_id: int) -> list[ResponseRevision]:
    return list(
        db.session.scalars(
            sa.select(ResponseRevision)
            .filter_by(response_id=response_id)
            .order_by(ResponseRevision.version)
        )
    )


def count(model, **where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id))
    )


def save(
    world: World,
    disclosure: Disclosure,
    item_id: str,
    answer: Answer,
    expected_version: int | None = -1,
    actor: User | None = None,
    now: datetime | None = None,
) -> ItemResponse:
    """save_answer with the version the disclosure holds now, unless one is given."""
    if expected_version == -1:
        expected_version = version_of(disclosure, item_id)
    actor = actor or (
        world.officer_a if disclosure.company_id == world.company_a.id else world.officer_b
    )
    return services.save_answer(
        db.session,
        actor,
        disclosure,
        world.item(item_id),
        answer,
        expected_version,
        LIMITS,
        now or utcnow(),
    )


# --- saving -------------------------------------------------------------------------------------


def test_first_save_creates_the_response_and_starts_the_draft(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    assert disclosure.state is DisclosureState.NOT_STARTED and disclosure.responses == []
    now = utcnow()
    answer = Answer(
        status=Status.MET,
        narrative="We have a team of five.",
        confidential_note="  ",
        not_applicable_reason=" ",
        links=[Link("https://b.example/team", "Our team")],
    )
    response = save(world, disclosure, "c1.safety-team", answer, None, now=now)
    db.session.commit()

    assert disclosure.state is DisclosureState.DRAFT
    assert disclosure.updated_at == now
    assert response.version == 1
    assert (response.status, response.narrative) == (Status.MET, "We have a team of five.")
    assert response.confidential_note is None and response.not_applicable_reason is None
    assert response.evidence_links == [{"url": "https://b.example/team", "title": "Our team"}]
    assert response.structured == {}
    assert response.carried_over is False
    assert (response.updated_by_id, response.updated_at) == (world.officer_b.id, now)
    [revision] = revisions(response.id)
    assert revision.version == 1
    assert revision.before == {}
    assert revision.after == {
        "status": "met",
        "not_applicable_reason": "",
        "narrative": "We have a team of five.",
        "narrative_language": "",
        "narrative_translation": "",
        "confidential_note": "",
        "evidence_links": [{"url": "https://b.example/team", "title": "Our team"}],
        "structured": {},
        "results": [],
    }
    assert (revision.changed_by_id, revision.changed_at) == (world.officer_b.id, now)


def test_second_save_bumps_the_version_and_records_before_and_after(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    first = Answer(status=Status.PARTIALLY_MET, narrative="A part-time team.")
    response = save(world, disclosure, "c1.safety-team", first, None)
    db.session.commit()
    second = Answer(
        status=Status.MET, narrative="A full-time team.", confidential_note="Budget: 2M"
    )
    assert save(world, disclosure, "c1.safety-team", second, 1) is response
    db.session.commit()

    assert response.version == 2
    assert count(ItemResponse, disclosure_id=disclosure.id) == 1
    one, two = revisions(response.id)
    assert (one.version, two.version) == (1, 2)
    assert two.before == one.after
    assert two.before["status"] == "partially_met"
    assert two.before["narrative"] == "A part-time team."
    assert two.after["status"] == "met"
    assert two.after["narrative"] == "A full-time team."
    assert two.after["confidential_note"] == "Budget: 2M"
    assert disclosure.state is DisclosureState.DRAFT


def test_saving_the_identical_answer_changes_nothing(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answer = Answer(status=Status.MET, narrative="Same.", links=[Link("https://b.example", "B")])
    response = save(world, disclosure, "c1.safety-team", answer, None)
    db.session.commit()
    updated_at = response.updated_at
    db.session.expire_all()  # compare with what the database holds

    again = save(world, disclosure, "c1.safety-team", answer, 1, now=utcnow() + timedelta(1))
    assert again.id == response.id
    assert not db.session.dirty and not db.session.new
    db.session.commit()
    assert again.version == 1
    assert again.updated_at == updated_at
    assert len(revisions(response.id)) == 1


def test_structured_answers_are_saved_without_empty_fields(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answer = Answer(
        status=Status.MET,
        narrative="Scores on our site.",
        structured={"benchmarks": {"selected": ["bbq", "harmbench"], "other": ["OurBench"]}},
    )
    response = save(world, disclosure, "c2.benchmarks-reported", answer, None)
    db.session.commit()
    assert response.structured == {
        "benchmarks": {"selected": ["bbq", "harmbench"], "other": ["OurBench"]}
    }
    cleared = Answer(
        status=Status.MET,
        narrative="Scores on our site.",
        structured={"benchmarks": {"selected": [], "other": []}},
    )
    save(world, disclosure, "c2.benchmarks-reported", cleared, 1)
    db.session.commit()
    assert response.structured == {}
    assert revisions(response.id)[-1].before["structured"]["benchmarks"]["other"] == ["OurBench"]


@pytest.mark.parametrize("stale", [None, 2, 0])
def test_a_stale_version_is_a_conflict_and_writes_nothing(world, stale):
    response_id = world.ids["response_a"]
    with pytest.raises(EditConflict) as raised:
        save(
            world,
            world.disclosure_a,
            "c1.safety-team",
            Answer(status=Status.NOT_MET, narrative="Overwritten?"),
            stale,
        )
    assert raised.value.item_id == "c1.safety-team"
    assert not db.session.dirty and not db.session.new
    db.session.rollback()
    response = db.session.get(ItemResponse, response_id)
    assert (response.version, response.status, response.narrative) == (
        1,
        Status.MET,
        "We have a team.",
    )
    assert revisions(response_id) == []


def test_a_version_for_an_item_never_answered_is_a_conflict(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    with pytest.raises(EditConflict):
        save(world, disclosure, "c1.safety-team", Answer(status=Status.MET), 1)
    db.session.rollback()
    assert count(ItemResponse) == 1  # company A's only


def _load_in(session: Session, world: World, company_key: str) -> tuple[User, Disclosure]:
    """What one editor's request loads: the officer and the disclosure with its answers."""
    officer = session.get(User, world.ids[f"officer_{company_key}"])
    company = session.get(Company, world.ids[f"company_{company_key}"])
    cycle = session.scalar(sa.select(Cycle).filter_by(slug=world.cycle.slug))
    return officer, services.disclosure_for(session, company, cycle)


def test_two_editors_saving_at_once_the_second_gets_a_conflict(world):
    """Two sessions (two requests) load version 1; the first commits, the second's UPDATE
    matches no row (StaleDataError at flush) and becomes EditConflict."""
    item = world.item("c1.safety-team")
    db.session.rollback()
    with Session(db.engine) as first, Session(db.engine) as second:
        officer_1, disclosure_1 = _load_in(first, world, "a")
        officer_2, disclosure_2 = _load_in(second, world, "a")
        assert version_of(disclosure_1, item.id) == version_of(disclosure_2, item.id) == 1

        services.save_answer(
            first,
            officer_1,
            disclosure_1,
            item,
            Answer(status=Status.MET, narrative="First editor."),
            1,
            LIMITS,
            utcnow(),
        )
        first.commit()
        with pytest.raises(EditConflict) as raised:
            services.save_answer(
                second,
                officer_2,
                disclosure_2,
                item,
                Answer(status=Status.PARTIALLY_MET, narrative="Second editor."),
                1,
                LIMITS,
                utcnow(),
            )
        assert raised.value.item_id == item.id
        # it was the UPDATE that found the row moved on, not the check before it
        assert isinstance(raised.value.__context__, StaleDataError)
        second.rollback()

    response = db.session.get(ItemResponse, world.ids["response_a"])
    assert (response.version, response.status, response.narrative) == (
        2,
        Status.MET,
        "First editor.",
    )
    [revision] = revisions(response.id)
    assert revision.after["narrative"] == "First editor."
    assert revision.before["narrative"] == "We have a team."


def test_two_editors_answering_a_new_item_at_once_the_second_gets_a_conflict(world):
    item = world.item("c1.accountable-exec")
    db.session.rollback()
    with Session(db.engine) as first, Session(db.engine) as second:
        officer_1, disclosure_1 = _load_in(first, world, "a")
        officer_2, disclosure_2 = _load_in(second, world, "a")
        services.save_answer(
            first,
            officer_1,
            disclosure_1,
            item,
            Answer(status=Status.MET, narrative="First."),
            None,
            LIMITS,
            utcnow(),
        )
        first.commit()
        try:
            with pytest.raises(EditConflict):
                services.save_answer(
                    second,
                    officer_2,
                    disclosure_2,
                    item,
                    Answer(status=Status.MET, narrative="Second."),
                    None,
                    LIMITS,
                    utcnow(),
                )
        finally:
            second.rollback()


@pytest.mark.parametrize(
    ("item_id", "answer", "problems"),
    [
        (
            "c1.safety-team",
            Answer(status=Status.NOT_APPLICABLE, not_applicable_reason="n/a"),
            [("status", Problem.STATUS_NOT_ALLOWED)],
        ),
        (
            "c1.safety-team",
            Answer(
                status=Status.MET,
                narrative="x",
                links=[Link("javascript:alert(document.cookie)", "click")],
            ),
            [("links", Problem.LINK_NOT_HTTP)],
        ),
        (
            "c2.benchmarks-reported",
            Answer(structured={"benchmarks": {"selected": ["nope"]}}),
            [("benchmarks", Problem.UNKNOWN_OPTION)],
        ),
    ],
    ids=["status", "javascript-link", "option"],
)
def test_an_invalid_answer_is_refused_and_nothing_is_stored(world, item_id, answer, problems):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    db.session.commit()
    with pytest.raises(InvalidAnswer) as raised:
        save(world, disclosure, item_id, answer, None)
    assert raised.value.problems == problems
    db.session.rollback()
    assert count(ItemResponse, disclosure_id=disclosure.id) == 0
    assert count(ResponseRevision) == 0
    assert db.session.get(Disclosure, disclosure.id).state is DisclosureState.NOT_STARTED


def test_an_invalid_answer_leaves_a_stored_answer_alone(world):
    with pytest.raises(InvalidAnswer):
        save(
            world,
            world.disclosure_a,
            "c1.safety-team",
            Answer(status=Status.MET, narrative="x" * (LIMITS.narrative + 1)),
        )
    db.session.rollback()
    response = db.session.get(ItemResponse, world.ids["response_a"])
    assert (response.version, response.narrative) == (1, "We have a team.")


@pytest.mark.parametrize(
    "state", [DisclosureState.SUBMITTED, DisclosureState.ACCEPTED, DisclosureState.PUBLISHED]
)
def test_not_editable_once_handed_in(world, state):
    disclosure = world.disclosure_a
    disclosure.state = state
    db.session.commit()
    assert not services.can_edit(disclosure, alliance_today())
    with pytest.raises(NotEditable):
        save(world, disclosure, "c1.safety-team", Answer(status=Status.NOT_MET))
    with pytest.raises(NotEditable):
        save(world, disclosure, "c1.accountable-exec", Answer(status=Status.NOT_MET), None)
    with pytest.raises(NotEditable):
        services.submit(db.session, world.officer_a, disclosure, utcnow())
    attachment = db.session.get(Attachment, world.ids["attachment"])
    with pytest.raises(NotEditable):
        services.remove_attachment(db.session, world.officer_a, attachment, utcnow())
    db.session.rollback()
    assert db.session.get(ItemResponse, world.ids["response_a"]).version == 1
    assert db.session.get(Attachment, world.ids["attachment"]).removed_at is None


def test_editable_again_when_changes_are_requested(world):
    disclosure = world.disclosure_a
    disclosure.state = DisclosureState.CHANGES_REQUESTED
    db.session.commit()
    response = save(
        world, disclosure, "c1.safety-team", Answer(status=Status.MET, narrative="A bigger team.")
    )
    db.session.commit()
    assert response.version == 2
    assert disclosure.state is DisclosureState.CHANGES_REQUESTED


def test_not_editable_when_the_cycle_has_closed(world):
    today = utcnow().date()
    cycle = world.cycle
    cycle.opens_on, cycle.due_on, cycle.closes_on = (
        today - timedelta(30),
        today - timedelta(5),
        today - timedelta(1),
    )
    db.session.commit()
    assert not services.cycle_is_open(cycle, today)
    with pytest.raises(NotEditable):
        save(world, world.disclosure_a, "c1.safety-team", Answer(status=Status.NOT_MET))
    disclosure_b = services.disclosure_for(db.session, world.company_b, cycle)
    with pytest.raises(NotEditable):
        save(world, disclosure_b, "c1.safety-team", Answer(status=Status.NOT_MET), None)
    with pytest.raises(NotEditable):
        services.submit(db.session, world.officer_a, world.disclosure_a, utcnow())
    stored = store_upload(io.BytesIO(PNG), "chart.png", blobs(UPLOADS), 10_000, ("png",))
    with pytest.raises(NotEditable):
        services.add_attachment(
            db.session,
            world.officer_a,
            world.disclosure_a,
            world.item("c1.safety-team"),
            stored,
            10,
            10_000,
            utcnow(),
        )
    db.session.rollback()
    assert db.session.get(ItemResponse, world.ids["response_a"]).version == 1


def test_open_from_its_opening_to_its_closing_day_inclusive(world):
    cycle = world.cycle
    today = utcnow().date()
    cycle.due_on = cycle.closes_on = today
    assert services.cycle_is_open(cycle, today)
    assert not services.cycle_is_open(cycle, today + timedelta(1))
    cycle.closes_on = None  # no closing date: late filing stays possible after the due date
    assert services.cycle_is_open(cycle, today + timedelta(365))
    cycle.closed_at = utcnow()  # until an administrator closes it
    assert not services.cycle_is_open(cycle, today)
    cycle.closed_at = cycle.opened_at = None  # and not before they open it, whatever the dates
    assert not services.cycle_is_open(cycle, today)
    db.session.rollback()


# --- submitting ---------------------------------------------------------------------------------


def test_submit_lists_exactly_what_is_missing_in_checklist_order(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answers = {
        "c1.safety-team": Answer(status=Status.MET, narrative="A team."),
        "c1.accountable-exec": Answer(status=Status.MET),
        "c1.lifecycle-risk-process": Answer(status=Status.NOT_APPLICABLE),
        "c2.pre-release-eval": Answer(status=Status.PARTIALLY_MET, narrative="  "),
        "c3.data-provenance": Answer(status=Status.NOT_MET),
        "c3.personal-info": Answer(narrative="Still writing, no status yet."),
        "c4.certifications": Answer(status=Status.NOT_DISCLOSED),
    }
    for item_id, answer in answers.items():
        save(world, disclosure, item_id, answer, None)
    db.session.commit()

    with pytest.raises(Incomplete) as raised:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    problems = {
        "c1.accountable-exec": Problem.NARRATIVE_MISSING,
        "c1.lifecycle-risk-process": Problem.REASON_MISSING,
        "c2.pre-release-eval": Problem.NARRATIVE_MISSING,
    }
    expected = [
        (item.id, problems.get(item.id, Problem.UNANSWERED))
        for item in world.checklist.items
        if item.required and item.id not in {"c1.safety-team", "c3.data-provenance"}
    ]
    assert [(m.item.id, m.problem) for m in raised.value.missing] == expected
    assert all(isinstance(m, Missing) for m in raised.value.missing)
    assert "c4.certifications" not in {m.item.id for m in raised.value.missing}
    db.session.rollback()
    assert db.session.get(Disclosure, disclosure.id).state is DisclosureState.DRAFT
    assert audit("disclosure.submit") == []


def test_submit_an_empty_disclosure_lists_every_required_item(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    with pytest.raises(Incomplete) as raised:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    assert [m.item for m in raised.value.missing] == [
        i for i in world.checklist.items if i.required
    ]
    assert {m.problem for m in raised.value.missing} == {Problem.UNANSWERED}


def answer_everything(world: World, disclosure: Disclosure) -> None:
    """Every required item not_disclosed, except c1.safety-team: met, with a narrative."""
    for item in world.checklist.items:
        if not item.required:
            continue
        answer = (
            Answer(status=Status.MET, narrative="A team of five.")
            if item.id == "c1.safety-team"
            else Answer(status=Status.NOT_DISCLOSED)
        )
        save(world, disclosure, item.id, answer)


def test_submit_a_complete_disclosure(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answer_everything(world, disclosure)
    db.session.commit()
    now = utcnow()
    services.submit(db.session, world.officer_b, disclosure, now)
    db.session.commit()

    assert disclosure.state is DisclosureState.SUBMITTED
    assert disclosure.submitted_at == now
    [event] = audit("disclosure.submit")
    assert (event.actor_id, event.object_type, event.object_id) == (
        world.officer_b.id,
        "disclosure",
        disclosure.id,
    )
    assert event.details == {"cycle": "test-cycle", "from": "draft", "to": "submitted"}

    # Submitting again (a second click, a colleague's tab) names the submission that stands.
    with pytest.raises(AlreadyMoved) as refused:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    assert (refused.value.action, refused.value.by) == (Action.SUBMIT, "Officer B")
    db.session.rollback()
    assert db.session.get(Disclosure, disclosure.id).submitted_at == now
    assert len(audit("disclosure.submit")) == 1


def test_submit_checks_the_answers_as_committed_not_as_it_read_them(app, world):
    """A colleague's save committed after this request read the answers (it blanked a
    narrative the item needs): the submission checks what is stored, under the row lock, and
    is refused as incomplete, not handed in on the answers read before."""
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answer_everything(world, disclosure)
    db.session.commit()
    assert all(r.status for r in disclosure.responses)  # read into this session
    item_id, officer_id = "c1.safety-team", world.officer_b.id

    def colleague_saves() -> None:
        with app.app_context():
            theirs = db.session.get(Disclosure, disclosure.id)
            response = next(r for r in theirs.responses if r.item_id == item_id)
            services.save_answer(
                db.session,
                db.session.get(User, officer_id),
                theirs,
                theirs.checklist_version.checklist.item(item_id),
                Answer(status=Status.MET, narrative=""),
                response.version,
                LIMITS,
                utcnow(),
            )
            db.session.commit()

    in_own_thread(colleague_saves)
    with pytest.raises(Incomplete) as refused:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    assert [(m.item.id, m.problem) for m in refused.value.missing] == [
        (item_id, Problem.NARRATIVE_MISSING)
    ]
    db.session.rollback()
    assert db.session.get(Disclosure, disclosure.id).state is DisclosureState.DRAFT


def test_resubmit_after_changes_were_requested(world):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    answer_everything(world, disclosure)
    services.submit(db.session, world.officer_b, disclosure, utcnow())
    disclosure.state = DisclosureState.CHANGES_REQUESTED
    db.session.commit()
    services.submit(db.session, world.officer_b, disclosure, utcnow())
    db.session.commit()
    assert disclosure.state is DisclosureState.SUBMITTED
    assert len(audit("disclosure.submit")) == 2


# --- copying forward ----------------------------------------------------------------------------


def make_cycle(world: World, slug: str, opens_days_ago: int) -> Cycle:
    today = alliance_today()
    opens = today - timedelta(opens_days_ago)
    cycle = Cycle(
        slug=slug,
        name_en=slug,
        name_zh=slug,
        checklist_version=world.cycle.checklist_version,
        opens_on=opens,
        due_on=opens + timedelta(30),
        opened_at=utcnow(),
    )
    db.session.add(cycle)
    return cycle


def make_disclosure(
    world: World,
    company: Company,
    cycle: Cycle,
    state: DisclosureState,
    responses: list[ItemResponse] = (),
) -> Disclosure:
    disclosure = Disclosure(
        company=company,
        cycle=cycle,
        checklist_version=cycle.checklist_version,
        state=state,
        responses=list(responses),
    )
    if state is not DisclosureState.DRAFT:
        disclosure.submitted_at = datetime.combine(cycle.due_on, datetime.min.time()).astimezone()
    db.session.add(disclosure)
    return disclosure


@pytest.fixture
def earlier_b(world) -> Disclosure:
    """Company B's submitted disclosure in a cycle that opened 400 days ago."""
    cycle = make_cycle(world, "earlier-cycle", 400)
    old = make_disclosure(
        world,
        world.company_b,
        cycle,
        DisclosureState.SUBMITTED,
        [
            ItemResponse(
                item_id="c1.safety-team",
                status=Status.MET,
                narrative="Old team.",
                confidential_note="Old note.",
                evidence_links=[{"url": "https://b.example/old", "title": "Old"}],
            ),
            ItemResponse(
                item_id="c1.lifecycle-risk-process",
                status=Status.NOT_APPLICABLE,
                not_applicable_reason="We do not train models.",
            ),
            # not_applicable is not allowed for c1.accountable-exec: the status is dropped
            ItemResponse(
                item_id="c1.accountable-exec",
                status=Status.NOT_APPLICABLE,
                not_applicable_reason="Old reason.",
            ),
            ItemResponse(
                item_id="c2.benchmarks-reported",
                status=Status.MET,
                narrative="Scores online.",
                structured={"benchmarks": {"selected": ["bbq"], "other": ["OurBench"]}},
            ),
            ItemResponse(item_id="c0.retired-item", status=Status.MET, narrative="Gone."),
        ],
    )
    db.session.commit()
    return old


CARRIED = [
    "c1.safety-team",
    "c1.accountable-exec",
    "c1.lifecycle-risk-process",
    "c2.benchmarks-reported",
]


def test_copy_forward(world, earlier_b):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    previous = services.previous_disclosure(db.session, world.company_b.id, world.cycle)
    assert previous is earlier_b
    now = utcnow()
    copied = services.copy_forward(db.session, world.officer_b, disclosure, previous, now)
    db.session.commit()

    assert copied == 4
    assert disclosure.state is DisclosureState.DRAFT
    by_item = {r.item_id: r for r in disclosure.responses}
    assert sorted(by_item) == sorted(CARRIED)  # c0.retired-item is left behind
    for response in by_item.values():
        assert response.carried_over is True
        assert response.version == 1
        assert (response.updated_by_id, response.updated_at) == (world.officer_b.id, now)
    safety = by_item["c1.safety-team"]
    assert (safety.status, safety.narrative, safety.confidential_note) == (
        Status.MET,
        "Old team.",
        "Old note.",
    )
    assert safety.evidence_links == [{"url": "https://b.example/old", "title": "Old"}]
    assert by_item["c1.lifecycle-risk-process"].status is Status.NOT_APPLICABLE
    assert by_item["c1.lifecycle-risk-process"].not_applicable_reason == "We do not train models."
    assert by_item["c1.accountable-exec"].status is None
    assert by_item["c2.benchmarks-reported"].structured == {
        "benchmarks": {"selected": ["bbq"], "other": ["OurBench"]}
    }

    for response in by_item.values():
        [revision] = revisions(response.id)
        assert revision.version == 1 and revision.before == {}
        assert revision.after["carried_over_from"] == "earlier-cycle"
        assert revision.after["narrative"] == (response.narrative or "")
    [event] = audit("disclosure.copy_forward")
    assert event.details == {"from_cycle": "earlier-cycle", "items": 4}
    assert event.object_id == disclosure.id

    # the earlier disclosure is untouched
    db.session.expire_all()
    old = db.session.get(Disclosure, earlier_b.id)
    assert len(old.responses) == 5 and not any(r.carried_over for r in old.responses)
    assert old.state is DisclosureState.SUBMITTED


def test_copy_forward_only_into_an_empty_disclosure(world, earlier_b):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    services.copy_forward(db.session, world.officer_b, disclosure, earlier_b, utcnow())
    db.session.commit()
    with pytest.raises(NotEditable):
        services.copy_forward(db.session, world.officer_b, disclosure, earlier_b, utcnow())
    db.session.rollback()
    assert count(ItemResponse, disclosure_id=disclosure.id) == 4
    # company A's disclosure already has an answer
    with pytest.raises(NotEditable):
        services.copy_forward(db.session, world.officer_a, world.disclosure_a, earlier_b, utcnow())


def test_carried_over_answers_must_be_confirmed_before_submitting(world, earlier_b):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    services.copy_forward(db.session, world.officer_b, disclosure, earlier_b, utcnow())
    for item in world.checklist.items:
        if item.required and item.id not in CARRIED:
            save(world, disclosure, item.id, Answer(status=Status.NOT_DISCLOSED), None)
    db.session.commit()

    with pytest.raises(Incomplete) as raised:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    assert [(m.item.id, m.problem) for m in raised.value.missing] == [
        (item_id, Problem.UNANSWERED) for item_id in CARRIED
    ]  # checklist order
    db.session.rollback()

    # confirming with the same content clears the mark and is recorded
    safety = response_of(disclosure, "c1.safety-team")
    assert safety.carried_over
    save(world, disclosure, "c1.safety-team", services.answer_of(safety), 1)
    db.session.commit()
    assert safety.carried_over is False and safety.version == 2
    first, second = revisions(safety.id)
    assert second.before == {
        key: value for key, value in first.after.items() if key != "carried_over_from"
    }
    assert second.after == second.before
    assert second.changed_by_id == world.officer_b.id

    with pytest.raises(Incomplete) as raised:
        services.submit(db.session, world.officer_b, disclosure, utcnow())
    assert [m.item.id for m in raised.value.missing] == [
        i for i in CARRIED if i != "c1.safety-team"
    ]
    db.session.rollback()

    save(world, disclosure, "c1.accountable-exec", Answer(status=Status.NOT_DISCLOSED))
    for item_id in ("c1.lifecycle-risk-process", "c2.benchmarks-reported"):
        save(world, disclosure, item_id, services.answer_of(response_of(disclosure, item_id)))
    services.submit(db.session, world.officer_b, disclosure, utcnow())
    db.session.commit()
    assert disclosure.state is DisclosureState.SUBMITTED


def test_previous_disclosure_is_the_latest_handed_in_one(world):
    b = world.company_b

    assert services.previous_disclosure(db.session, b.id, world.cycle) is None
    oldest = make_disclosure(
        world, b, make_cycle(world, "minus-400", 400), DisclosureState.SUBMITTED
    )
    make_disclosure(world, b, make_cycle(world, "minus-200", 200), DisclosureState.DRAFT)
    other = make_disclosure(
        world, world.company_a, make_cycle(world, "minus-100", 100), DisclosureState.ACCEPTED
    )
    db.session.commit()
    assert services.previous_disclosure(db.session, b.id, world.cycle) is oldest  # not the draft
    assert services.previous_disclosure(db.session, world.company_a.id, world.cycle) is other

    published = make_disclosure(
        world, b, make_cycle(world, "minus-300", 300), DisclosureState.PUBLISHED
    )
    changes = make_disclosure(
        world, b, make_cycle(world, "minus-150", 150), DisclosureState.CHANGES_REQUESTED
    )
    later = make_cycle(world, "later", 5)  # opens after test-cycle: not a previous one
    make_disclosure(world, b, later, DisclosureState.ACCEPTED)
    db.session.commit()
    assert changes.state is DisclosureState.CHANGES_REQUESTED
    assert services.previous_disclosure(db.session, b.id, world.cycle) is published
    assert services.previous_disclosure(db.session, b.id, later).cycle.slug == "minus-300"


# --- attachments --------------------------------------------------------------------------------


@pytest.fixture
def png(world):
    return store_upload(io.BytesIO(PNG), "second chart.png", blobs(UPLOADS), 10_000, ("png",))


def test_add_attachment(world, png):
    now = utcnow()
    item = world.item("c1.safety-team")
    attachment = services.add_attachment(
        db.session, world.officer_a, world.disclosure_a, item, png, 2, 10_000, now
    )
    db.session.commit()
    assert (
        attachment.item_id,
        attachment.filename,
        attachment.file_type,
        attachment.size,
        attachment.sha256,
        attachment.content_type,
    ) == ("c1.safety-team", "second chart.png", "png", len(PNG), png.sha256, "image/png")
    assert (attachment.uploaded_by_id, attachment.uploaded_at) == (world.officer_a.id, now)
    listed = services.attachments_of(db.session, world.disclosure_a)
    assert [a.id for a in listed["c1.safety-team"]] == [world.ids["attachment"], attachment.id]
    [event] = audit("attachment.add")
    assert event.details == {
        "item": "c1.safety-team",
        "file": "second chart.png",
        "sha256": png.sha256,
        "size": len(PNG),
    }
    assert (event.actor_id, event.object_id) == (world.officer_a.id, world.disclosure_a.id)


def test_an_attachment_starts_the_draft(world, png):
    disclosure = services.disclosure_for(db.session, world.company_b, world.cycle)
    services.add_attachment(
        db.session,
        world.officer_b,
        disclosure,
        world.item("c2.benchmarks-reported"),
        png,
        1,
        len(PNG),
        utcnow(),
    )
    db.session.commit()
    assert disclosure.state is DisclosureState.DRAFT
    # company A's file does not count towards company B's limits
    assert [
        a.filename
        for a in services.attachments_of(db.session, disclosure)["c2.benchmarks-reported"]
    ] == ["second chart.png"]


def test_the_per_item_limit(world, png):
    with pytest.raises(AttachmentLimit) as raised:
        services.add_attachment(
            db.session,
            world.officer_a,
            world.disclosure_a,
            world.item("c1.safety-team"),
            png,
            1,
            10_000,
            utcnow(),
        )
    assert raised.value.which == "per_item"
    db.session.rollback()
    # another item has room
    services.add_attachment(
        db.session,
        world.officer_a,
        world.disclosure_a,
        world.item("c1.accountable-exec"),
        png,
        1,
        10_000,
        utcnow(),
    )
    db.session.commit()
    assert count(Attachment, disclosure_id=world.disclosure_a.id) == 2
    assert len(audit("attachment.add")) == 1


def test_the_total_limit(world, png):
    item = world.item("c1.accountable-exec")
    with pytest.raises(AttachmentLimit) as raised:
        services.add_attachment(
            db.session,
            world.officer_a,
            world.disclosure_a,
            item,
            png,
            10,
            2 * len(PNG) - 1,
            utcnow(),
        )
    assert raised.value.which == "total"
    db.session.rollback()
    assert count(Attachment) == 1
    services.add_attachment(
        db.session, world.officer_a, world.disclosure_a, item, png, 10, 2 * len(PNG), utcnow()
    )  # exactly at the limit
    db.session.commit()
    assert count(Attachment) == 2


def test_remove_attachment(world, png):
    attachment = db.session.get(Attachment, world.ids["attachment"])
    now = utcnow()
    services.remove_attachment(db.session, world.officer_a, attachment, now)
    db.session.commit()
    assert (attachment.removed_at, attachment.removed_by_id) == (now, world.officer_a.id)
    assert services.attachments_of(db.session, world.disclosure_a) == {}
    assert count(Attachment) == 1  # the row stays for the history
    [event] = audit("attachment.remove")
    assert event.details == {
        "item": "c1.safety-team",
        "file": "chart.png",
        "sha256": attachment.sha256,
    }
    # a removed file counts towards neither limit
    services.add_attachment(
        db.session,
        world.officer_a,
        world.disclosure_a,
        world.item("c1.safety-team"),
        png,
        1,
        len(PNG),
        utcnow(),
    )
    db.session.commit()
    assert [
        a.filename
        for a in services.attachments_of(db.session, world.disclosure_a)["c1.safety-team"]
    ] == ["second chart.png"]


# --- limits under parallel uploads --------------------------------------------------------------


def _attachments_on(app, disclosure_id: int, item_id: str | None = None) -> list[Attachment]:
    with app.app_context():
        query = sa.select(Attachment).where(
            Attachment.disclosure_id == disclosure_id, Attachment.removed_at.is_(None)
        )
        if item_id is not None:
            query = query.where(Attachment.item_id == item_id)
        return list(db.session.scalars(query))


def _upload_race(app, people, monkeypatch, item_id: str, count: int):
    """``count`` officers' browsers (two people, alternating) upload a different PNG each to
    the item at once; they meet at the disclosure's lock, taken before the files are counted."""
    clients = [client_as(app, people, ("officer_a", "officer_a2")[n % 2]) for n in range(count)]
    pages = [c.get(commitment_url(item_id)).get_data(as_text=True) for c in clients]
    return race(
        monkeypatch,
        services,
        "lock",
        *(
            (
                lambda c=client, p=page, n=n: upload_file(
                    c, item_id, f"figure-{n}.png", PNG + b"figure %d" % n, page=p
                )
            )
            for n, (client, page) in enumerate(zip(clients, pages, strict=True))
        ),
    )


def test_six_parallel_uploads_to_an_item_with_nine_files_leave_ten(
    app, accounts, filing_world, monkeypatch
):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    disclosure_id, item_id = filing_world["disclosure_a"], "c1.safety-team"
    [first] = _attachments_on(app, disclosure_id, item_id)
    with app.app_context():
        for n in range(8):
            db.session.add(
                Attachment(
                    disclosure_id=disclosure_id,
                    item_id=item_id,
                    filename=f"old-{n}.png",
                    file_type=first.file_type,
                    content_type=first.content_type,
                    size=first.size,
                    sha256=first.sha256,
                )
            )
        db.session.commit()
    limit = app.config["ATTACHMENTS_PER_ITEM"]
    assert limit == 10 and len(_attachments_on(app, disclosure_id, item_id)) == 9

    outcome = _upload_race(app, people, monkeypatch, item_id, 6)

    assert outcome.met
    assert sorted(outcome.statuses()) == [303] + [422] * 5
    for refused in outcome.losers():
        assert "already has 10 files, the most allowed" in refused.get_data(as_text=True)
    assert len(_attachments_on(app, disclosure_id, item_id)) == limit
    with app.app_context():
        added = db.session.scalars(sa.select(AuditEvent).filter_by(action="attachment.add"))
        assert len(added.all()) == 1
    # The refused files' bytes were not kept: the store holds what the rows name.
    stored = {a.sha256 for a in _attachments_on(app, disclosure_id)}
    assert _walk_store(app.config["UPLOAD_DIR"]) == stored


def _walk_store(directory: str) -> set[str]:
    """The content hashes of the files in the upload store."""
    return {name for _root, _dirs, files in os.walk(directory) for name in files}


def test_parallel_uploads_cannot_overshoot_the_total_size(app, accounts, filing_world, monkeypatch):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    disclosure_id = filing_world["disclosure_a"]
    [first] = _attachments_on(app, disclosure_id)
    # Room for one more file of this size, not two.
    app.config["ATTACHMENTS_TOTAL_SIZE"] = first.size + len(PNG) + len(PNG) // 2 + 10

    outcome = _upload_race(app, people, monkeypatch, "c1.accountable-exec", 2)

    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 422]
    [refused] = outcome.losers()
    assert "would exceed" in refused.get_data(as_text=True)
    total = sum(a.size for a in _attachments_on(app, disclosure_id))
    assert total <= app.config["ATTACHMENTS_TOTAL_SIZE"]
    assert len(_attachments_on(app, disclosure_id)) == 2


def test_two_copies_forward_at_once_copy_once(app, world, earlier_b, monkeypatch):
    people = world.ids | add_colleagues(
        app, world.ids["company_b"], officer=("officer_b2", "Officer B2")
    )
    clients = [client_as(app, people, who) for who in ("officer_b", "officer_b2")]
    url = f"/filing/{world.cycle.slug}/copy-forward"
    services.disclosure_for(db.session, world.company_b, world.cycle)  # empty, not started
    db.session.commit()
    # Requests made in this thread would share the test's app context (its ``g``, where the
    # CSRF token is kept): each client reads its token in a thread of its own.
    tokens = [in_own_thread(lambda c=c: csrf_token(c, "/account/")) for c in clients]
    db.session.rollback()  # the test's own session holds nothing while the requests run

    outcome = race(
        monkeypatch,
        services,
        "lock",
        *(
            (lambda c=c, t=t: c.post(url, data={"csrf_token": t}))
            for c, t in zip(clients, tokens, strict=True)
        ),
    )

    assert outcome.met
    assert sorted(outcome.statuses()) == [303, 409]
    [refused] = outcome.losers()
    assert "Answers can only be copied into an empty disclosure" in refused.get_data(as_text=True)
    current = db.session.scalar(
        sa.select(Disclosure).filter_by(company_id=world.ids["company_b"], cycle_id=world.cycle.id)
    )
    assert len(current.responses) == len(CARRIED)
    assert len(audit("disclosure.copy_forward")) == 1
