"""The app's Prometheus metrics: requests counted and timed by endpoint, and what is read at
scrape time (queue depths, failed jobs, the ledger's size).

Each app has its own ``CollectorRegistry`` (tests make many apps in one process, and a metric
name may be registered once per registry). Under gunicorn with ``PROMETHEUS_MULTIPROC_DIR`` set,
prometheus-client keeps the request counters in files in that folder, one per worker process,
and a scrape adds them up (``MultiProcessCollector``), so whichever worker answers /metrics
reports every worker's requests; the gauges read at scrape time are the same for every worker.
``tracker.gunicorn_conf`` empties the folder when the server starts and drops a dead worker's
live files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tracker.db import db
from tracker.jobs import services as jobs
from tracker.ledger.models import Checkpoint, LedgerEntry

EXTENSION = "tracker.metrics"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"  # requests for no route: one label, whatever the address
_STARTED = "tracker_metrics_started"
# Seconds: page views are tens of milliseconds; PDFs and bundles may take seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram


def multiprocess_mode() -> bool:
    """Whether prometheus-client keeps values in files (gunicorn with several workers)."""
    return bool(os.environ.get(MULTIPROCESS_DIR))


class LiveCollector(Collector):
    """What is read when scraped: the job queue's depth and failures, the ledger's size.

    A source that cannot be read (Redis down, the database down) is left out and
    ``tracker_metrics_source_up`` says so, so the rest of the scrape still answers.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "tracker_metrics_source_up",
            "Whether a source of the live metrics could be read (1) or not (0)",
            labels=["source"],
        )
        try:
            depths = jobs.queue_depths(self.app)
            failed = jobs.failed_count(self.app)
        except Exception:
            self.app.logger.warning("Metrics: the job queue could not be read", exc_info=True)
            up.add_metric(["jobs"], 0)
        else:
            up.add_metric(["jobs"], 1)
            depth = GaugeMetricFamily(
                "tracker_job_queue_depth", "Jobs waiting on each queue", labels=["queue"]
            )
            for name, count in sorted(depths.items()):
                depth.add_metric([name], count)
            yield depth
            yield GaugeMetricFamily(
                "tracker_jobs_failed",
                "Jobs that failed for good and wait for an administrator",
                value=failed,
            )
        try:
            with db.engine.connect() as connection:
                entries = connection.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
                checkpoint = connection.scalar(sa.select(sa.func.max(Checkpoint.size)))
        except Exception:
            self.app.logger.warning("Metrics: the ledger could not be read", exc_info=True)
            up.add_metric(["ledger"], 0)
        else:
            up.add_metric(["ledger"], 1)
            yield GaugeMetricFamily(
                "tracker_ledger_entries", "Entries in the publication ledger", value=entries or 0
            )
            yield GaugeMetricFamily(
                "tracker_ledger_checkpoint_size",
                "Tree size of the latest signed checkpoint",
                value=checkpoint or 0,
            )
        yield up


def metrics(app: Flask) -> Metrics:
    found: Metrics = app.extensions[EXTENSION]
    return found


def _start() -> None:
    setattr(g, _STARTED, time.perf_counter())


def _record(response: Response) -> Response:
    started = g.get(_STARTED)
    if started is None:  # answered before our first hook ran
        return response
    found = metrics(current_app)
    endpoint = request.url_rule.endpoint if request.url_rule is not None else UNMATCHED
    found.requests.labels(endpoint, request.method, str(response.status_code)).inc()
    found.latency.labels(endpoint, request.method).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Make the app's registry and count every request (call before the other hooks: its
    before_request runs first and its after_request last, so the time covers theirs)."""
    registry = CollectorRegistry()
    found = Metrics(
        registry=registry,
        requests=Counter(
            "tracker_http_requests",
            "Requests answered, by endpoint, method and status",
            ["endpoint", "method", "status"],
            registry=registry,
        ),
        latency=Histogram(
            "tracker_http_request_duration_seconds",
            "Time to answer a request, by endpoint and method",
            ["endpoint", "method"],
            buckets=BUCKETS,
            registry=registry,
        ),
    )
    registry.register(LiveCollector(app))
    app.extensions[EXTENSION] = found
    app.before_request(_start)
    app.after_request(_record)


def exposition(app: Flask) -> bytes:
    """The text a scraper reads: this app's metrics, or in multiprocess mode every worker's
    counters plus the live gauges."""
    if not multiprocess_mode():
        return generate_latest(metrics(app).registry)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(LiveCollector(app))
    return generate_latest(registry)
