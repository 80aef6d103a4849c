"""``tracker worker``: run the app's jobs from the Redis queue."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError

from tracker.jobs import queues, runner
from tracker.jobs.worker import TrackerWorker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued now, then exit.")
@click.option("--name", default=None, help="The worker's name (default: host and pid).")
@click.option(
    "--monitoring-interval",
    default=10,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds between the heartbeats of a running job.",
)
@click.option(
    "--grace",
    default=60,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds past a missed heartbeat after which a job's worker counts as lost.",
)
@click.option(
    "--maintenance-interval",
    default=60,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds between looks for lost jobs (each is retried) and due retries.",
)
@with_appcontext
def worker(
    burst: bool, name: str | None, monitoring_interval: int, grace: int, maintenance_interval: int
):
    """Run queued jobs (reports, witness deliveries, mail) until stopped (TRACKER_REDIS_URL)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not queues.configured(app):
        raise click.ClickException(
            "no Redis is configured (set TRACKER_REDIS_URL, e.g. redis://127.0.0.1:6379/0): "
            "without it jobs run inside the web processes and no worker is needed."
        )
    redis = queues.connection(app)
    try:
        redis.ping()
    except RedisError as exc:
        raise click.ClickException(
            f"cannot reach Redis at {app.config['REDIS_URL']}: {exc}"
        ) from None
    runner.bind(app)
    TrackerWorker.grace = grace
    rq_worker = TrackerWorker(
        queues.queues(app),
        connection=redis,
        name=name,
        job_monitoring_interval=monitoring_interval,
        maintenance_interval=maintenance_interval,
        # An idle worker waits for a job at most worker_ttl - 15 seconds, then does its
        # maintenance: so this makes the maintenance interval hold while idle too.
        worker_ttl=maintenance_interval + 15,
    )
    click.echo(f"worker {rq_worker.name} on {', '.join(rq_worker.queue_names())}")
    rq_worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
