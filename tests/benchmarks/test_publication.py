"""Results stored at publication: every result of the snapshot as a row (public fields only),
read by the company page, its benchmark's page and, after a correction, only from the current
version."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.filing import create_filing_world
from tests.support.results import RESULTS_ITEM
from tests.support.results import shipped_result as result
from tracker.companies.models import Company
from tracker.db import db, utcnow
from tracker.domain.results import result_to_dict
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse
from tracker.ledger.models import Publication, PublishedResult
from tracker.ledger.services import publish

SECRET = "CONFIDENTIAL-NOTE-XYZ"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture(autouse=True)
def computed_pages(app):
    app.config["PUBLIC_CACHE"] = False


@pytest.fixture
def world(app, accounts) -> dict:
    return create_filing_world(app, accounts, checklist_version="2024.2")


def publish_with(app, world, results) -> tuple[int, str]:
    """Publish company A's disclosure with these results on c2.benchmarks-reported; the
    publication's id and the company's slug."""
    with app.app_context():
        disclosure = db.session.get(Disclosure, world["disclosure_a"])
        response = next((r for r in disclosure.responses if r.item_id == RESULTS_ITEM), None)
        stored = [result_to_dict(r, public=False) | {"confidential_note": SECRET} for r in results]
        if response is None:
            db.session.add(
                ItemResponse(
                    disclosure=disclosure,
                    item_id=RESULTS_ITEM,
                    status=Status.MET,
                    narrative="Scores below.",
                    evidence_links=[],
                    structured={"benchmarks": {"selected": ["harmbench", "xstest"]}},
                    benchmark_results=stored,
                )
            )
        else:
            response.benchmark_results = stored
        disclosure.state = DisclosureState.ACCEPTED
        db.session.flush()
        publication = publish(db.session, None, disclosure, utcnow())
        db.session.commit()
        return publication.id, disclosure.company.slug


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_each_result_is_stored_with_its_publication_without_the_confidential_note(app, world):
    publication_id, _ = publish_with(
        app,
        world,
        [
            result(value=8.5),
            result(
                benchmark="ailuminate",
                version="v1.0",
                metric="grade",
                configuration="practice",
                value="good",
                uncertainty=None,
            ),
        ],
    )
    with app.app_context():
        rows = db.session.scalars(
            sa.select(PublishedResult)
            .where(PublishedResult.publication_id == publication_id)
            .order_by(PublishedResult.position)
        ).all()
        assert [(r.item_id, r.position, r.benchmark, r.value, r.level) for r in rows] == [
            (RESULTS_ITEM, 0, "harmbench", 8.5, None),
            (RESULTS_ITEM, 1, "ailuminate", None, "good"),
        ]
        assert (rows[0].relation, rows[0].subject, rows[0].run_on) == (
            "first_party",
            "model",
            "2025-07-01",
        )
        assert all("confidential_note" not in r.result for r in rows)
        snapshot = db.session.get(Publication, publication_id).snapshot
        entry = next(e for e in snapshot["items"] if e["id"] == RESULTS_ITEM)
        assert [r.result for r in rows] == entry["results"]


def test_the_company_page_shows_its_results_in_both_languages(app, client, world):
    _, slug = publish_with(app, world, [result(value=8.5, relationship="commissioned")])
    with app.app_context():
        db.session.execute(
            sa.update(Company)
            .where(Company.slug == slug)
            .values(is_signatory=True, signatory_confirmed=True)
        )
        db.session.commit()
    html = client.get(f"/companies/{slug}").get_data(as_text=True)
    section = html.split('id="results"')[1].split("</section>")[0]
    assert "HarmBench" in section and "8.5% ± 1.5" in section
    assert "Commissioned by the company" in section
    assert "/benchmarks/harmbench?cycle=" in section
    assert SECRET not in html
    zh = text_of(client.get(f"/companies/{slug}", headers=ZH).get_data(as_text=True))
    assert "基准测试结果" in zh and "受企业委托" in zh and "攻击成功率" in zh


def test_a_correction_replaces_the_results_the_pages_show(app, client, world):
    _, slug = publish_with(app, world, [result(value=8.5), result(value=9.0, model="other")])
    with app.app_context():
        db.session.execute(
            sa.update(Company)
            .where(Company.slug == slug)
            .values(is_signatory=True, signatory_confirmed=True)
        )
        db.session.commit()
    page = text_of(client.get("/benchmarks/harmbench").get_data(as_text=True))
    assert "8.5%" in page and "9%" in page
    with app.app_context():
        disclosure = db.session.get(Disclosure, world["disclosure_a"])
        disclosure.state = DisclosureState.PUBLISHED
        db.session.commit()
    publish_with(app, world, [result(value=30.0)])
    page = text_of(client.get("/benchmarks/harmbench").get_data(as_text=True))
    assert "30%" in page and "8.5%" not in page and "9%" not in page
    assert "1 company reports results for this benchmark." in page
