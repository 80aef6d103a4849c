"""The ledger page's list: filtered by company, cycle and kind, sorted, paginated, from query
parameters alone (no JavaScript); anything the page does not offer is a clear 400."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tracker.db import db
from tracker.ledger.models import LedgerEntry
from tracker.storage.services import REPORTS, blobs

ROW = re.compile(r'<tr id="entry-(\d+)">')
MESSAGE = re.compile(r"</h1>\s*<p>(.*?)</p>")  # the error page's sentence


def rows(html: str) -> list[int]:
    """The sequence numbers of the entries listed, in the page's order."""
    return [int(n) for n in ROW.findall(html)]


def ledger(app) -> list[LedgerEntry]:
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        db.session.expunge_all()
        return list(entries)


def page(client, query: str = "") -> str:
    response = client.get("/ledger/" + query)
    assert response.status_code == 200, (query, response.status_code)
    return response.get_data(as_text=True)


def test_the_list_is_newest_first_and_names_every_entry(client, app, demo):
    entries = ledger(app)
    html = page(client)
    assert rows(html) == [e.sequence for e in reversed(entries)]
    assert f"The ledger holds {len(entries)} entries." in html
    # Without a filter or an order asked for, empty parameters (what the form sends) change
    # nothing.
    assert rows(page(client, "?company=&cycle=&kind=&sort=")) == rows(html)
    # Each hash is whole in the text (it copies whole) and in the title; the CSS shortens it.
    first = entries[0]
    assert f'title="{first.entry_hash}">{first.entry_hash}</code>' in html
    assert f'title="{first.snapshot_sha256}">{first.snapshot_sha256}</code>' in html


def test_filters_narrow_the_list_and_combine(client, app, demo):
    entries = ledger(app)
    lanshan = [e.sequence for e in entries if e.company_slug == "lanshan-intelligence"]
    assert len({e.cycle_slug for e in entries if e.company_slug == "lanshan-intelligence"}) == 2
    html = page(client, "?company=lanshan-intelligence")
    assert rows(html) == sorted(lanshan, reverse=True)
    assert f"{len(lanshan)} entries match." in html
    assert '<option value="lanshan-intelligence" selected>Lanshan Intelligence</option>' in html
    assert 'href="/ledger/#entries" data-ledger-link="all">Show every entry</a>' in html

    earlier = [e.sequence for e in entries if e.cycle_slug == "2024-annual"]
    assert rows(page(client, "?cycle=2024-annual&sort=sequence")) == earlier
    both = [
        e.sequence
        for e in entries
        if e.cycle_slug == "2024-annual" and e.company_slug == "lanshan-intelligence"
    ]
    assert rows(page(client, "?cycle=2024-annual&company=lanshan-intelligence")) == both

    corrections = [e for e in entries if e.kind.value == "correction"]
    assert corrections  # the demo corrects one publication
    html = page(client, "?kind=correction")
    assert rows(html) == [e.sequence for e in reversed(corrections)]
    # A correction links to the entry it supersedes on the list of its company and cycle,
    # where that entry is whatever the list's page or filters.
    c = corrections[0]
    assert (
        f'href="/ledger/?company={c.company_slug}&amp;cycle={c.cycle_slug}#entry-{c.supersedes}"'
        in html
    )
    html = page(client, "?kind=report")
    assert rows(html) == [] and "No entry matches these filters." in html


def test_the_list_sorts_by_number_or_company_with_header_links(client, app, demo):
    entries = ledger(app)
    assert rows(page(client, "?sort=sequence")) == [e.sequence for e in entries]
    by_company = sorted(entries, key=lambda e: (e.company_slug, e.sequence))
    assert rows(page(client, "?sort=company")) == [e.sequence for e in by_company]
    reverse = sorted(entries, key=lambda e: e.company_slug, reverse=True)  # stable: by number
    assert rows(page(client, "?sort=-company")) == [e.sequence for e in reverse]

    html = page(client, "?kind=publication")
    # The sorted column says so; each header links to the other order, keeping the filters.
    assert '<th scope="col" class="num" aria-sort="descending">' in html
    assert 'href="/ledger/?kind=publication&amp;sort=sequence#entries"' in html
    sort_link = '<a class="sort-link" href="/ledger/?kind=publication&amp;sort='
    assert f'aria-sort="none">{sort_link}company#entries"' in html
    html = page(client, "?kind=publication&sort=company")
    assert f'aria-sort="ascending">{sort_link}-company#entries"' in html
    assert '<option value="company" selected>Company, A to Z</option>' in html


def test_pages_keep_the_filters(client, app, demo):
    app.config["PAGE_SIZE"] = 5
    entries = [e for e in ledger(app) if e.cycle_slug == "2025-annual"]
    html = page(client, "?cycle=2025-annual&sort=sequence")
    assert rows(html) == [e.sequence for e in entries[:5]]
    assert 'href="/ledger/?page=2&amp;cycle=2025-annual&amp;sort=sequence#entries"' in html
    second = page(client, "?page=2&cycle=2025-annual&sort=sequence")
    assert rows(second) == [e.sequence for e in entries[5:10]]
    assert client.get("/ledger/?page=99&cycle=2025-annual").status_code == 404


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("?kind=draft", "kind must be one of publication, correction, report, or empty"),
        ("?kind=Publication", "kind must be one of"),
        ("?sort=published", "sort must be one of -sequence, sequence, company, -company"),
        ("?sort=sequence%20desc", "sort must be one of"),
        ("?company=no-such-company", "company must be a company the ledger names"),
        ("?company=%20lanshan-intelligence", "company must be a company the ledger names"),
        ("?cycle=2031-annual", "cycle must be a reporting cycle the ledger names"),
        ("?cycle=" + "x" * 500, "cycle must be a reporting cycle"),
        ("?page=0&kind=report", "page must be a whole number"),
    ],
)
def test_what_the_page_does_not_offer_is_a_clear_400(client, filing_world, query, said):
    response = client.get("/ledger/" + query)
    assert response.status_code == 400
    message = MESSAGE.search(response.get_data(as_text=True))
    assert message and said in message[1]
    assert "x" * 21 not in message[1]  # a long value is cut short in the message


def test_a_refused_value_is_escaped_and_said_in_chinese(client):
    response = client.get("/ledger/?company=<script>alert(1)</script>")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "not “&lt;script&gt;alert(1)&lt;/sc…”." in html
    chinese = client.get("/ledger/?kind=x", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 400
    assert "kind 必须是" in chinese.get_data(as_text=True)


def test_the_company_page_links_to_its_entry_on_the_list_of_its_company_and_cycle(
    client, app, demo
):
    entries = [e for e in ledger(app) if e.company_slug == "lanshan-intelligence"]
    current = max((e for e in entries if e.cycle_slug == "2025-annual"), key=lambda e: e.sequence)
    html = client.get("/companies/lanshan-intelligence").get_data(as_text=True)
    link = f"/ledger/?company=lanshan-intelligence&amp;cycle=2025-annual#entry-{current.sequence}"
    assert html.count(f'href="{link}"') == 2  # beside the version, and in its record
    listed = page(client, "?company=lanshan-intelligence&cycle=2025-annual")
    assert current.sequence in rows(listed)


def test_report_entries_are_listed_apart_and_link_to_what_they_render(client, app, filing_world):
    from tests.support.review import publish_as_is
    from tracker.ledger.models import Publication
    from tracker.reports.services import render_published

    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication).filter_by(version=1))
        render_published(db.session, publication, "en", blobs(REPORTS, app))
        db.session.commit()  # the report entry (2)
    html = page(client, "?kind=report")
    assert rows(html) == [2]
    cycle = filing_world["cycle"]
    assert f'href="/ledger/?company=company-a&amp;cycle={cycle}#entry-1"' in html
    assert "report (en) of entry 1" in html
    assert rows(page(client, "?kind=publication")) == [1]
