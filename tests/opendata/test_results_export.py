"""The open data of benchmark results: the JSON API (paginated, filtered, as its OpenAPI
document says), the Every Eval Ever records (valid against the EEE schema, and importable back
into a draft as the same results), and the CSV; never a confidential note; query counts that do
not grow with the number of results."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from tests.support.http import download
from tests.support.openapi import conforms
from tests.support.results import shipped_result, store_results
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.results import result_from_dict
from tracker.ledger.models import Publication, PublishedResult

API = "/api/v1"
DATA = Path(__file__).resolve().parent.parent / "data" / "every_eval_ever"
ITEM = "c2.benchmarks-reported"
SECRET = "RESULT-SECRET-NOTE"

HARMBENCH = shipped_result(
    model="acme/orbit-7b",
    model_version="2026-03-01",
    grader="llm_judge",
    judge_model="harmbench-llama-2-13b-cls",
    judge_prompt="v1",
    run_by="Acme Safety",
    run_on="2025-07-01",
    harness="HarmBench",
    harness_version="1.0",
    results_url="https://results.example/run",
    confidential_note=SECRET,
)
GRADED = replace(
    HARMBENCH,
    benchmark="ailuminate",
    version="v1.0",
    configuration="practice",
    metric="grade",
    value="very-good",
    uncertainty=None,
    grader="rules",
    judge_model="",
    judge_prompt="",
    relationship="commissioned",
    run_by="MLCommons",
)


def _current(session, company_id: int, cycle_id: int) -> Publication:
    return session.scalars(
        sa.select(Publication)
        .filter_by(company_id=company_id, cycle_id=cycle_id)
        .order_by(Publication.version.desc())
        .limit(1)
    ).one()


@pytest.fixture
def published(app, demo) -> dict:
    """Three demo companies' current versions with results of their own (besides whatever the
    demo published), and a superseded version whose results must not be listed."""
    with app.app_context():
        session = db.session
        publications = session.scalars(
            sa.select(Publication).order_by(Publication.company_id, Publication.version)
        ).all()
        current = {}
        for publication in publications:
            current[(publication.company_id, publication.cycle_id)] = publication
        chosen = list(current.values())[:3]
        store_results(session, chosen[0], [HARMBENCH, GRADED])
        store_results(
            session, chosen[1], [replace(HARMBENCH, value=20.0, relationship="third_party")]
        )
        store_results(session, chosen[2], [replace(HARMBENCH, run_by="<script>x</script>")])
        superseded = next(
            (p for p in publications if current[(p.company_id, p.cycle_id)] is not p), None
        )
        if superseded is not None:
            store_results(session, superseded, [replace(HARMBENCH, model="SUPERSEDED-MODEL")])
        session.commit()
        first = chosen[0]
        superseded_ids = [
            p.id for p in publications if current[(p.company_id, p.cycle_id)] is not p
        ]
        return {
            "company": first.company.slug,
            "cycle": first.cycle.slug,
            "total": session.scalar(sa.select(sa.func.count()).select_from(PublishedResult)),
            "superseded": session.scalar(
                sa.select(sa.func.count())
                .select_from(PublishedResult)
                .where(PublishedResult.publication_id.in_(superseded_ids))
            ),
        }


def everything(client, **filters) -> list[dict]:
    rows, page = [], 1
    while True:
        response = client.get(f"{API}/benchmark-results", query_string=filters | {"page": page})
        body = conforms("/benchmark-results", response)
        rows += body["data"]
        if body["links"]["next"] is None:
            return rows
        page += 1


def test_the_api_lists_current_results_by_page_as_described(client, published):
    rows = everything(client)
    assert rows, "no results listed"
    assert all("confidential_note" not in row for row in rows)
    assert not any(row["model"] == "SUPERSEDED-MODEL" for row in rows)
    ours = [
        r["benchmark"]
        for r in rows
        if (r["company"], r["cycle"]) == (published["company"], published["cycle"])
        and r["run_by"] in ("Acme Safety", "MLCommons")
    ]
    assert ours == ["harmbench", "ailuminate"]  # in the order filed
    first = client.get(f"{API}/benchmark-results?per_page=1").get_json()
    assert first["total"] == len(rows) == published["total"] - published["superseded"]
    assert "page=2" in first["links"]["next"] and first["links"]["prev"] is None


def test_filters_narrow_and_keep_themselves_in_the_links(client, published):
    company, cycle = published["company"], published["cycle"]
    rows = everything(client, company=company, cycle=cycle, benchmark="ailuminate")
    assert rows and all(
        (r["company"], r["cycle"], r["benchmark"]) == (company, cycle, "ailuminate") for r in rows
    )
    body = client.get(
        f"{API}/benchmark-results", query_string={"benchmark": "harmbench", "per_page": 1}
    ).get_json()
    assert "benchmark=harmbench" in body["links"]["self"]
    if body["links"]["next"]:
        assert "benchmark=harmbench" in body["links"]["next"]
    assert everything(client, benchmark="no-such-benchmark") == []


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("per_page=0", 400, "per_page"),
        ("per_page=201", 400, "per_page"),
        ("page=abc", 400, "page"),
        ("page=99999", 404, "past the last page"),
        ("cycle=no-such-cycle", 404, "no cycle"),
        ("company=no-such-company", 404, "no company"),
        ("benchmark=%3Cscript%3E", 400, "benchmark must be an id"),
        ("company=" + "a" * 101, 400, "company must be an id"),
    ],
)
def test_bad_parameters_are_json_errors(client, published, query, status, message):
    response = client.get(f"{API}/benchmark-results?{query}")
    body = conforms("/benchmark-results", response)
    assert response.status_code == status
    assert message in body["error"]["message"]


def test_every_exported_record_validates_against_the_eee_schema(client, published):
    response = client.get(f"{API}/benchmark-results/eee")
    records = conforms("/benchmark-results/eee", response)
    assert len(records) == len(everything(client))
    validator = jsonschema.Draft7Validator(json.loads((DATA / "eval.schema.json").read_text()))
    for record in records:
        errors = list(validator.iter_errors(record))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    text = response.get_data(as_text=True)
    assert SECRET not in text and "SUPERSEDED-MODEL" not in text


def test_the_csv_holds_one_row_per_result_and_defuses_formulas(app, client, published):
    with app.app_context():
        chosen = db.session.scalars(sa.select(Publication)).first()
        store_results(
            db.session,
            _current(db.session, chosen.company_id, chosen.cycle_id),
            [replace(HARMBENCH, model='=HYPERLINK("http://evil")')],
        )
        db.session.commit()
    response = download(client, "/benchmark-results.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(everything(client))
    assert "confidential_note" not in rows[0] and SECRET not in text
    assert any(r["model"] == '\'=HYPERLINK("http://evil")' for r in rows)
    graded = next(r for r in rows if r["benchmark"] == "ailuminate" and r["run_by"] == "MLCommons")
    assert graded["value"] == "very-good" and graded["relationship"] == "commissioned"


def test_export_then_import_gives_the_same_results(app, client, published):
    """The EEE records of everything published, imported into an officer's draft, are the
    results the API lists (less where they were published)."""
    from tests.support.accounts import create_accounts
    from tests.support.filing import CYCLE, Forms, commitment_url, create_filing_world
    from tests.support.http import client_as
    from tracker.filing.models import ItemResponse

    listed = everything(client, benchmark="harmbench")[:50]
    assert len(listed) > 3
    records = client.get(f"{API}/benchmark-results/eee").get_json()
    records = [
        r
        for r in records
        if r["evaluation_results"][0]["source_data"]["additional_details"]["benchmark"]
        == "harmbench"
    ][:50]
    with app.app_context():
        accounts = create_accounts()
    ids = accounts.ids | create_filing_world(app, accounts, "2024.2")
    officer = client_as(app, ids, "officer_a")
    url = f"/filing/{CYCLE}/items/{ITEM}/results/import"
    form = Forms(officer.get(commitment_url(ITEM)).get_data(as_text=True)).form(url)
    response = officer.post(
        url,
        content_type="multipart/form-data",
        data={
            "csrf_token": form["csrf_token"][0],
            "file": (io.BytesIO(json.dumps(records).encode()), "export.json"),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        stored = db.session.scalar(
            sa.select(ItemResponse.benchmark_results).filter_by(
                disclosure_id=ids["disclosure_a"], item_id=ITEM
            )
        )
    context = {"company", "company_name", "cycle", "disclosure_version", "published_at", "item"}
    expected = [
        result_from_dict({k: v for k, v in row.items() if k not in context | {"position"}})
        for row in listed
    ]
    assert [result_from_dict(r) for r in stored] == expected


def test_query_counts_do_not_grow_with_the_results(app, client, published, count_queries):
    app.config["PUBLIC_CACHE"] = False  # what computing the answer costs, not serving a copy

    def counts() -> tuple[int, ...]:
        found = []
        for url in (f"{API}/benchmark-results?per_page=200", f"{API}/benchmark-results/eee"):
            with count_queries() as counter:
                response = client.get(url)
                response.get_data()
                response.close()
            found.append(counter.count)
        return tuple(found)

    counts()  # the process's caches filled
    before = counts()
    with app.app_context():
        publication = db.session.scalars(sa.select(Publication)).first()
        current = _current(db.session, publication.company_id, publication.cycle_id)
        store_results(db.session, current, [replace(HARMBENCH, value=float(v)) for v in range(40)])
        db.session.commit()
    assert counts() == before


def test_the_results_of_a_company_that_left_the_roster_are_not_listed(app, client, published):
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug=published["company"]))
        company.signatory_confirmed = False  # no longer shown as a signatory
        db.session.commit()
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=published["cycle"]))
        assert cycle is not None
    rows = everything(client)
    assert all(r["company"] != published["company"] for r in rows)
