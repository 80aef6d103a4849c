"""The Redis connection and the RQ queues of an app (none when REDIS_URL is not set)."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from rq import Queue

from tracker.jobs.kinds import JOB_ID, QUEUES

_EXTENSION = "tracker.jobs.redis"


def init_app(app: Flask) -> None:
    """Check the settings at start-up; the connection itself is made at first use."""
    prefix = app.config["JOBS_PREFIX"]
    if not JOB_ID.fullmatch(prefix):
        raise ValueError(f"JOBS_PREFIX may hold only letters, digits, - and _, not {prefix!r}")
    app.extensions[_EXTENSION] = None


def configured(app: Flask) -> bool:
    """Whether jobs go to the queue (REDIS_URL is set) rather than run in-process."""
    return bool(app.config.get("REDIS_URL"))


def connection(app: Flask) -> Redis:
    """The app's Redis client (one per process; redis-py pools its connections)."""
    client = app.extensions.get(_EXTENSION)
    if client is None:
        if not configured(app):
            raise RuntimeError("REDIS_URL is not set: jobs run in-process")
        # Short timeouts: a web request that enqueues must not hang on a Redis that is gone.
        client = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=5, socket_timeout=10
        )
        app.extensions[_EXTENSION] = client
    return client


def queue_name(app: Flask, name: str) -> str:
    """The RQ queue's name: the app's prefix, so installations sharing a Redis stay apart."""
    return f"{app.config['JOBS_PREFIX']}-{name}"


def queue(app: Flask, name: str) -> Queue:
    return Queue(queue_name(app, name), connection=connection(app))


def queues(app: Flask) -> list[Queue]:
    """Every queue of the app, in the order a worker takes them."""
    return [queue(app, name) for name in QUEUES]
