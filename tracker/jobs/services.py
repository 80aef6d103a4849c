"""Enqueueing jobs once, and what the administrator's page and the metrics read.

One build per key across all processes: a job's id comes from its kind and key (for an aggregate
report the cycle, its ledger head and the language), and enqueueing checks under a short Redis
lock whether a job with that id is queued, scheduled for a retry or (for an exclusive kind)
running; then the second enqueue is a no-op. A finished or failed job of the same id is replaced.
The worker also takes a lock for the run itself (tracker.jobs.runner), so a job that RQ runs
again while a lost worker is in fact still busy with it does not build twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from tracker.jobs import queues
from tracker.jobs.kinds import JOB_ID, QUEUES, Kind

RUNNER = "tracker.jobs.runner.perform"
# How long finished jobs and their results are kept (seconds), and failed ones.
RESULT_TTL = 24 * 3600
FAILURE_TTL = 30 * 24 * 3600
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def enqueue(
    app: Flask,
    kind: Kind,
    key: tuple[object, ...],
    *args: Any,
    concerns: dict[str, str | int] | None = None,
    at: datetime | None = None,
) -> Job | None:
    """Put a job of ``kind`` for ``key`` on its queue unless one is waiting (or, for an
    exclusive kind, running or done); returns the new job, or None when the existing one stands.

    ``args`` go to the kind's function; ``concerns`` names what the job is about (a cycle's
    slug, a language), for the administrator's page (tracker.jobs.labels). ``at``: not before
    this moment (RQ's scheduler, which every ``tracker worker`` runs, enqueues it then).
    """
    redis = queues.connection(app)
    base = kind.job_id(app.config["JOBS_PREFIX"], key)
    # Two processes enqueueing the same job at the same moment: one does, the other finds it.
    with redis.lock(f"{app.config['JOBS_PREFIX']}:enqueue:{base}", timeout=10):
        job_id = _free_id(redis, kind, base)
        if job_id is None:
            return None
        named = concerns or {}
        queue = queues.queue(app, kind.queue)
        queue.failed_job_registry.remove(job_id)  # a failed job of this id is replaced
        options: dict[str, Any] = {
            "job_id": job_id,
            "job_timeout": kind.timeout,
            "result_ttl": RESULT_TTL,
            "failure_ttl": FAILURE_TTL,
            "retry": Retry(max=len(kind.retries), interval=list(kind.retries))
            if kind.retries
            else None,
            "meta": {"kind": kind.name, "concerns": named},
            "description": " ".join([kind.name, *(f"{k}={v}" for k, v in named.items())]),
        }
        if at is not None:
            return queue.enqueue_at(at, RUNNER, kind.target, *args, **options)
        return queue.enqueue(RUNNER, kind.target, *args, **options)


def _free_id(redis: Any, kind: Kind, base: str) -> str | None:
    """The id to enqueue under, or None if a job for the key stands already.

    A waiting job stands. A running one stands for an exclusive kind (a build); for a delivery
    the run may have read older data, so the next one waits under a second id (``-again``):
    never the running job's own, since enqueueing under it would overwrite the running job.
    """
    for job_id in (base, f"{base}-again"):
        try:
            status = Job.fetch(job_id, connection=redis).get_status(refresh=False)
        except NoSuchJobError:
            return job_id
        if status in WAITING:
            return None
        if status is JobStatus.STARTED:
            if kind.exclusive:
                return None
            continue
        if status is JobStatus.FINISHED and kind.exclusive:
            return None  # built already: its key names what it built (e.g. the ledger head)
        return job_id  # failed, stopped, canceled or a finished delivery: replaced
    return None


def queue_depths(app: Flask) -> dict[str, int]:
    """Jobs waiting on each queue (for metrics): {} when no Redis is configured."""
    if not queues.configured(app):
        return {}
    return {name: queues.queue(app, name).count for name in QUEUES}


def failed_count(app: Flask) -> int:
    """Jobs that failed for good and wait for an administrator (0 without Redis)."""
    if not queues.configured(app):
        return 0
    return sum(len(queue.failed_job_registry) for queue in queues.queues(app))


@dataclass(frozen=True)
class JobRow:
    """One job as the administrator's page shows it."""

    id: str
    state: str  # queued, scheduled, started or failed
    kind: str
    concerns: dict[str, str | int]
    attempts_left: int | None
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    error: str | None  # the exception's last line, never the stack trace


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _last_line(job: Job) -> str | None:
    result = job.latest_result()
    text = result.exc_string if result is not None and result.exc_string else None
    if not text:
        return None
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else None


def _row(job: Job, state: str) -> JobRow:
    return JobRow(
        id=job.id,
        state=state,
        kind=str(job.meta.get("kind", "")),
        concerns=dict(job.meta.get("concerns") or {}),
        attempts_left=job.retries_left,
        enqueued_at=_utc(job.enqueued_at),
        started_at=_utc(job.started_at),
        ended_at=_utc(job.ended_at),
        error=_last_line(job) if state == "failed" else None,
    )


STATES = ("started", "queued", "scheduled", "failed")


def list_jobs(app: Flask, state: str, limit: int = 100) -> tuple[list[JobRow], int]:
    """The newest ``limit`` jobs in ``state`` across the app's queues, and how many there are."""
    rows: list[JobRow] = []
    total = 0
    redis = queues.connection(app)
    for queue in queues.queues(app):
        registry: Any
        if state == "queued":
            ids = queue.get_job_ids()
            total += len(ids)
        else:
            registry = {
                "started": StartedJobRegistry,
                "scheduled": ScheduledJobRegistry,
                "failed": FailedJobRegistry,
            }[state](queue=queue)
            ids = registry.get_job_ids(desc=True)
            total += len(ids)
        for job in Job.fetch_many(ids[:limit], connection=redis):
            if job is not None:
                rows.append(_row(job, state))
    rows.sort(key=lambda r: r.enqueued_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return rows[:limit], total


class NotRetryable(Exception):
    """No failed job has that id (retried already, expired, or never failed)."""


def retry_failed(app: Flask, job_id: str) -> Job:
    """Put a failed job back on its queue, with its retries renewed."""
    if not queues.configured(app) or not JOB_ID.fullmatch(job_id):
        raise NotRetryable(job_id)
    redis = queues.connection(app)
    for queue in queues.queues(app):
        registry = FailedJobRegistry(queue=queue)
        if job_id in registry:
            job = Job.fetch(job_id, connection=redis)
            retries = job.retry_intervals or []
            job.retries_left = len(retries) if retries else None
            job.save_meta()
            job.save()
            try:
                return registry.requeue(job)
            except Exception as exc:  # InvalidJobOperation: another admin was quicker
                raise NotRetryable(job_id) from exc
    raise NotRetryable(job_id)
