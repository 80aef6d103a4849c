"""Benchmark results filed with an answer: stored whole (confidential note included) in the
answer and its history, copied forward, and published without the confidential note."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.app import alliance_today
from tests.support.filing import create_filing_world
from tests.support.results import RESULTS_ITEM, good_result, stored
from tracker.auth.models import User
from tracker.checklists.services import load_checklist
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db, utcnow
from tracker.domain.answers import Answer, Limits
from tracker.domain.results import result_to_dict
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing import services
from tracker.filing.models import Disclosure, ItemResponse, ResponseRevision
from tracker.ledger.models import Publication
from tracker.ledger.services import publish, summarise, verify_ledger

SECRET = "RESULT-SECRET-NOTE"


@pytest.fixture
def results_world(app, accounts) -> dict:
    """The filing world on checklist 2024.2, whose c2.benchmarks-reported takes results."""
    return create_filing_world(app, accounts, checklist_version="2024.2")


def disclosure_of(world: dict) -> Disclosure:
    return db.session.get(Disclosure, world["disclosure_a"])


def answer_with_results(disclosure: Disclosure, results: list[dict]) -> ItemResponse:
    response = ItemResponse(
        disclosure=disclosure,
        item_id=RESULTS_ITEM,
        status=Status.MET,
        narrative="Scores below.",
        evidence_links=[],
        structured={"benchmarks": {"selected": ["harmbench"], "other": []}},
        benchmark_results=results,
    )
    db.session.add(response)
    db.session.flush()
    return response


def published(disclosure: Disclosure) -> Publication:
    disclosure.state = DisclosureState.ACCEPTED
    publication = publish(db.session, None, disclosure, utcnow())
    db.session.commit()
    return publication


def entry_of(snapshot: dict, item_id: str) -> dict:
    return next(e for e in snapshot["items"] if e["id"] == item_id)


# --- the snapshot and the ledger ----------------------------------------------------------------


def test_a_publication_holds_each_result_without_its_confidential_note(app_ctx, results_world):
    disclosure = disclosure_of(results_world)
    second = good_result(model="chengyue-7b-guarded", subject="system", safeguards="A filter")
    answer_with_results(disclosure, [stored(), stored(second)])
    publication = published(disclosure)

    snapshot = publication.snapshot
    assert SECRET not in json.dumps(snapshot, ensure_ascii=False)
    public = [result_to_dict(good_result()), result_to_dict(second)]
    assert entry_of(snapshot, RESULTS_ITEM)["results"] == public
    assert all("confidential_note" not in r for r in public)
    # Only the item that takes results has the key; the others read as they always did.
    assert [e["id"] for e in snapshot["items"] if "results" in e] == [RESULTS_ITEM]
    assert entry_of(snapshot, "c1.safety-team") == {
        "id": "c1.safety-team",
        "status": "met",
        "not_applicable_reason": "",
        "narrative": "We have a team.",
        "evidence_links": [],
        "structured": {},
    }
    assert publication.summary["results"] == {RESULTS_ITEM: public}
    assert SECRET not in json.dumps(publication.summary, ensure_ascii=False)
    assert verify_ledger(db.session) == (1, None)


def test_an_item_that_takes_results_but_has_none_publishes_an_empty_list(app_ctx, results_world):
    publication = published(disclosure_of(results_world))  # c2.benchmarks-reported unanswered
    assert entry_of(publication.snapshot, RESULTS_ITEM)["results"] == []
    # and a summary with no results at all is the summary of before results existed
    assert "results" not in publication.summary
    assert publication.summary == summarise(publication.snapshot)


def test_a_checklist_version_without_results_publishes_what_it_always_did(app_ctx, filing_world):
    disclosure = disclosure_of(filing_world)  # checklist 2024.1
    # Results stored where the item takes none (never done by filing) are not published.
    answer_with_results(disclosure, [stored()])
    publication = published(disclosure)
    assert not any("results" in entry for entry in publication.snapshot["items"])
    assert set(publication.snapshot["items"][0]) == {
        "id",
        "status",
        "not_applicable_reason",
        "narrative",
        "evidence_links",
        "structured",
    }
    assert "results" not in publication.summary
    assert "chengyue" not in json.dumps(publication.snapshot)


# --- the answer's history ----------------------------------------------------------------------


def test_the_history_keeps_each_result_whole(app_ctx, accounts, results_world):
    disclosure = disclosure_of(results_world)
    response = answer_with_results(disclosure, [stored()])
    db.session.commit()
    assert services.snapshot(response)["results"] == [stored()]
    assert services.snapshot(response)["results"][0]["confidential_note"] == SECRET

    officer = db.session.get(User, accounts.ids["officer_a"])
    answer = services.answer_of(response)
    answer = Answer(**{**answer.__dict__, "narrative": "Scores below, restated."})
    services.save_answer(
        db.session,
        officer,
        disclosure,
        disclosure.checklist_version.checklist.item(RESULTS_ITEM),
        answer,
        response.version,
        Limits(),
        utcnow(),
    )
    db.session.commit()
    revision = db.session.scalars(
        sa.select(ResponseRevision).filter_by(response_id=response.id)
    ).one()
    # Saving the answer keeps the results, and the revision holds them on both sides.
    assert response.benchmark_results == [stored()]
    assert revision.before["results"] == revision.after["results"] == [stored()]


# --- copied forward -----------------------------------------------------------------------------


def earlier_disclosure(session, company_id: int, version_label: str) -> Disclosure:
    """Company ``company_id``'s submitted disclosure, 400 days ago, on checklist
    ``version_label``, whose c2.benchmarks-reported holds one result."""
    from flask import current_app

    loaded = next(
        c
        for c in current_app.extensions["tracker.checklist_files"]
        if c.checklist.version == version_label
    )
    version = load_checklist(session, loaded).version
    opens = alliance_today() - timedelta(400)
    cycle = Cycle(
        slug="earlier-cycle",
        name_en="Earlier",
        name_zh="上一周期",
        checklist_version=version,
        opens_on=opens,
        due_on=opens + timedelta(30),
        opened_at=utcnow(),
    )
    disclosure = Disclosure(
        company_id=company_id,
        cycle=cycle,
        checklist_version=version,
        state=DisclosureState.SUBMITTED,
    )
    session.add(disclosure)
    answer_with_results(disclosure, [stored()])
    session.commit()
    return disclosure


def test_copy_forward_carries_the_results_whole(app_ctx, accounts, results_world):
    company = db.session.get(Company, accounts.ids["company_b"])
    officer = db.session.get(User, accounts.ids["officer_b"])
    previous = earlier_disclosure(db.session, company.id, "2024.2")
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=results_world["cycle"]))
    disclosure = services.disclosure_for(db.session, company, cycle)
    assert services.copy_forward(db.session, officer, disclosure, previous, utcnow()) == 1
    db.session.commit()
    [response] = disclosure.responses
    assert response.benchmark_results == [stored()]  # confidential note included: staff see it
    [revision] = response.revisions
    assert revision.after["results"] == [stored()]


def test_copy_forward_leaves_results_behind_where_the_item_takes_none(
    app_ctx, accounts, filing_world
):
    company = db.session.get(Company, accounts.ids["company_b"])
    officer = db.session.get(User, accounts.ids["officer_b"])
    previous = earlier_disclosure(db.session, company.id, "2024.2")
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=filing_world["cycle"]))  # 2024.1
    disclosure = services.disclosure_for(db.session, company, cycle)
    services.copy_forward(db.session, officer, disclosure, previous, utcnow())
    db.session.commit()
    [response] = disclosure.responses
    assert response.narrative == "Scores below." and response.benchmark_results == []
