"""/metrics: Prometheus text for a scraper with the bearer token; requests by endpoint and
status, their latency, the job queue's depth and failures, the ledger's size."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from tests.support.app import make_app
from tests.support.jobs import REDIS_URL, forget_prefix, new_prefix
from tracker.db import db
from tracker.jobs import queues
from tracker.ledger.models import LedgerEntry

TOKEN = "scrape-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by (name, sorted labels)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def scraped_app(app):
    """Make apps on the test's database with METRICS_TOKEN set; their pools closed after."""
    made: list[Flask] = []

    def build(_app, tmp_path, name="scraped", **extra) -> Flask:
        built = make_app(
            app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / name, METRICS_TOKEN=TOKEN, **extra
        )
        made.append(built)
        return built

    yield build
    for built in made:
        with built.app_context():
            db.engine.dispose()


def test_without_a_token_setting_there_is_no_metrics_page(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


def test_a_missing_or_wrong_token_is_refused(scraped_app, app, tmp_path):
    client = scraped_app(app, tmp_path).test_client()
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer é"},
    ):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert "tracker_" not in response.get_data(as_text=True)


def test_requests_are_counted_by_endpoint_method_and_status(scraped_app, app, tmp_path):
    client = scraped_app(app, tmp_path).test_client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    found = samples(response.get_data(as_text=True))
    healthz = (("endpoint", "health.healthz"), ("method", "GET"), ("status", "200"))
    assert found[("tracker_http_requests_total", healthz)] == 2
    # Addresses of no route share one label: a scanner cannot grow the series.
    unmatched = (("endpoint", "<unmatched>"), ("method", "GET"), ("status", "404"))
    assert found[("tracker_http_requests_total", unmatched)] == 2
    count = (("endpoint", "health.healthz"), ("method", "GET"))
    assert found[("tracker_http_request_duration_seconds_count", count)] == 2
    assert found[("tracker_http_request_duration_seconds_sum", count)] > 0
    assert found[("tracker_metrics_source_up", (("source", "jobs"),))] == 1
    assert found[("tracker_metrics_source_up", (("source", "ledger"),))] == 1
    assert found[("tracker_jobs_failed", ())] == 0  # no Redis: jobs run in-process
    assert not any(name == "tracker_job_queue_depth" for name, _ in found)


def test_apps_count_apart(scraped_app, app, tmp_path):
    first = scraped_app(app, tmp_path, "first").test_client()
    second = scraped_app(app, tmp_path, "second").test_client()
    first.get("/healthz")
    healthz = (("endpoint", "health.healthz"), ("method", "GET"), ("status", "200"))
    assert (
        samples(first.get("/metrics", headers=AUTH).get_data(as_text=True))[
            ("tracker_http_requests_total", healthz)
        ]
        == 1
    )
    assert ("tracker_http_requests_total", healthz) not in samples(
        second.get("/metrics", headers=AUTH).get_data(as_text=True)
    )


def test_the_ledger_size_is_the_number_of_entries(scraped_app, app, demo, tmp_path):
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    assert entries > 0
    found = samples(scraped_app(app, tmp_path).test_client().get("/metrics", headers=AUTH).text)
    assert found[("tracker_ledger_entries", ())] == entries
    assert 0 < found[("tracker_ledger_checkpoint_size", ())] <= entries


def test_queue_depths_and_failures_come_from_redis(scraped_app, app, tmp_path):
    prefix = new_prefix()
    try:
        scraped = scraped_app(app, tmp_path, REDIS_URL=REDIS_URL, JOBS_PREFIX=prefix)
        with scraped.app_context():
            queue = queues.queue(scraped, "reports")
            queue.enqueue("builtins.print", "one")
            queue.enqueue("builtins.print", "two")
        found = samples(scraped.test_client().get("/metrics", headers=AUTH).text)
        assert found[("tracker_job_queue_depth", (("queue", "reports"),))] == 2
        assert found[("tracker_job_queue_depth", (("queue", "ledger"),))] == 0
        assert found[("tracker_job_queue_depth", (("queue", "outbox"),))] == 0
        assert found[("tracker_jobs_failed", ())] == 0
        assert found[("tracker_metrics_source_up", (("source", "jobs"),))] == 1
    finally:
        forget_prefix(prefix)


def test_an_unreachable_redis_leaves_the_rest_of_the_scrape(scraped_app, app, tmp_path):
    scraped = scraped_app(app, tmp_path, REDIS_URL="redis://:pw-of-redis@127.0.0.1:1/0")
    response = scraped.test_client().get("/metrics", headers=AUTH)
    assert response.status_code == 200
    found = samples(response.text)
    assert found[("tracker_metrics_source_up", (("source", "jobs"),))] == 0
    assert found[("tracker_metrics_source_up", (("source", "ledger"),))] == 1
    assert "pw-of-redis" not in response.text


def test_the_token_comes_from_the_environment(monkeypatch, app, tmp_path):
    from tracker.app import create_app

    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "env-instance"))
    monkeypatch.setenv("TRACKER_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRACKER_SECRET_KEY", "env-secret")
    monkeypatch.setenv("TRACKER_METRICS_TOKEN", TOKEN)
    from_env = create_app()
    try:
        assert from_env.config["METRICS_TOKEN"] == TOKEN
        client = from_env.test_client()
        assert client.get("/metrics", headers=AUTH).status_code == 200
        assert client.get("/metrics").status_code == 401
    finally:
        with from_env.app_context():
            db.engine.dispose()
