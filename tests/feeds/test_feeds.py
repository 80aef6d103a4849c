"""The Atom feeds, read back by feedparser: entries, ids, dates, links and titles in both
languages; corrections only in the corrections feed; hostile names as text; 404s."""

from datetime import UTC, datetime

import feedparser
import pytest
import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.feeds.services import FEED_SIZE
from tracker.ledger.models import Publication

HOSTILE = "<script>alert(1)</script> \"&' Ltd"


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def publications(app, **where) -> list[Publication]:
    with app.app_context():
        query = (
            sa.select(Publication)
            .join(Company)
            .where(Company.is_public_signatory)
            .order_by(Publication.published_at.desc(), Publication.id.desc())
        )
        for name, value in where.items():
            query = query.where(getattr(Publication, name) == value)
        rows = db.session.scalars(query).all()
        for p in rows:  # loaded while the session is open
            _ = (p.company.slug, p.cycle.slug, p.entry.sequence)
        return rows


def test_every_publication_newest_first_with_ids_dates_and_links(app, client, demo):
    feed = parsed(client, "/feeds/publications.atom?lang=en")
    expected = publications(app)
    assert expected, "the demo publishes"
    assert feed.feed.title == "AI Safety Commitments Tracker: publications and corrections"
    assert feed.feed.language == "en"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://localhost/feeds/publications.atom?lang=en"
    assert links["alternate"] == "http://localhost/"
    assert len(feed.entries) == min(len(expected), FEED_SIZE)
    for entry, p in zip(feed.entries, expected, strict=False):
        assert entry.id == f"http://localhost/ledger/entries/{p.entry.sequence}"
        assert entry.link == (
            f"http://localhost/companies/{p.company.slug}?cycle={p.cycle.slug}&version={p.version}"
        )
        when = p.published_at.astimezone(UTC).replace(microsecond=0)
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == when
        assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == when
        assert p.company.name_en in entry.title
        assert f"#{p.entry.sequence}" in entry.summary and p.snapshot_sha256 in entry.summary
        assert f"Version {p.version}" in entry.summary
        assert entry.tags[0].term == p.cycle.slug
    assert feed.feed.updated_parsed == feed.entries[0].published_parsed
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)


def test_titles_in_the_language_asked_for(app, client, demo):
    latest = publications(app)[0]
    zh = parsed(client, "/feeds/publications.atom?lang=zh")
    en = parsed(client, "/feeds/publications.atom?lang=en")
    assert zh.feed.language == "zh-CN"
    assert latest.company.name_zh in zh.entries[0].title
    assert latest.cycle.name_zh in zh.entries[0].title
    assert "披露" in zh.entries[0].title and "账本条目" in zh.entries[0].summary
    assert latest.company.name_en in en.entries[0].title
    assert [e.id for e in zh.entries] == [e.id for e in en.entries]  # one entry, two languages
    # Without ?lang= the request's language: Accept-Language (a feed reader has no cookie).
    response = client.get("/feeds/publications.atom", headers={"Accept-Language": "zh-CN"})
    assert latest.company.name_zh in feedparser.parse(response.get_data()).entries[0].title
    assert client.get("/feeds/publications.atom?lang=fr").status_code == 404


def test_the_corrections_feed_lists_only_corrections(app, client, demo):
    with app.app_context():
        corrected = db.session.scalars(
            sa.select(Publication.id).where(Publication.supersedes_id.is_not(None))
        ).all()
    assert corrected, "the demo publishes a correction"
    feed = parsed(client, "/feeds/corrections.atom?lang=en")
    wanted = [p for p in publications(app) if p.id in corrected]
    assert [e.id for e in feed.entries] == [
        f"http://localhost/ledger/entries/{p.entry.sequence}" for p in wanted
    ]
    assert all(
        "corrected" in e.title and "replaces ledger entry #" in e.summary for e in feed.entries
    )
    everything = parsed(client, "/feeds/publications.atom?lang=en")
    assert {e.id for e in feed.entries} < {e.id for e in everything.entries}


def test_a_company_feed_and_a_cycle_feed(app, client, demo):
    latest = publications(app)[0]
    slug, cycle = latest.company.slug, latest.cycle.slug
    company = parsed(client, f"/feeds/companies/{slug}.atom")
    own = [p for p in publications(app) if p.company.slug == slug]
    assert [e.id for e in company.entries] == [
        f"http://localhost/ledger/entries/{p.entry.sequence}" for p in own
    ]
    assert {link.rel: link.href for link in company.feed.links}["alternate"] == (
        f"http://localhost/companies/{slug}"
    )
    of_cycle = parsed(client, f"/feeds/cycles/{cycle}.atom?lang=zh")
    in_cycle = [p for p in publications(app) if p.cycle.slug == cycle]
    assert len(of_cycle.entries) == min(len(in_cycle), FEED_SIZE)
    assert all(e.tags[0].term == cycle for e in of_cycle.entries)
    assert latest.cycle.name_zh in of_cycle.feed.title


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/companies/no-such-company.atom",
        "/feeds/cycles/no-such-cycle.atom",
        "/feeds/companies/hidden.atom",
    ],
)
def test_unknown_or_unconfirmed_is_not_found(app, client, demo, url):
    with app.app_context():
        db.session.add(Company(slug="hidden", name_en="Hidden", name_zh="隐藏", is_signatory=True))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_an_empty_feed_is_still_valid(app, client, demo):
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle))
        db.session.add(
            Cycle(
                slug="2030-annual",
                name_en="2030 annual disclosure",
                name_zh="2030年度披露",
                checklist_version=cycle.checklist_version,
                opens_on=cycle.opens_on,
                due_on=cycle.due_on,
            )
        )
        db.session.commit()
    feed = parsed(client, "/feeds/cycles/2030-annual.atom")
    assert feed.entries == [] and feed.feed.updated_parsed


def test_a_hostile_company_name_survives_as_text(app, client, demo):
    slug = publications(app)[0].company.slug
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug=slug))
        company.name_en = HOSTILE
        company.name_zh = HOSTILE
        db.session.commit()
    response = client.get(f"/feeds/companies/{slug}.atom?lang=en")
    assert b"<script>" not in response.get_data()
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo
    assert HOSTILE in feed.feed.title
    # feedparser sanitises HTML in text constructs; the raw XML holds the name escaped.
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.get_data()


def test_links_are_built_on_the_base_url_not_the_host_header(app, client, demo):
    app.config["BASE_URL"] = "https://tracker.example.org"
    response = client.get("/feeds/publications.atom?lang=en", headers={"Host": "evil.example"})
    text = response.get_data(as_text=True)
    assert "evil.example" not in text
    feed = feedparser.parse(response.get_data())
    assert feed.entries[0].id.startswith("https://tracker.example.org/ledger/entries/")
    assert feed.entries[0].link.startswith("https://tracker.example.org/companies/")


def test_feeds_come_from_the_page_cache_with_an_etag(app, client, demo):
    first = client.get("/feeds/publications.atom?lang=en")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get("/feeds/publications.atom?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
