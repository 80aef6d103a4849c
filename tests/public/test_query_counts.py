"""The public pages run the same number of SQL queries for 22 companies as for 200."""

from datetime import date

import pytest
import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse


def add_published_companies(n: int) -> None:
    """Add ``n`` confirmed signatories, each with a fully answered published disclosure."""
    cycle = db.session.scalar(sa.select(Cycle))
    items = cycle.checklist_version.checklist.items
    start = db.session.scalar(sa.select(sa.func.count()).select_from(Company))
    for i in range(start, start + n):
        company = Company(
            slug=f"extra-{i}",
            name_en=f"Extra {i}",
            name_zh=f"额外{i}",
            is_signatory=True,
            signatory_confirmed=True,
            signatory_since=date(2025, 1, 1),
        )
        disclosure = Disclosure(
            company=company,
            cycle=cycle,
            checklist_version=cycle.checklist_version,
            state=DisclosureState.PUBLISHED,
        )
        disclosure.responses = [
            ItemResponse(
                item_id=item.id,
                status=Status.MET,
                narrative="Done.",
                evidence_links=[{"url": "https://x.example/e", "title": "E"}],
                structured={},
            )
            for item in items
        ]
        db.session.add(disclosure)
    db.session.commit()


def add_companies(app, n: int) -> None:
    with app.app_context():
        add_published_companies(n)


def queries_for(client, url, count_queries) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/", "/companies/", "/companies/extra-22", "/checklist/"])
def test_queries_do_not_grow_with_the_number_of_companies(client, app, demo, count_queries, url):
    add_companies(app, 1)  # extra-22 exists from here on
    small = queries_for(client, url, count_queries)
    add_companies(app, 200 - 23)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 200
    large = queries_for(client, url, count_queries)
    assert large == small, f"{url}: {small} queries with 23 companies, {large} with 200"
    assert small <= 6, f"{url} runs {small} queries"
