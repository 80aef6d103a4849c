"""The public pages run the same number of SQL queries for 22 companies as for 200, and every
public address as many for the demo's roster as for a larger generated one."""

import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from tests.support.app import grow_roster
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse
from tracker.ledger.models import Publication


@pytest.fixture(autouse=True)
def computed_pages(app):
    """These tests count what computing a page costs, so the public page cache is off here
    (tests/test_pagecache.py counts what serving a cached page costs: one query at most)."""
    app.config["PUBLIC_CACHE"] = False


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
    # Downloads kept as files (tracker.opendata.files) are made again: what is counted is making
    # them, not serving a kept one.
    shutil.rmtree(client.application.config["OPENDATA_DIR"], ignore_errors=True)
    with count_queries() as counter:
        response = client.get(url)
        response.get_data()  # a streamed body (the CSVs) runs its queries as it is read
        response.close()  # a kept file (send_file) stays open until then
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/", 6),
        ("/companies/", 6),
        ("/companies/?sort=overall&order=desc", 6),
        ("/companies/extra-22", 6),
        ("/checklist/", 6),
        # the cycle, every cycle, its roster, score summary, stored summaries, heatmap page,
        # benchmark results
        ("/cycles/2025-annual/", 7),
        ("/cycles/2024-annual/", 7),
        ("/cycles/2025-annual/?sort=c3&order=desc&commitment=c3&items=rate", 7),
    ],
)
def test_queries_do_not_grow_with_the_number_of_companies(
    client, app, demo, count_queries, url, most
):
    add_companies(app, 1)  # extra-22 exists from here on
    queries_for(client, url, count_queries)  # the process's caches (a checklist parsed) filled
    add_companies(app, 1)  # a new public generation: the page is computed again
    small = queries_for(client, url, count_queries)
    add_companies(app, 200 - 24)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 200
    large = queries_for(client, url, count_queries)
    assert large == small, f"{url}: {small} queries with 24 companies, {large} with 200"
    assert small <= most, f"{url} runs {small} queries"


CYCLE_URLS = [
    "/cycles/2025-annual/",
    "/cycles/2025-annual/?sort=overall&order=desc&items=rate&items_order=desc",
    "/cycles/2025-annual/?sort=c3&order=asc&commitment=c3&page=2",
    "/?sort=c1&order=desc",
]


def test_the_cycle_page_runs_as_many_queries_for_200_signatories(client, app, demo, count_queries):
    """The demo's 22 signatories (13 published), then 200 as ``tracker demo --signatories``
    makes them (well over 100 published, so the heatmap has pages): the cycle page, sorted,
    filtered and paged, runs the same seven queries."""
    app.config["PAGE_SIZE"] = 10  # the demo's 13 already fill two pages
    for url in CYCLE_URLS:
        client.get(url)
    small = {url: queries_for(client, url, count_queries) for url in CYCLE_URLS}
    grow_roster(app, 200)
    with app.app_context():
        cycle_id = sa.select(Cycle.id).where(Cycle.slug == "2025-annual").scalar_subquery()
        published = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Publication.company_id))).where(
                Publication.cycle_id == cycle_id
            )
        )
    assert published > 100
    large = {url: queries_for(client, url, count_queries) for url in CYCLE_URLS}
    assert large == small
    assert max(small.values()) <= 7, small
    assert "Page 2 of" in client.get(CYCLE_URLS[2]).get_data(as_text=True)


COMPARE_URLS = {
    2: "/compare?companies=lanshan-intelligence,chengyue-tech&cycle=2025-annual",
    4: "/compare?companies=lanshan-intelligence,chengyue-tech,extra-22,extra-23&cycle=2025-annual",
}


def test_compare_runs_the_same_queries_for_2_and_4_companies_and_22_or_200(
    client, app, demo, count_queries
):
    """A comparison of two companies and one of four, at 24 companies and at 200: the same
    number of SQL statements (the picker's lists grow, in one query each)."""
    add_companies(app, 2)  # extra-22 and extra-23 exist and are published from here on
    with app.app_context():
        from tracker.db import utcnow
        from tracker.ledger.services import publish

        for disclosure in db.session.scalars(
            sa.select(Disclosure).join(Company).where(Company.slug.in_(["extra-22", "extra-23"]))
        ):
            disclosure.state = DisclosureState.ACCEPTED
            publish(db.session, None, disclosure, utcnow())
        db.session.commit()
    for url in COMPARE_URLS.values():
        queries_for(client, url, count_queries)  # warm
    small = {n: queries_for(client, url, count_queries) for n, url in COMPARE_URLS.items()}
    add_companies(app, 200 - 24)
    large = {n: queries_for(client, url, count_queries) for n, url in COMPARE_URLS.items()}
    assert small[2] == small[4] == large[2] == large[4], (small, large)
    assert small[2] <= 8, small


ROSTER_URLS = [
    "/",
    "/?sort=overall&order=desc",
    "/companies/",
    "/companies/?sort=overall&order=desc&published=yes",
    "/companies/?published=no&sort=signed",
    "/cycles/2025-annual/",
    "/cycles/2025-annual/?sort=overall&order=desc&items=not_disclosed&items_order=desc",
    "/cycles/2025-annual/?sort=name&order=desc&commitment=c2",
    "/cycles/2024-annual/",
    "/companies/lanshan-intelligence",
    "/companies/lanshan-intelligence?cycle=2024-annual",
    "/ledger/",
    "/ledger/?company=lanshan-intelligence",
    "/ledger/?cycle=2024-annual&kind=publication&sort=company",
    "/ledger/?kind=correction&sort=-company",
    "/checklist/",
    "/checklist/2025.1",
    "/benchmarks/",
    "/benchmarks/harmbench",
    "/benchmarks/harmbench?cycle=2024-annual",
    "/compare",
    "/compare?companies=lanshan-intelligence,chengyue-tech&cycle=2025-annual",
    "/compare?companies=lanshan-intelligence,chengyue-tech,muchuan-data,qiwu-intelligence"
    "&cycle=2025-annual&commitment=c2",
    "/compare?companies=lanshan-intelligence&cycles=2024-annual,2025-annual",
    "/api/v1/companies",
    "/api/v1/companies/lanshan-intelligence",
    "/api/v1/cycles",
    "/api/v1/cycles/2025-annual",
    "/api/v1/cycles/2025-annual/disclosures",
    "/api/v1/cycles/2025-annual/disclosures?page=2&per_page=5",
    "/api/v1/cycles/2025-annual/matrix",
    "/api/v1/cycles/2025-annual/matrix?page=2&per_page=5",
    "/api/v1/cycles/2024-annual/matrix",
    "/api/v1/ledger",
    "/api/v1/disclosures/lanshan-intelligence/2025-annual/1",
    "/cycles/2025-annual/disclosures.csv",
    "/cycles/2024-annual/disclosures.csv",
    "/ledger.csv",
    "/cycles/2025-annual/bundle.zip",
    "/cycles/2024-annual/bundle.zip",
    "/data/",
    "/about/",
    "/methodology/",
    "/ledger/checkpoint",
    "/ledger/checkpoints/24",
    "/ledger/entries/3",
    "/ledger/snapshots/3.json",
    "/ledger/proof/3",
    "/ledger/consistency?from=23&to=24",
    "/ledger/bundle/3.zip",
    "/api/v1/ledger/checkpoint",
    "/api/v1/ledger/proof/3",
    "/api/v1/ledger/entries/3",
    "/feeds/publications.atom",
    "/feeds/corrections.atom?lang=zh",
    "/feeds/companies/lanshan-intelligence.atom",
    "/feeds/cycles/2025-annual.atom",
    "/companies/lanshan-intelligence/badge.svg",
    "/companies/lanshan-intelligence/badge.svg?cycle=2024-annual&lang=zh",
    "/search",
    "/search?q=红队",
    "/search?q=red+team&cycle=2025-annual",
    "/search?q=lanshan",
    "/search?q=测试&status=met&commitment=c2&company=lanshan-intelligence&page=1",
]


def test_every_public_address_runs_as_many_queries_for_a_larger_roster(
    client, app, demo, count_queries
):
    """The demo's 22 signatories (13 published: the home page shows them all), then a roster of
    90 (about 55 published: the home page shows the latest 25), on every public page, API list
    and CSV: the same number of SQL statements."""
    for url in ROSTER_URLS:  # warm: parsed checklists are kept per process
        client.get(url).close()
    small = {url: queries_for(client, url, count_queries) for url in ROSTER_URLS}
    grow_roster(app, 90)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 90
        published = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Publication.company_id))).where(
                Publication.cycle_id
                == sa.select(Cycle.id).where(Cycle.slug == "2025-annual").scalar_subquery()
            )
        )
    assert published > 25  # the home page's heatmap is bounded from here on
    large = {url: queries_for(client, url, count_queries) for url in ROSTER_URLS}
    grown = {url: (small[url], large[url]) for url in ROSTER_URLS if small[url] != large[url]}
    assert not grown, f"queries at 22 and at 90 signatories: {grown}"
    assert max(small.values()) <= 8, small


def test_a_company_page_runs_as_many_queries_for_three_cycles_of_history_as_for_two(
    client, app, demo, count_queries
):
    """The trend reads the scores that came with the page's history (no query per cycle): a
    company with a third cycle of history costs what one with two does; one with a single
    cycle has no comparison to read, so no more."""
    from datetime import timedelta

    from tests.support.review import publish_as_is
    from tracker.db import utcnow

    with app.app_context():
        two = db.session.scalar(sa.select(Company).filter_by(slug="lanshan-intelligence"))
        published: dict[str, int] = dict(
            db.session.execute(  # type: ignore[arg-type]
                sa.select(Company.slug, sa.func.count(sa.distinct(Publication.cycle_id)))
                .join(Publication, Publication.company_id == Company.id)
                .group_by(Company.slug)
            ).all()
        )
        one = next(slug for slug, n in sorted(published.items()) if n == 1)
        assert published[two.slug] == 2
        current = db.session.scalar(sa.select(Cycle).filter_by(slug="2024-annual"))
        oldest = Cycle(
            slug="2023-annual",
            name_en="2023 annual disclosure",
            name_zh="2023年度披露",
            checklist_version=current.checklist_version,
            opens_on=current.opens_on - timedelta(days=365),
            due_on=current.due_on - timedelta(days=365),
            opened_at=utcnow() - timedelta(days=800),
        )
        disclosure = Disclosure(
            company=two, cycle=oldest, checklist_version=current.checklist_version
        )
        item = current.checklist_version.checklist.items[0]
        disclosure.responses.append(
            ItemResponse(
                item_id=item.id,
                status=Status.NOT_MET,
                narrative="Nothing yet.",
                evidence_links=[],
                structured={},
            )
        )
        db.session.add_all([oldest, disclosure])
        db.session.commit()
        disclosure_id = disclosure.id
    url = "/companies/lanshan-intelligence"
    queries_for(client, url, count_queries)  # warm
    single = queries_for(client, f"/companies/{one}", count_queries)
    with_two = queries_for(client, url, count_queries)
    publish_as_is(app, disclosure_id)
    page = client.get(url).get_data(as_text=True)
    assert "2023 annual disclosure" in page and 'id="trend-chart-title"' in page
    with_three = queries_for(client, url, count_queries)
    assert with_three == with_two, f"{with_two} queries with 2 cycles, {with_three} with 3"
    assert single <= with_two
    print(f"company page queries: 1 cycle {single}, 2 cycles {with_two}, 3 cycles {with_three}")
