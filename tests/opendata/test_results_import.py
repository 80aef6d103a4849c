"""Importing Every Eval Ever records into an officer's draft: every record checked, every
problem listed with its record and place, nothing saved half-way; hostile files refused with a
clear message and a 4xx."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.support.accounts import create_accounts
from tests.support.filing import CYCLE, Forms, commitment_url, create_filing_world
from tests.support.http import client_as
from tests.support.results import shipped_result
from tracker.db import db
from tracker.domain import eee
from tracker.domain.results import Result, result_from_dict, result_to_dict
from tracker.filing.models import Disclosure, ItemResponse

ITEM = "c2.benchmarks-reported"
URL = f"/filing/{CYCLE}/items/{ITEM}/results/import"
PUBLISHED = eee.Published(
    company="elsewhere",
    company_name_en="Elsewhere Labs",
    company_name_zh="别处实验室",
    cycle="2025",
    version=1,
    published_at=datetime(2026, 1, 2, tzinfo=UTC),
    item=ITEM,
    position=1,
)
# Results the shipped registry takes (commitments/benchmarks/registry.yaml).
HARMBENCH = shipped_result(
    model="acme/orbit-7b",
    model_version="2026-03-01",
    grader="llm_judge",
    judge_model="harmbench-llama-2-13b-cls",
    judge_prompt="v1",
    run_by="Acme Safety",
    run_on="2026-01-15",
    harness="HarmBench",
    harness_version="1.0",
    results_url="",
)


@pytest.fixture
def world(app):
    with app.app_context():
        accounts = create_accounts()
    ids = create_filing_world(app, accounts, "2024.2")
    return accounts.ids | ids


@pytest.fixture
def officer(app, world):
    return client_as(app, world, "officer_a")


def records(*results: Result) -> list[dict]:
    with_registry = None
    from tracker.benchmarks.registry import current_registry

    with_registry = current_registry()
    return [eee.to_record(r, PUBLISHED, with_registry.get(r.benchmark)) for r in results]


def token(client) -> str:
    form = Forms(client.get(commitment_url(ITEM)).get_data(as_text=True)).form(URL)
    return form["csrf_token"][0]


BOUNDARY = "----tracker-test-boundary"


def send(client, content: bytes | str | list | dict, filename: str = "results.json"):
    """Post the import form with ``content`` as its file. The multipart body is built here: the
    test client spools a body it encodes over 500 kB to a file it never closes."""
    if not isinstance(content, bytes | str):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    body = (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token(client)}\r\n"
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/json\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def saved(app, world) -> list[dict]:
    with app.app_context():
        response = db.session.scalar(
            sa.select(ItemResponse).filter_by(disclosure_id=world["disclosure_a"], item_id=ITEM)
        )
        return list(response.benchmark_results) if response else []


def test_the_item_page_offers_the_import_form_on_an_editable_draft(officer):
    html = officer.get(commitment_url(ITEM)).get_data(as_text=True)
    assert "Import results (Every Eval Ever JSON)" in html
    form = Forms(html).form(URL)
    assert form["csrf_token"][0]
    # only the item that takes results has one
    assert "/items/c2.external-testing/results/import" not in html


def test_good_records_are_appended_to_the_items_results(app, world, officer):
    with app.app_context():
        graded = replace(
            HARMBENCH,
            benchmark="ailuminate",
            version="v1.0",
            configuration="practice",
            metric="grade",
            value="good",
            uncertainty=None,
            grader="rules",
            judge_model="",
            judge_prompt="",
        )
        document = records(HARMBENCH, graded)
    response = send(officer, document)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"#results-{ITEM}")
    stored = saved(app, world)
    assert [result_from_dict(r) for r in stored] == [HARMBENCH, graded]
    # a second file is added after the first
    with app.app_context():
        again = records(replace(HARMBENCH, value=30.0))
    assert send(officer, again).status_code == 303
    assert [r["value"] for r in saved(app, world)] == [12.5, "good", 30.0]
    page = officer.get(commitment_url(ITEM), follow_redirects=True).get_data(as_text=True)
    assert "1 result imported." in page or "results imported" in page


def test_one_bad_record_saves_nothing_and_every_problem_is_located(app, world, officer):
    with app.app_context():
        good, bad = records(HARMBENCH, replace(HARMBENCH, version="9.9"))
    bad["model_info"].pop("id")
    other = json.loads(json.dumps(good))
    other["evaluation_results"][0]["source_data"]["additional_details"]["version"] = "9.9"
    response = send(officer, [good, bad, other])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert saved(app, world) == []
    assert "The results were not imported" in html
    assert "Record 2, <code>$.model_info.id</code>" in html
    assert (
        "Record 3, <code>$.evaluation_results[0].source_data.additional_details.version</code>"
        in html
    )
    assert "The registry has no such version of this benchmark." in html
    assert "Record 1" not in html


def test_a_record_valid_for_eee_with_an_unknown_benchmark(app, world, officer):
    with app.app_context():
        (record,) = records(HARMBENCH)
    evaluation = record["evaluation_results"][0]
    evaluation["source_data"]["additional_details"].pop("benchmark")
    evaluation["evaluation_name"] = "MadeUpBench"
    evaluation["source_data"]["dataset_name"] = "MadeUpBench"
    eee._validator().validate(record)  # the schema has nothing against it
    response = send(officer, [record])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Record 1, <code>$.evaluation_results[0].evaluation_name</code>" in html
    assert "No benchmark of the registry has this id or name." in html
    assert saved(app, world) == []


def test_names_are_escaped_on_the_page(app, world, officer):
    with app.app_context():
        (record,) = records(HARMBENCH)
    record["evaluation_results"][0]["evaluation_name"] = "<script>alert(1)</script>"
    record["evaluation_results"][0]["source_data"]["additional_details"].pop("benchmark")
    record["<img src=x onerror=alert(2)>"] = "x"
    response = send(officer, [record])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "The Every Eval Ever schema has no such field." in html


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"this is not json", 422, "The file is not valid JSON."),
        (b"\xff\xfe\x00", 422, "The file is not UTF-8 text"),
        (b"[]", 422, "The file holds no records."),
        (b'"a string"', 422, "The file must hold an array of Every Eval Ever records."),
        (b"[" * 50_000 + b"]" * 50_000, 422, "nests arrays or objects too deeply"),
        (b"[NaN]", 422, "NaN or Infinity"),
        (b"[" + b"7" * 5000 + b"]", 422, "too many digits"),
        (b"[1, 2]", 422, "Record 1, <code>$</code>"),
        (b" " * (10 * 1024 * 1024), 413, "The file is larger than 1024 kB"),
    ],
    ids=["not-json", "not-utf8", "empty", "string", "deep", "nan", "digits", "numbers", "10mb"],
)
def test_hostile_files_are_refused_with_a_message(app, world, officer, content, status, message):
    response = send(officer, content)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert saved(app, world) == []


def test_huge_numbers_and_wrong_types_are_located(app, world, officer):
    with app.app_context():
        huge, typed, future = records(HARMBENCH, HARMBENCH, HARMBENCH)
    typed["evaluation_results"][0]["score_details"]["score"] = "12.5"
    typed["model_info"]["additional_details"]["subject"] = ["model"]
    future["evaluation_results"][0]["score_details"]["uncertainty"]["num_samples"] = -3
    # 1e999 is valid JSON that no float holds
    text = json.dumps([huge, typed, future]).replace('"score": 12.5', '"score": 1e999', 1)
    response = send(officer, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Record 1, <code>$.evaluation_results[0].score_details.score</code>" in html
    assert "Record 2, <code>$.evaluation_results[0].score_details.score</code>" in html
    assert "wants a value of type number" in html
    assert "Record 2, <code>$.model_info.additional_details.subject</code>" in html
    assert (
        "Record 3, <code>$.evaluation_results[0].score_details.uncertainty.num_samples</code>"
        in html
    )
    assert saved(app, world) == []


def test_no_more_results_than_the_item_takes(app, world, officer):
    with app.app_context():
        document = records(*[HARMBENCH] * 51)
    response = send(officer, document)
    assert response.status_code == 422
    assert "more results than this item has room for (50 more)" in response.get_data(as_text=True)
    assert saved(app, world) == []


def test_the_confidential_note_is_never_imported(app, world, officer):
    with app.app_context():
        (record,) = records(HARMBENCH)
    record["source_metadata"]["additional_details"]["confidential_note"] = "set from a file"
    assert send(officer, [record]).status_code == 303
    (stored,) = saved(app, world)
    assert stored["confidential_note"] == ""


def test_no_import_without_a_file_or_into_an_item_without_results(app, world, officer):
    response = officer.post(
        URL, content_type="multipart/form-data", data={"csrf_token": token(officer)}
    )
    assert response.status_code == 422
    assert "Choose an Every Eval Ever JSON file to import." in response.get_data(as_text=True)
    other = f"/filing/{CYCLE}/items/c1.safety-team/results/import"
    response = officer.post(other, data={"csrf_token": token(officer)})
    assert response.status_code == 404
    for unknown in ("nope", "c9.nope"):  # no such item (a token, so the view is reached)
        response = officer.post(
            f"/filing/{CYCLE}/items/{unknown}/results/import", data={"csrf_token": token(officer)}
        )
        assert response.status_code == 404
    assert officer.post(URL, data={}).status_code == 400  # no CSRF token


def test_staff_may_not_import_and_a_submitted_draft_takes_nothing(app, world, officer):
    with app.app_context():
        document = records(HARMBENCH)
    staff = client_as(app, world, "staff")
    from tests.support.http import csrf_token

    response = staff.post(
        URL,
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(staff, "/password/forgot"),
            "file": (io.BytesIO(json.dumps(document).encode()), "r.json"),
        },
    )
    assert response.status_code == 403
    page_token = token(officer)
    with app.app_context():
        from tracker.domain.workflow import DisclosureState

        disclosure = db.session.get(Disclosure, world["disclosure_a"])
        disclosure.state = DisclosureState.SUBMITTED
        db.session.commit()
    response = officer.post(
        URL,
        content_type="multipart/form-data",
        data={
            "csrf_token": page_token,
            "file": (io.BytesIO(json.dumps(document).encode()), "r.json"),
        },
    )
    assert 400 <= response.status_code < 500
    assert saved(app, world) == []


def test_imports_are_rate_limited_per_user(app, world, officer):
    app.config["RESULTS_IMPORT_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert send(officer, b"[]").status_code == 422
    assert send(officer, b"[]").status_code == 429


def test_round_trip_export_then_import_gives_equal_results(app, world, officer):
    """What the open data says of a result imports as the same result (less its note)."""
    with app.app_context():
        originals = [
            replace(HARMBENCH, confidential_note="not exported"),
            replace(HARMBENCH, configuration="contextual", value=0.0, uncertainty=0.0),
        ]
        document = records(*originals)
        exported = [result_to_dict(r, public=True) for r in originals]
    assert send(officer, json.loads(json.dumps(document))).status_code == 303
    assert [
        {k: v for k, v in r.items() if k != "confidential_note"} for r in saved(app, world)
    ] == exported
