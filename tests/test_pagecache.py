"""The public page cache (tracker.pagecache): computed once per public generation, day and
language; never for signed-in readers or pending flashes; conditional requests; the counter
raised by every kind of write to what the public reads."""

from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import template_rendered

from tests.support.app import make_app
from tests.support.http import client_as, download
from tests.support.review import publish_as_is
from tracker import clock
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.pagecache import read_generation

PAGES = [
    "/",
    "/companies/",
    "/companies/{company}",
    "/benchmarks/",
    "/benchmarks/harmbench",
    "/ledger/",
    "/checklist/",
    "/api/v1/companies",
    "/api/v1/cycles",
    "/api/v1/cycles/{cycle}/matrix",
    "/api/v1/ledger",
    "/cycles/{cycle}/disclosures.csv",
    "/ledger.csv",
    "/benchmark-results.csv",
    "/api/v1/benchmark-results",
    "/api/v1/benchmark-results/eee",
]


@contextmanager
def rendered(app):
    """The templates rendered inside the block, by name."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def demo_names(app) -> dict[str, str]:
    """A published company and the current cycle of the demo."""
    with app.app_context():
        disclosure = db.session.scalars(
            sa.select(Disclosure)
            .where(Disclosure.state == DisclosureState.PUBLISHED)
            .order_by(Disclosure.id.desc())
        ).first()
        return {"company": disclosure.company.slug, "cycle": disclosure.cycle.slug}


def generation(app) -> int:
    with app.app_context(), db.engine.connect() as connection:
        return read_generation(connection).value


@pytest.mark.parametrize("page", PAGES)
def test_a_public_page_is_computed_once(app, client, demo, count_queries, page):
    url = page.format(**demo_names(app))
    with count_queries() as first:
        computed = download(client, url)  # read to the end: a download is kept once whole
    assert computed.status_code == 200
    with count_queries() as second, rendered(app) as templates:
        served = download(client, url)
    assert served.status_code == 200
    assert served.get_data() == computed.get_data()
    assert second.count == 1, second.statements  # the generation (interval 0 in tests)
    assert first.count > second.count
    assert templates == []
    assert (
        served.headers["ETag"] and served.headers["ETag"] == download(client, url).headers["ETag"]
    )
    assert served.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert served.headers["Content-Type"] == computed.headers["Content-Type"]
    assert "Set-Cookie" not in served.headers
    assert served.headers["Content-Security-Policy"]  # every answer's headers, cached or not


def test_the_query_string_is_part_of_the_address_in_any_order(app, client, demo):
    first = client.get("/api/v1/companies?page=1&per_page=5").get_json()
    assert len(first["data"]) == 5
    with rendered(app):
        again = client.get("/api/v1/companies?per_page=5&page=1").get_json()
    assert again == first
    assert len(client.get("/api/v1/companies?per_page=6&page=1").get_json()["data"]) == 6


def test_each_language_has_its_own_page(client, demo):
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en"' in english and '<html lang="zh-CN"' in chinese
    assert client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True) == english
    client.set_cookie("lang", "zh_CN")
    assert client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True) == chinese


def test_a_publication_shows_at_once(app, client, demo):
    before = client.get("/ledger/").get_data(as_text=True)
    api_before = client.get("/api/v1/ledger").get_json()["total"]
    with app.app_context():
        accepted = db.session.scalar(
            sa.select(Disclosure.id).where(Disclosure.state == DisclosureState.ACCEPTED).limit(1)
        )
        slug = db.session.get(Disclosure, accepted).company.slug
    publish_as_is(app, accepted)
    assert client.get("/api/v1/ledger").get_json()["total"] == api_before + 1
    after = client.get("/ledger/").get_data(as_text=True)
    assert after != before
    assert client.get(f"/companies/{slug}").status_code == 200


def test_a_company_edit_shows_at_once(app, client, demo):
    slug = demo_names(app)["company"]
    assert "Renamed Company" not in client.get("/companies/").get_data(as_text=True)
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug=slug))
        company.name_en = "Renamed Company"
        db.session.commit()
    assert "Renamed Company" in client.get("/companies/").get_data(as_text=True)
    assert "Renamed Company" in client.get(f"/companies/{slug}").get_data(as_text=True)


def test_a_cycle_change_by_update_statement_shows_at_once(app, client, demo):
    """ORM-enabled ``session.execute(update(...))`` statements raise the generation too."""
    cycle = demo_names(app)["cycle"]
    assert "Renamed Cycle" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            sa.update(Cycle).where(Cycle.slug == cycle).values(name_en="Renamed Cycle")
        )
        db.session.commit()
    assert "Renamed Cycle" in client.get("/").get_data(as_text=True)


def test_a_workflow_move_by_update_statement_changes_the_progress(app, client, demo):
    cycle = demo_names(app)["cycle"]
    before = client.get(f"/api/v1/cycles/{cycle}").get_data()
    home = client.get("/").get_data()
    with app.app_context():
        db.session.execute(
            sa.update(Disclosure)
            .where(Disclosure.state == DisclosureState.DRAFT)
            .values(state=DisclosureState.SUBMITTED)
        )
        db.session.commit()
    assert client.get("/").get_data() != home  # the progress bar counts states
    assert client.get(f"/api/v1/cycles/{cycle}").status_code == 200
    assert before  # the cycle document itself may or may not count states


def test_a_new_day_computes_the_page_again(app, client, demo, monkeypatch):
    first = client.get("/")
    with rendered(app) as templates:
        client.get("/")
    assert templates == []
    with app.app_context():
        tomorrow = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    with rendered(app) as templates:
        later = client.get("/")
    assert templates == ["public/home.html"]
    assert later.last_modified > first.last_modified  # the start of the new day


def test_changes_nobody_sees_leave_the_cache_alone(app, client, demo):
    """An autosave touches the disclosure's updated_at, a rolled-back change touches nothing."""
    client.get("/")
    start = generation(app)
    with app.app_context():
        disclosure = db.session.scalar(sa.select(Disclosure).limit(1))
        disclosure.updated_at = disclosure.updated_at + timedelta(seconds=1)
        db.session.commit()
        company = db.session.scalar(sa.select(Company).limit(1))
        company.name_en = "Never Committed"
        db.session.flush()
        db.session.rollback()
    with app.app_context():  # the same by UPDATE statements: a due date, a row lock
        db.session.execute(sa.update(Disclosure).values(due_on=None))
        db.session.execute(sa.update(Disclosure).values(id=Disclosure.id))
        db.session.commit()
    assert generation(app) == start
    with rendered(app) as templates:
        assert "Never Committed" not in client.get("/companies/").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(sa.select(Company).limit(1)).name_en = "Committed"
        db.session.commit()
    assert generation(app) == start + 1
    assert templates == ["companies/index.html"]


def test_a_signed_in_reader_never_gets_or_leaves_the_cached_page(app, demo, accounts):
    anonymous = app.test_client()
    public = anonymous.get("/").get_data(as_text=True)
    assert "Sign out" not in public and "csrf_token" not in public
    staff = client_as(app, accounts.ids, "staff")
    mine = staff.get("/")
    text = mine.get_data(as_text=True)
    assert "Sign out" in text and 'name="csrf_token"' in text
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in mine.headers
    # and the other way round: a signed-in page first never reaches anonymous readers
    staff.get("/companies/")
    assert "Sign out" not in app.test_client().get("/companies/").get_data(as_text=True)
    assert "Sign out" not in anonymous.get("/").get_data(as_text=True)


def test_a_pending_flash_is_shown_and_never_cached(app, client, demo):
    client.get("/")
    flashed = app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("info", "A message only for you")]
    assert "A message only for you" in flashed.get("/").get_data(as_text=True)
    assert "A message only for you" not in client.get("/").get_data(as_text=True)
    assert "A message only for you" not in flashed.get("/").get_data(as_text=True)  # shown once


def test_a_response_that_changes_the_session_is_not_stored(app, demo):
    """A reader who visited the sign-in page carries a CSRF token; their first page changes
    their session (Flask-Login marks it), so it is not stored, yet they get cached pages."""
    reader = app.test_client()
    reader.get("/sign-in")
    first = reader.get("/companies/")
    assert first.headers["Cache-Control"] == "private, no-cache"
    with rendered(app) as templates:
        again = reader.get("/companies/")
        app.test_client().get("/companies/")
    assert templates == ["companies/index.html"]  # computed once more, then stored
    assert again.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Set-Cookie" not in again.headers


def test_conditional_requests_are_answered_304(app, client, demo):
    page = client.get("/ledger/")
    etag, modified = page.headers["ETag"], page.headers["Last-Modified"]
    assert client.get("/ledger/", headers={"If-None-Match": etag}).status_code == 304
    not_modified = client.get("/ledger/", headers={"If-Modified-Since": modified})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert client.get("/ledger/", headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head("/ledger/")
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == etag
    time.sleep(1.1)  # HTTP dates count whole seconds: a change in the same second is invisible
    with app.app_context():
        db.session.scalar(sa.select(Company).limit(1)).name_en = "Changed"
        db.session.commit()
    assert client.get("/ledger/", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/ledger/", headers={"If-Modified-Since": modified}).status_code == 200


def test_a_cold_cache_answers_a_known_etag_with_304(app, demo, migrated_database, tmp_path):
    """Another process (here another app) computes the same bytes, so the same ETag."""
    etag = app.test_client().get("/companies/").headers["ETag"]
    other = make_app(migrated_database, tmp_path / "other")
    response = other.test_client().get("/companies/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    with other.app_context():
        db.engine.dispose()


def test_another_process_sees_a_change_within_the_interval(app, demo, migrated_database, tmp_path):
    """A process that did not write re-reads the generation after PUBLIC_GENERATION_INTERVAL."""
    slow = make_app(migrated_database, tmp_path / "slow", PUBLIC_GENERATION_INTERVAL=3600)
    reader = slow.test_client()
    assert "Elsewhere Renamed" not in reader.get("/companies/").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(sa.select(Company).limit(1)).name_en = "Elsewhere Renamed"
        db.session.commit()
    # within the interval the slow process still serves what it had
    assert "Elsewhere Renamed" not in reader.get("/companies/").get_data(as_text=True)
    slow.extensions["tracker_pagecache"].interval = 0
    assert "Elsewhere Renamed" in reader.get("/companies/").get_data(as_text=True)
    with slow.app_context():
        db.engine.dispose()


def test_redis_shares_pages_between_processes(app, demo, migrated_database, tmp_path):
    prefix = f"tracker-test-{secrets.token_hex(4)}:"
    settings = {"CACHE_REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": prefix}
    one = make_app(migrated_database, tmp_path / "one", **settings)
    two = make_app(migrated_database, tmp_path / "two", **settings)
    try:
        computed = one.test_client().get("/companies/")
        with rendered(two) as templates:
            served = two.test_client().get("/companies/")
        assert templates == []
        assert served.get_data() == computed.get_data()
        assert served.headers["ETag"] == computed.headers["ETag"]
    finally:
        with one.app_context():
            from tracker.pagecache import cache

            cache.clear()
        for each in (one, two):
            with each.app_context():
                db.engine.dispose()


def test_a_cache_that_cannot_be_reached_costs_the_computation_not_the_page(
    demo, migrated_database, tmp_path
):
    down = make_app(migrated_database, tmp_path / "down", CACHE_REDIS_URL="redis://127.0.0.1:9/0")
    client = down.test_client()
    for _ in range(2):
        with rendered(down) as templates:
            response = client.get("/companies/")
        assert response.status_code == 200 and templates == ["companies/index.html"]
    with down.app_context():
        db.engine.dispose()


def test_the_cache_can_be_turned_off(demo, migrated_database, tmp_path):
    off = make_app(migrated_database, tmp_path / "off", PUBLIC_CACHE=False)
    client = off.test_client()
    client.get("/")
    with rendered(off) as templates:
        response = client.get("/")
    assert templates == ["public/home.html"] and "ETag" not in response.headers
    with off.app_context():
        db.engine.dispose()


def test_a_changed_benchmark_registry_is_never_answered_from_pages_of_the_old_one(app, demo):
    """The registry is read from its file when the app starts, not from the database: its hash
    is part of every page's key, so a restart with an edited file computes pages again."""
    from tracker.pagecache import SALTS

    client = app.test_client()
    client.get("/benchmarks/harmbench")
    with rendered(app) as templates:
        client.get("/benchmarks/harmbench")
    assert templates == []  # served from the cache
    app.extensions[SALTS] = ["another registry's hash"]
    with rendered(app) as templates:
        client.get("/benchmarks/harmbench")
    assert templates == ["benchmarks/detail.html"]
