"""The JSON API: every operation answers as its OpenAPI description says (validated), pages,
errors as JSON, current and superseded versions, published content only."""

import re

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate as validate_spec

from tests.support.openapi import conforms
from tracker.api.openapi import document
from tracker.db import db
from tracker.ledger.models import Publication

API = "/api/v1"


@pytest.fixture
def corrected(app, demo) -> tuple[str, str]:
    """(company, cycle) of the demo's corrected disclosure."""
    with app.app_context():
        publication = db.session.scalar(
            sa.select(Publication).where(Publication.supersedes_id.is_not(None))
        )
        return publication.company.slug, publication.cycle.slug


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate_spec(spec)
    assert spec["openapi"] == "3.1.0"


def test_every_operation_answers_as_described(client, demo, corrected):
    company, cycle = corrected
    urls = {
        "/": "/",
        "/checklists": "/checklists",
        "/checklists/{checklist}/{version}": "/checklists/aiia-ai-safety-commitments/2024.1",
        "/companies": "/companies",
        "/companies/{company}": f"/companies/{company}",
        "/cycles": "/cycles",
        "/cycles/{cycle}": f"/cycles/{cycle}",
        "/cycles/{cycle}/disclosures": f"/cycles/{cycle}/disclosures",
        "/cycles/{cycle}/matrix": f"/cycles/{cycle}/matrix",
        "/disclosures/{company}/{cycle}/{version}": f"/disclosures/{company}/{cycle}/1",
        "/ledger": "/ledger",
        "/ledger/entries/{sequence}": "/ledger/entries/24",
        "/ledger/checkpoint": "/ledger/checkpoint",
        "/ledger/checkpoints/{size}": "/ledger/checkpoints/24",
        "/ledger/policy": "/ledger/policy",
        "/ledger/proof/{sequence}": "/ledger/proof/3",
        "/ledger/consistency": "/ledger/consistency?from=23&to=24",
        "/openapi.json": "/openapi.json",
        "/benchmark-results": f"/benchmark-results?cycle={cycle}",
        "/benchmark-results/eee": "/benchmark-results/eee",
    }
    assert set(urls) == set(document()["paths"]), "an operation without a test"
    for template, url in urls.items():
        response = client.get(API + url)
        assert response.status_code == 200, url
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        if template != "/openapi.json":
            conforms(template, response)


def test_lists_page_through_everything(client, demo):
    seen, url = [], f"{API}/companies?per_page=5"
    while url:
        body = conforms("/companies", client.get(url))
        seen += [c["slug"] for c in body["data"]]
        assert body["per_page"] == 5 and len(body["data"]) <= 5
        url = body["links"]["next"]
    assert len(seen) == len(set(seen)) == body["total"] == 22
    last = client.get(f"{API}/ledger?per_page=10&page=2")
    body = conforms("/ledger", last)
    assert [e["sequence"] for e in body["data"]] == list(range(11, 21))
    assert body["links"]["prev"] == "/api/v1/ledger?page=1&per_page=10"
    assert body["links"]["next"] == "/api/v1/ledger?page=3&per_page=10"


def test_whole_disclosures_come_twenty_to_a_page_by_default(client, app):
    from tests.support.app import grow_roster
    from tracker.api.openapi import DISCLOSURES_PER_PAGE, document

    grow_roster(app, 60)
    cycle = "2025-annual"
    body = conforms("/cycles/{cycle}/disclosures", client.get(f"{API}/cycles/{cycle}/disclosures"))
    assert DISCLOSURES_PER_PAGE == body["per_page"] == len(body["data"]) == 20 < body["total"]
    assert body["links"]["next"] == f"/api/v1/cycles/{cycle}/disclosures?page=2&per_page=20"
    assert client.get(f"{API}/companies").get_json()["per_page"] == 50  # lists: 50
    with app.test_request_context():
        parameters = document()["paths"]["/cycles/{cycle}/disclosures"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("default") for p in parameters}["per_page"] == 20


@pytest.mark.parametrize(
    ("url", "template", "status", "message"),
    [
        ("/companies?page=0", "/companies", 400, "page must be a whole number from 1"),
        ("/companies?per_page=500", "/companies", 400, "per_page must be a whole number from 1 to"),
        ("/ledger?per_page=abc", "/ledger", 400, "not “abc”"),
        ("/ledger?per_page=²", "/ledger", 400, "per_page must be a whole number from 1 to 200"),
        ("/ledger?page=9223372036854775808", "/ledger", 400, "from 1 to 1000000"),
        ("/companies?page=99", "/companies", 404, "past the last page"),
        ("/companies/no-such", "/companies/{company}", 404, "no company 'no-such'"),
        ("/cycles/no-such/matrix", "/cycles/{cycle}/matrix", 404, "no cycle 'no-such'"),
        (
            "/checklists/aiia-ai-safety-commitments/9.9",
            "/checklists/{checklist}/{version}",
            404,
            "no checklist",
        ),
        (
            "/disclosures/beiming-tech/2025-annual/7",
            "/disclosures/{company}/{cycle}/{version}",
            404,
            "published no version 7",
        ),
    ],
)
def test_errors_are_json_with_a_message(client, demo, url, template, status, message):
    response = client.get(API + url)
    assert response.status_code == status
    body = conforms(template, response)
    assert body["error"]["status"] == status and message in body["error"]["message"]


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get(f"{API}/no/such/thing")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_superseded_versions_stay_readable_and_say_so(client, corrected):
    company, cycle = corrected
    body = conforms("/companies/{company}", client.get(f"{API}/companies/{company}"))
    versions = {
        (p["cycle"], p["version"]): p["superseded_by_version"] for p in body["publications"]
    }
    assert versions == {(cycle, 2): None, (cycle, 1): 2, ("2024-annual", 1): None}
    old = conforms(
        "/disclosures/{company}/{cycle}/{version}",
        client.get(f"{API}/disclosures/{company}/{cycle}/1"),
    )
    new = conforms(
        "/disclosures/{company}/{cycle}/{version}",
        client.get(f"{API}/disclosures/{company}/{cycle}/2"),
    )
    assert old["superseded_by_version"] == 2 and new["superseded_by_version"] is None
    assert old["snapshot_sha256"] != new["snapshot_sha256"]
    assert any("**Correction:**" in i["narrative"] for i in new["items"])
    assert not any("**Correction:**" in i["narrative"] for i in old["items"])
    current = conforms(
        "/cycles/{cycle}/disclosures", client.get(f"{API}/cycles/{cycle}/disclosures?per_page=200")
    )
    assert current["total"] == 13  # published companies only, one (current) version each
    assert next(d for d in current["data"] if d["company"] == company)["version"] == 2


def test_the_matrix_agrees_with_the_published_scores(client, demo, corrected):
    _, cycle = corrected
    matrix = conforms("/cycles/{cycle}/matrix", client.get(f"{API}/cycles/{cycle}/matrix"))
    assert (matrix["published"], matrix["invited"]) == (13, 22)
    ledger = conforms("/ledger", client.get(f"{API}/ledger?per_page=200"))
    assert matrix["ledger_head"]["sequence"] == ledger["data"][-1]["sequence"]
    disclosures = conforms(
        "/cycles/{cycle}/disclosures", client.get(f"{API}/cycles/{cycle}/disclosures?per_page=200")
    )
    scores = {d["company"]: d["scores"] for d in disclosures["data"]}
    assert {c["company"]: c["scores"] for c in matrix["companies"]} == scores
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["entry_hash"]) for e in ledger["data"])


def test_the_schema_check_itself_catches_a_wrong_body(app):
    """The validation above can fail: a page without its total, or a bad hash, is caught."""
    with app.test_request_context():
        from flask import jsonify

        wrong = jsonify(
            {
                "data": [],
                "page": 1,
                "per_page": 50,
                "links": {"self": "/x", "next": None, "prev": None},
            }
        )
        with pytest.raises(AssertionError, match="'total' is a required property"):
            conforms("/ledger", wrong)
        bad_hash = jsonify(
            {
                "data": [
                    {
                        "sequence": 1,
                        "kind": "publication",
                        "company": "a",
                        "cycle": "b",
                        "version": 1,
                        "published_at": "2026-01-01T00:00:00Z",
                        "snapshot_sha256": "xyz",
                        "supersedes": None,
                        "previous_hash": "0" * 64,
                        "entry_hash": "0" * 64,
                    }
                ],
                "page": 1,
                "per_page": 50,
                "total": 1,
                "links": {"self": "/x", "next": None, "prev": None},
            }
        )
        with pytest.raises(AssertionError, match="does not match"):
            conforms("/ledger", bad_hash)


def test_the_matrix_pages_through_companies_and_aggregates_the_whole_cycle(client, app):
    """A roster larger than a page: the matrix's pages together hold every published company
    once, with the scores the disclosures API gives; adoption and benchmark counts are the
    whole cycle's on every page, and a benchmark row names the page's companies only."""
    from tests.support.app import grow_roster

    grow_roster(app, 70)
    cycle = "2025-annual"
    disclosures = []
    url = f"{API}/cycles/{cycle}/disclosures?per_page=200"
    while url:
        body = conforms("/cycles/{cycle}/disclosures", client.get(url))
        disclosures += body["data"]
        url = body["links"]["next"]
    scores = {d["company"]: d["scores"] for d in disclosures}
    seen, pages, url = {}, [], f"{API}/cycles/{cycle}/matrix?per_page=10"
    while url:
        body = conforms("/cycles/{cycle}/matrix", client.get(url))
        pages.append(body)
        assert len(body["companies"]) <= 10
        for row in body["companies"]:
            assert row["company"] not in seen
            seen[row["company"]] = row["scores"]
        url = body["links"]["next"]
    assert len(pages) == -(-len(scores) // 10) > 1
    assert seen == scores and all(p["total"] == p["published"] == len(scores) for p in pages)
    assert all(p["adoption"] == pages[0]["adoption"] for p in pages)
    for item in pages[0]["adoption"]:
        assert sum(item["counts"].values()) == len(scores)
    for matrix in pages[0]["benchmarks"]:
        for row in matrix["rows"]:
            named = [
                slug
                for p in pages
                for m in p["benchmarks"]
                if (m["item"], m["field"]) == (matrix["item"], matrix["field"])
                for r in m["rows"]
                if r["key"] == row["key"]
                for slug in r["companies"]
            ]
            assert len(named) == len(set(named)) == row["count"]
    assert pages[1]["links"]["prev"] == f"/api/v1/cycles/{cycle}/matrix?page=1&per_page=10"
    past = client.get(f"{API}/cycles/{cycle}/matrix?page={len(pages) + 1}&per_page=10")
    assert past.status_code == 404 and "past the last page" in past.get_json()["error"]["message"]
    bad = client.get(f"{API}/cycles/{cycle}/matrix?per_page=500")
    assert bad.status_code == 400


def test_the_log_in_json_says_what_the_files_say(client, demo):
    """The API's checkpoint, proof and consistency hold the bytes /ledger/ serves."""
    checkpoint = conforms("/ledger/checkpoint", client.get(f"{API}/ledger/checkpoint"))
    assert checkpoint["note"].encode() == client.get("/ledger/checkpoint").data
    assert checkpoint["size"] == 24 and checkpoint["cosigned"] is True
    proof = conforms("/ledger/proof/{sequence}", client.get(f"{API}/ledger/proof/3"))
    assert proof["tlog_proof"].encode() == client.get("/ledger/proof/3").data
    assert proof["index"] == 2 and proof["tree_size"] == 24
    consistency = client.get(f"{API}/ledger/consistency?from=23&to=24").get_json()
    assert "".join(h + "\n" for h in consistency["hashes"]).encode() == (
        client.get("/ledger/consistency?from=23&to=24").data
    )
    policy = conforms("/ledger/policy", client.get(f"{API}/ledger/policy"))
    assert policy["text"].encode() == client.get("/ledger/policy").data
    assert policy["quorum"] == "none" and policy["witnesses"] == []
    entry = conforms("/ledger/entries/{sequence}", client.get(f"{API}/ledger/entries/24"))
    assert entry["links"]["bundle"] == "/ledger/bundle/24.zip"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/ledger/entries/0", 404),
        ("/ledger/entries/25", 404),
        ("/ledger/checkpoints/25", 404),
        ("/ledger/checkpoints/2147483647", 404),
        ("/ledger/proof/25", 404),
        ("/ledger/consistency", 400),
        ("/ledger/consistency?from=24&to=23", 400),
        ("/ledger/consistency?from=24&to=2147483647", 400),  # a size never signed
        ("/ledger/consistency?from=²&to=24", 400),
    ],
)
def test_the_log_in_json_refuses_as_described(client, demo, url, status):
    response = client.get(API + url)
    assert response.status_code == status, url
    assert response.is_json and response.get_json()["error"]["message"]
