"""The search page runs as many SQL statements for 22 companies as for 200 (every result a
published answer or a company of the demo, then of a roster grown to 200)."""

import time

import sqlalchemy as sa

from tests.support.app import grow_roster
from tracker.companies.models import Company
from tracker.db import db

URLS = [
    "/search?q=红队",
    "/search?q=red+team",
    "/search?q=测试&status=met",
    "/search?q=测试&cycle=2025-annual&page=2",
    "/search?q=bench",
    "/search?q=intelligence",
    "/search?q=评测&company=lanshan-intelligence&commitment=c2",
]


def counted(client, url, count_queries) -> tuple[int, float]:
    with count_queries() as counter:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, url
    return counter.count, elapsed


def test_search_pages_run_as_many_queries_for_200_companies_as_for_22(
    app, client, demo, count_queries
):
    app.config["PUBLIC_CACHE"] = False  # what computing a page costs
    for url in URLS:
        client.get(url)  # the process's caches (a checklist parsed) filled
    small = {url: counted(client, url, count_queries)[0] for url in URLS}
    grow_roster(app, 200)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 200
    large = {url: counted(client, url, count_queries) for url in URLS}
    assert {url: q for url, (q, _) in large.items()} == small
    assert max(small.values()) <= 6, small
    print({url: (q, round(s, 3)) for url, (q, s) in large.items()})  # the report's numbers
