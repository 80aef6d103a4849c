"""Benchmark results filed with an answer: stored whole (confidential note included) in the
answer and its history, copied forward, and published without the confidential note."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from tests.support.app import alliance_today
from tests.support.filing import CYCLE, create_filing_world
from tests.support.http import client_as, csrf_token
from tests.support.results import RESULTS_ITEM, good_result, stored
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.checklists.services import load_checklist
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db, utcnow
from tracker.domain.answers import Answer, Limits
from tracker.domain.languages import ZH
from tracker.domain.results import ResultLimits, ResultProblem, result_to_dict
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing import services
from tracker.filing.forms import RESULT_FIELDS, typed_from
from tracker.filing.messages import result_problem_message
from tracker.filing.models import Disclosure, ItemResponse, ResponseRevision
from tracker.i18n import LANGUAGE_COOKIE
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
        "narrative_language": "en",
        "narrative_translation": "",
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
        "narrative_language",  # since migration 0022, in every new snapshot
        "narrative_translation",
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


# --- saving results (the service) ---------------------------------------------------------------


@pytest.fixture
def registry(app):
    """The app validates against the tests' own registry (tests.support.results.REGISTRY)."""
    from tests.support.results import REGISTRY
    from tracker.benchmarks.registry import EXTENSION

    app.extensions[EXTENSION] = REGISTRY
    return REGISTRY


def officer_a(accounts) -> User:
    return db.session.get(User, accounts.ids["officer_a"])


def results_response(disclosure: Disclosure) -> ItemResponse | None:
    return next((r for r in disclosure.responses if r.item_id == RESULTS_ITEM), None)


def save(accounts, disclosure, results, registry, **kwargs) -> ItemResponse:
    return services.save_results(
        db.session,
        officer_a(accounts),
        disclosure,
        RESULTS_ITEM,
        results,
        registry=registry,
        now=kwargs.pop("now", utcnow()),
        **kwargs,
    )


def test_saving_results_creates_the_answer_and_records_a_revision(
    app_ctx, accounts, results_world, registry
):
    disclosure = disclosure_of(results_world)
    response = save(accounts, disclosure, [good_result()], registry, expected_version=None)
    db.session.commit()
    assert response.benchmark_results == [stored()]
    assert response.status is None and response.version == 1
    assert disclosure.state is DisclosureState.DRAFT
    [revision] = response.revisions
    assert revision.before == {} and revision.after["results"] == [stored()]
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="answer.results")).one()
    assert event.details == {"item": RESULTS_ITEM, "version": 1, "results": [0, 1]}

    # the whole list is replaced; the same list again changes nothing
    second = good_result(model="chengyue-70b")
    save(accounts, disclosure, [second, good_result()], registry, expected_version=1)
    db.session.commit()
    assert [r["model"] for r in response.benchmark_results] == ["chengyue-70b", "chengyue-7b-chat"]
    save(accounts, disclosure, [second, good_result()], registry, expected_version=2)
    db.session.commit()
    assert response.version == 2 and len(response.revisions) == 2


def test_saving_results_keeps_the_answer_and_its_carried_over_mark(
    app_ctx, accounts, results_world, registry
):
    disclosure = disclosure_of(results_world)
    response = answer_with_results(disclosure, [])
    response.carried_over = True
    db.session.commit()
    save(accounts, disclosure, [good_result()], registry, expected_version=response.version)
    db.session.commit()
    assert (response.status, response.narrative) == (Status.MET, "Scores below.")
    assert response.carried_over is True  # the answer itself is still to be confirmed


def test_every_problem_is_named_by_position_and_nothing_is_saved(
    app_ctx, accounts, results_world, registry
):
    disclosure = disclosure_of(results_world)
    bad = good_result(metric="no-such-metric", run_on="tomorrow", model="")
    with pytest.raises(services.InvalidResults) as refused:
        save(accounts, disclosure, [good_result(), bad], registry)
    assert refused.value.problems == [
        (1, "metric", ResultProblem.UNKNOWN_METRIC),
        (1, "model", ResultProblem.REQUIRED),
        (1, "run_on", ResultProblem.NOT_A_DATE),
    ]
    db.session.rollback()
    assert results_response(disclosure_of(results_world)) is None


def test_a_list_longer_than_the_limit_is_refused(app_ctx, accounts, results_world, registry):
    limits = ResultLimits(per_item=2)
    with pytest.raises(services.InvalidResults) as refused:
        save(accounts, disclosure_of(results_world), [good_result()] * 3, registry, limits=limits)
    assert refused.value.problems == [(2, "", ResultProblem.TOO_MANY)]


def test_a_stale_version_is_a_conflict_and_writes_nothing(
    app_ctx, accounts, results_world, registry
):
    disclosure = disclosure_of(results_world)
    save(accounts, disclosure, [good_result()], registry, expected_version=None)
    db.session.commit()
    with pytest.raises(services.EditConflict):
        save(accounts, disclosure, [], registry, expected_version=None)
    db.session.rollback()
    assert results_response(disclosure_of(results_world)).benchmark_results == [stored()]
    # an import replaces whatever is saved: it names no version
    save(accounts, disclosure_of(results_world), [], registry)
    db.session.commit()
    assert results_response(disclosure_of(results_world)).benchmark_results == []


def test_an_item_without_results_or_a_closed_disclosure_takes_none(
    app_ctx, accounts, results_world, registry
):
    disclosure = disclosure_of(results_world)
    for item_id in ("c1.safety-team", "c9.no-such-item"):
        with pytest.raises(services.ResultsNotTaken):
            services.save_results(
                db.session,
                officer_a(accounts),
                disclosure,
                item_id,
                [good_result()],
                registry=registry,
                now=utcnow(),
            )
    disclosure.state = DisclosureState.SUBMITTED
    with pytest.raises(services.NotEditable):
        save(accounts, disclosure, [good_result()], registry)


# --- the pages ----------------------------------------------------------------------------------

RESULTS_URL = f"/filing/{CYCLE}/items/{RESULTS_ITEM}/results"
ITEM_PAGE = f"/filing/{CYCLE}/c2"


def form_of(result=None, **changes) -> dict[str, str]:
    """The result form's fields as a browser sends them, for ``result`` with ``changes``
    (each a field name and the text typed in it)."""
    typed = typed_from(result or good_result())
    data = {name: value for name, value in typed.items() if name != "breakdown"}
    for n, row in enumerate(typed["breakdown"]):
        data[f"breakdown-{n}-name"] = row["name"]
        data[f"breakdown-{n}-value"] = row["value"]
    return data | changes


def page_form(client, url: str) -> dict[str, str]:
    """csrf_token and answer_version of the result form (or the removal form) on ``url``."""
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', html)
    version = re.search(r'name="answer_version" value="([^"]*)"', html)
    assert token and version, html
    return {"csrf_token": token[1], "answer_version": version[1]}


def post_result(client, url: str, data: dict, form_page: str | None = None):
    return client.post(url, data=page_form(client, form_page or url) | data)


@pytest.fixture
def officer(app, accounts, results_world, registry):
    return client_as(app, accounts.ids | results_world, "officer_a")


def saved_results(app, world) -> list[dict]:
    with app.app_context():
        response = results_response(db.session.get(Disclosure, world["disclosure_a"]))
        return list(response.benchmark_results) if response else []


def store_results(app, world, results: list[dict]) -> None:
    with app.app_context():
        answer_with_results(db.session.get(Disclosure, world["disclosure_a"]), results)
        db.session.commit()


def test_adding_a_result_lists_it_on_the_item_page(app, officer, results_world):
    page = officer.get(ITEM_PAGE).get_data(as_text=True)
    assert "Benchmark results" in page and "No result filed." in page
    assert f'href="{RESULTS_URL}/new"' in page

    form = officer.get(f"{RESULTS_URL}/new")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    for legend in ("What was run", "The number", "On what", "Conditions", "Grading"):
        assert f"<legend>{legend}</legend>" in html
    assert "Provenance" in html and "Confidential note for alliance staff" in html
    assert html.count('class="required-mark"') == 12  # every REQUIRED_FIELDS one
    assert '<optgroup label="HarmBench" data-benchmark="harmbench">' in html
    assert "Attack success rate (0–100 %, lower is better)" in html

    response = post_result(officer, f"{RESULTS_URL}/new", form_of())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/filing/{CYCLE}/c2#results-{RESULTS_ITEM}")
    assert saved_results(app, results_world) == [stored()]

    page = officer.get(ITEM_PAGE).get_data(as_text=True)
    assert "chengyue-7b-chat" in page and "12.5% ± 1.5" in page
    assert f'href="{RESULTS_URL}/1"' in page and f'href="{RESULTS_URL}/1/remove"' in page
    assert "RESULT-SECRET-NOTE" not in page  # the list shows no note; the form does


def test_the_form_explains_every_field_in_chinese(app, officer):
    officer.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    html = officer.get(f"{RESULTS_URL}/new").get_data(as_text=True)
    for text in ("添加基准测试结果", "评测内容", "评分方式", "来源", "攻击成功率"):
        assert text in html, text
    english = [f.help for f in RESULT_FIELDS.values()]
    assert not any(str(help_text) in html for help_text in english)


def test_editing_a_result_replaces_it_in_place(app, officer, results_world):
    store_results(app, results_world, [stored(), stored(model="second-model")])
    html = officer.get(f"{RESULTS_URL}/2").get_data(as_text=True)
    assert 'value="second-model"' in html and "RESULT-SECRET-NOTE" in html
    response = post_result(officer, f"{RESULTS_URL}/2", form_of(model="second-model-v2"))
    assert response.status_code == 303
    assert [r["model"] for r in saved_results(app, results_world)] == [
        "chengyue-7b-chat",
        "second-model-v2",
    ]
    assert officer.get(f"{RESULTS_URL}/3").status_code == 404
    assert officer.get(f"{RESULTS_URL}/0").status_code == 404


def test_removing_asks_first_then_removes(app, officer, results_world):
    store_results(app, results_world, [stored(), stored(model="second-model")])
    confirm = officer.get(f"{RESULTS_URL}/1/remove")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Remove result 1?" in html and "chengyue-7b-chat" in html
    assert '<button type="submit" class="button danger">Remove the result</button>' in html
    response = officer.post(
        f"{RESULTS_URL}/1/remove", data=page_form(officer, f"{RESULTS_URL}/1/remove")
    )
    assert response.status_code == 303
    assert [r["model"] for r in saved_results(app, results_world)] == ["second-model"]
    assert officer.get(f"{RESULTS_URL}/2/remove").status_code == 404


BAD_INPUT = [
    ({"benchmark": "no-such-bench"}, "benchmark", "This benchmark is not in the registry"),
    ({"version": "9.9"}, "version", "no such version"),
    ({"configuration": ""}, "configuration", "several configurations"),
    ({"configuration": "nope"}, "configuration", "no such configuration"),
    ({"language": "fr"}, "language", "in that language"),
    ({"metric": "accuracy"}, "metric", "no such metric"),
    ({"value": "twelve"}, "value", "Give a number"),
    ({"value": "100.5"}, "value", "Outside the metric&#39;s range, 0 to 100."),
    ({"value": "9" * 400}, "value", "Give a number"),
    ({"value": "1e308"}, "value", "Outside the metric&#39;s range"),
    ({"value": ""}, "value", "Required."),
    ({"uncertainty": "-1"}, "uncertainty", "Cannot be negative."),
    ({"uncertainty": "some"}, "uncertainty", "Give a number"),
    ({"uncertainty": "1e13"}, "uncertainty", "The number is too large."),
    ({"sample_size": "2.5"}, "sample_size", "Give a whole number of at least 1."),
    ({"sample_size": "0"}, "sample_size", "Give a whole number of at least 1."),
    ({"sample_size": "1e20"}, "sample_size", "Give a whole number of at least 1."),
    ({"attempts": "many"}, "attempts", "Give a whole number of at least 1."),
    ({"model": ""}, "model", "Required."),
    ({"model": "m" * 301}, "model", "At most 300 characters."),
    ({"safeguards": "s" * 2001}, "safeguards", "At most 2000 characters."),
    ({"subject": "robot"}, "subject", "Choose one of the options."),
    ({"grader": "oracle"}, "grader", "Choose one of the options."),
    ({"judge_model": ""}, "judge_model", "name the judge model"),
    ({"grader": "rules"}, "judge_model", "Only for an LLM judge"),
    ({"relationship": ""}, "relationship", "Required."),
    ({"run_on": "2026-02-30"}, "run_on", "Give a date as YYYY-MM-DD."),
    ({"run_on": "2999-01-01"}, "run_on", "This date is in the future."),
    ({"results_url": "javascript:alert(1)"}, "results_url", "https:// or http://"),
    ({"breakdown-0-value": "lots"}, "breakdown", "Give each category a name and a number."),
    ({"breakdown-0-value": "250"}, "breakdown", "Outside the metric&#39;s range"),
    ({"breakdown-0-name": ""}, "breakdown", "Give each category a name."),
    ({"breakdown-0-name": "c" * 101}, "breakdown", "at most 100 characters"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT, ids=lambda v: str(v)[:40])
def test_bad_input_is_refused_beside_its_field_with_everything_kept(
    app, officer, results_world, changes, field, message
):
    data = form_of(**changes)
    response = post_result(officer, f"{RESULTS_URL}/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="result-{field}-error">([^<]*)</p>', html)
    assert error and message in error[1], (error and error[1], message)
    assert f'href="#result-{field}"' in html  # the summary links to the field
    for name, value in data.items():
        if value and len(value) < 100:
            assert escape(value) in html, name
    assert saved_results(app, results_world) == []


def test_a_graded_metric_takes_one_of_its_grades(app, officer, results_world):
    graded = {
        "benchmark": "ailuminate",
        "version": "1.0",
        "configuration": "",
        "language": "zh",
        "metric": "grade",
    }
    response = post_result(officer, f"{RESULTS_URL}/new", form_of(**graded, value="great"))
    assert response.status_code == 422
    assert "Give one of the metric&#39;s grades: poor (Poor), fair (Fair), good (Good)." in (
        response.get_data(as_text=True)
    )
    fine = form_of(**graded, value="good", uncertainty="") | {
        "breakdown-0-name": "",
        "breakdown-0-value": "",
        "breakdown-1-name": "",
        "breakdown-1-value": "",
    }
    assert post_result(officer, f"{RESULTS_URL}/new", fine).status_code == 303
    assert saved_results(app, results_world)[0]["value"] == "good"


def test_an_empty_or_garbled_form_is_refused_not_an_error(app, officer, results_world):
    response = post_result(officer, f"{RESULTS_URL}/new", {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Required.") >= 12
    garbled = form_of() | {"breakdown-99999-name": "x", "breakdown-x-value": "1"}
    assert post_result(officer, f"{RESULTS_URL}/new", garbled).status_code == 303
    bad_version = officer.post(
        f"{RESULTS_URL}/new",
        data=page_form(officer, f"{RESULTS_URL}/new") | form_of() | {"answer_version": "x²"},
    )
    assert bad_version.status_code == 400
    assert 'value="chengyue-7b-chat"' in bad_version.get_data(as_text=True)  # kept


def test_hostile_text_is_shown_as_text(app, officer, results_world):
    hostile = '<script>alert("x")</script>'
    data = form_of(
        model=hostile, run_by=hostile, harness=hostile, results_url='https://e.example/"><b>'
    )
    assert post_result(officer, f"{RESULTS_URL}/new", data).status_code == 303
    for page in (officer.get(ITEM_PAGE), officer.get(f"{RESULTS_URL}/1")):
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    refused = post_result(officer, f"{RESULTS_URL}/new", data | {"value": hostile})
    assert refused.status_code == 422 and "<script>alert" not in refused.get_data(as_text=True)


def test_a_colleagues_save_meanwhile_is_a_conflict_and_nothing_is_lost(app, officer, results_world):
    token = page_form(officer, f"{RESULTS_URL}/new")  # opened before the colleague saved
    store_results(app, results_world, [stored(model="colleagues-model")])
    response = officer.post(f"{RESULTS_URL}/new", data=token | form_of(model="my-model"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "colleagues-model" in html and 'value="my-model"' in html
    assert [r["model"] for r in saved_results(app, results_world)] == ["colleagues-model"]
    # the form on the conflict page names the version saved now: it adds the result
    version = re.search(r'name="answer_version" value="([^"]*)"', html)[1]
    again = officer.post(
        f"{RESULTS_URL}/new", data=token | {"answer_version": version} | form_of(model="my-model")
    )
    assert again.status_code == 303
    assert [r["model"] for r in saved_results(app, results_world)] == [
        "colleagues-model",
        "my-model",
    ]


def test_a_removal_from_a_stale_page_removes_nothing(app, officer, results_world):
    store_results(app, results_world, [stored()])
    token = page_form(officer, f"{RESULTS_URL}/1/remove")
    with app.app_context():
        response = results_response(db.session.get(Disclosure, results_world["disclosure_a"]))
        response.benchmark_results = [stored(model="changed-meanwhile")]
        db.session.commit()
    refused = officer.post(f"{RESULTS_URL}/1/remove", data=token)
    assert refused.status_code == 409
    assert "changed-meanwhile" in refused.get_data(as_text=True)
    assert [r["model"] for r in saved_results(app, results_world)] == ["changed-meanwhile"]


def test_results_only_while_the_disclosure_is_editable(app, officer, results_world):
    store_results(app, results_world, [stored()])
    with app.app_context():
        db.session.get(Disclosure, results_world["disclosure_a"]).state = DisclosureState.SUBMITTED
        db.session.commit()
    assert officer.get(f"{RESULTS_URL}/new").status_code == 409
    assert officer.get(f"{RESULTS_URL}/1").status_code == 409
    token = {"csrf_token": csrf_token(officer, "/account/"), "answer_version": "1"}
    assert officer.post(f"{RESULTS_URL}/new", data=token | form_of()).status_code == 409
    assert officer.post(f"{RESULTS_URL}/1/remove", data=token).status_code == 409
    assert saved_results(app, results_world) == [stored()]
    page = officer.get(ITEM_PAGE).get_data(as_text=True)
    assert "chengyue-7b-chat" in page and "Add a result" not in page and "/1/remove" not in page


def test_only_the_companys_officers_reach_its_results(app, accounts, results_world, registry):
    store_results(app, results_world, [stored()])
    ids = accounts.ids | results_world
    other = client_as(app, ids, "officer_b")
    assert other.get(f"{RESULTS_URL}/1").status_code == 404
    assert other.get(f"{RESULTS_URL}/1/remove").status_code == 404
    token = {"csrf_token": csrf_token(other, "/account/"), "answer_version": "1"}
    assert other.post(f"{RESULTS_URL}/1", data=token | form_of()).status_code == 404
    assert other.post(f"{RESULTS_URL}/1/remove", data=token).status_code == 404
    assert saved_results(app, results_world) == [stored()]
    for role in ("staff", "admin"):
        assert client_as(app, ids, role).get(f"{RESULTS_URL}/new").status_code == 403
    anonymous = client_as(app, ids, "anonymous").get(f"{RESULTS_URL}/new")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_an_item_without_results_has_no_result_pages(app, officer):
    for url in (
        f"/filing/{CYCLE}/items/c1.safety-team/results/new",
        f"/filing/{CYCLE}/items/c9.nothing/results/new",
        f"/filing/{CYCLE}/items/c1.safety-team/results/1",
    ):
        assert officer.get(url).status_code == 404, url
    assert "Benchmark results" not in officer.get(f"/filing/{CYCLE}/c1").get_data(as_text=True)


def test_a_post_without_its_csrf_token_is_refused(app, officer, results_world):
    response = officer.post(f"{RESULTS_URL}/new", data=form_of() | {"answer_version": ""})
    assert response.status_code == 400
    assert saved_results(app, results_world) == []


def test_staff_review_every_field_and_the_confidential_note(app, accounts, results_world):
    store_results(app, results_world, [stored()])
    staff = client_as(app, accounts.ids | results_world, "staff")
    html = staff.get(f"/review/{CYCLE}/company-a").get_data(as_text=True)
    for text in (
        "Benchmark results",
        "chengyue-7b-chat",
        "RESULT-SECRET-NOTE",
        "harmbench-llama-2-13b-cls",
        "cybercrime",
    ):
        assert text in html, text


def test_the_history_shows_what_the_results_became(app, officer, results_world):
    assert post_result(officer, f"{RESULTS_URL}/new", form_of()).status_code == 303
    html = officer.get(f"/filing/{CYCLE}/items/{RESULTS_ITEM}/history").get_data(as_text=True)
    assert "Benchmark results" in html and "chengyue-7b-chat" in html


def test_every_result_problem_reads_in_both_languages(app):
    limits = ResultLimits()
    for problem in ResultProblem:
        for field in ("value", "breakdown", "model", ""):
            with app.test_request_context("/"):
                english = result_problem_message(field, problem, limits)
            with app.test_request_context(
                "/", headers={"Cookie": f"{LANGUAGE_COOKIE}={ZH.locale}"}
            ):
                chinese = result_problem_message(field, problem, limits)
            assert english and chinese and english != chinese, (problem, field)
            assert "%(" not in english + chinese


def test_results_stay_optional_for_submission(app_ctx, accounts, results_world):
    """Naming the benchmarks (or meeting the item) without a number is a legitimate answer."""
    from tests.support.filing import answer_everything

    answer_with_results(disclosure_of(results_world), [])
    db.session.commit()
    answer_everything(app_ctx, results_world["disclosure_a"])
    disclosure = disclosure_of(results_world)
    services.submit(db.session, officer_a(accounts), disclosure, utcnow())
    db.session.commit()
    assert disclosure.state is DisclosureState.SUBMITTED


def test_the_item_page_reads_as_many_results_in_as_many_queries(
    app, officer, results_world, count_queries
):
    def queries_with(results: int) -> int:
        with app.app_context():
            response = results_response(db.session.get(Disclosure, results_world["disclosure_a"]))
            if response is None:
                answer_with_results(db.session.get(Disclosure, results_world["disclosure_a"]), [])
                response = results_response(
                    db.session.get(Disclosure, results_world["disclosure_a"])
                )
            response.benchmark_results = [stored(model=f"m-{n}") for n in range(results)]
            db.session.commit()
        with count_queries() as counter:
            page = officer.get(ITEM_PAGE)
        assert page.status_code == 200 and page.get_data(as_text=True).count("m-") >= results
        return counter.count

    queries_with(0)  # the first visit also fills what later ones read (the sign-in session…)
    assert queries_with(1) == queries_with(40)


def test_a_benchmark_without_listed_languages_offers_the_apps_two(app):
    from tracker.benchmarks.registry import current_registry
    from tracker.filing.forms import registry_choices

    with app.test_request_context():
        choices = registry_choices(current_registry(), "en", lambda text: text.en)
    (caict,) = [g for g in choices["language"] if g.benchmark == "caict-ai-safety-benchmark"]
    assert [tag for tag, _ in caict.options] == ["en", "zh"]
