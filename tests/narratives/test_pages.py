"""Pages read narratives from the store: a fixed number of queries however many narratives a
page shows, and no Markdown rendered on a view once a text is stored (published narratives are
stored at publication, so the public page never renders)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.filing import CYCLE, narrated_disclosure
from tests.support.http import sign_in
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.narratives import services
from tracker.narratives.models import RenderedNarrative

MANY = 12  # items with a narrative of their own on the larger page


@pytest.fixture
def no_render(monkeypatch):
    """Fail the test if the store renders anything from here on."""

    def refuse(text, seconds=None):
        raise AssertionError(f"rendered on a page view: {text!r}")

    return lambda: monkeypatch.setattr(services, "render_within", refuse)


def count(client, url, count_queries) -> tuple[int, str]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count, response.get_data(as_text=True)


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RenderedNarrative))


def test_the_public_company_page_reads_what_publication_stored(
    app, client, accounts, filing_world, count_queries, no_render
):
    few = narrated_disclosure(app, accounts.ids["company_a"], 1)
    many = narrated_disclosure(app, accounts.ids["company_b"], MANY)
    publish_as_is(app, few)
    publish_as_is(app, many)
    assert stored(app) == MANY  # item 0's narrative is the same text in both
    no_render()
    # Whatever an app reads once (whether the database is the demo's) is read before counting.
    assert client.get("/checklist/").status_code == 200
    small, _page = count(client, "/companies/company-a", count_queries)
    large, page = count(client, "/companies/company-b", count_queries)
    assert large == small, f"{small} queries for 1 narrative, {large} for {MANY}"
    assert f'<a href="https://e.example/{MANY - 1}"' in page and "<strong>do</strong>" in page


def test_a_pdf_rendered_after_publication_reads_the_store(
    app, client, accounts, filing_world, no_render
):
    publish_as_is(app, narrated_disclosure(app, accounts.ids["company_b"], MANY))
    no_render()
    # The draft report renders its PDF on request, from the same (stored) narratives.
    sign_in(client, accounts.email("staff"))
    response = client.get(f"/review/{CYCLE}/company-b/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    response.close()


def test_the_review_page_renders_once_then_reads(
    app, client, accounts, filing_world, count_queries, no_render
):
    narrated_disclosure(app, accounts.ids["company_a"], 1)
    narrated_disclosure(app, accounts.ids["company_b"], MANY)
    sign_in(client, accounts.email("staff"))
    # Narratives written straight into the database were never rendered: the first view
    # renders and stores them (committed after the page), later views only read.
    client.get(f"/review/{CYCLE}/company-a")
    client.get(f"/review/{CYCLE}/company-b")
    assert stored(app) == MANY
    no_render()
    small, _page = count(client, f"/review/{CYCLE}/company-a", count_queries)
    large, page = count(client, f"/review/{CYCLE}/company-b", count_queries)
    assert large == small, f"{small} queries for 1 narrative, {large} for {MANY}"
    assert "<strong>do</strong>" in page


def test_the_officer_commitment_page_reads_the_store(
    app, accounts, filing_world, count_queries, no_render
):
    narrated_disclosure(app, accounts.ids["company_a"], 1)
    narrated_disclosure(app, accounts.ids["company_b"], MANY)
    officer_a, officer_b = app.test_client(), app.test_client()
    sign_in(officer_a, accounts.email("officer_a"))
    sign_in(officer_b, accounts.email("officer_b"))
    url = f"/filing/{CYCLE}/c1"
    officer_a.get(url)
    officer_b.get(url)
    no_render()
    small, _page = count(officer_a, url, count_queries)
    large, page = count(officer_b, url, count_queries)
    assert large == small, f"{small} queries for 1 narrative, {large} for several"
    assert "<strong>do</strong>" in page


def test_a_saved_narrative_is_stored_with_the_save(app, accounts, filing_world, no_render):
    from tests.support.filing import post_item

    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    text = "Saved **once**, shown everywhere."
    response = post_item(officer, "c1.safety-team", {"status": "met", "narrative": text}, json=True)
    assert response.status_code == 200
    assert response.get_json()["preview"] == "<p>Saved <strong>once</strong>, shown everywhere.</p>"
    with app.app_context():
        keys = set(db.session.scalars(sa.select(RenderedNarrative.text_sha256)))
    assert services.text_key(text) in keys
    no_render()
    assert "<strong>once</strong>" in officer.get(f"/filing/{CYCLE}/c1").get_data(as_text=True)
