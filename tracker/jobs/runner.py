"""What a worker runs: a job's function inside an app context, once at a time per job id.

The app is the one ``tracker worker`` made (it binds it before working); a worker started some
other way (``rq worker``) makes one from the environment, once per process, as the web
processes do. RQ forks a work horse per job, so the database pool inherited from the parent is
dropped first: two processes must never share a connection.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import threading
from typing import Any

from flask import Flask
from rq import get_current_job

from tracker.db import db
from tracker.jobs.worker import TrackerWorker

log = logging.getLogger(__name__)
_app: Flask | None = None


def bind(app: Flask) -> None:
    """Run this process's jobs in ``app`` (``tracker worker`` calls it)."""
    global _app
    _app = app


def current_app() -> Flask:
    """The app jobs run in, made from the environment the first time if none was bound."""
    global _app
    if _app is None:
        # By name: the factory sits above every feature (tests/test_layering.py), and only a
        # worker process that was not started by `tracker worker` needs it here.
        _app = importlib.import_module("tracker.app").create_app()
    return _app


def _function(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def perform(target: str, *args: Any) -> Any:
    """The function every queued job calls: ``target`` ("module:function") with ``args``."""
    app = current_app()
    job = get_current_job()
    lock: _RunLock | None = None
    if job is not None and job.connection is not None:
        lock = _RunLock(job.connection, f"{app.config['JOBS_PREFIX']}:running:{job.id}")
        if not lock.acquire():
            raise RuntimeError(f"job {job.id} is running elsewhere; it will be tried again")
    try:
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections belong to the parent
            try:
                return _function(target)(*args)
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
    finally:
        if lock is not None:
            lock.release()


class _RunLock:
    """A Redis key held while a job runs, kept alive by a thread of the work horse.

    If RQ runs the job again while the first run goes on (its worker lost its heartbeat but
    not its life), the second run finds the key, fails and is retried after its back-off,
    instead of building the same report twice at once. The key lives ``grace`` seconds past
    its last renewal, so a run that was killed frees it about when RQ gives its job up as lost
    (tracker.jobs.worker).
    """

    def __init__(self, redis: Any, key: str):
        self.redis, self.key = redis, key
        self.token = secrets.token_hex(8)
        self.ttl = max(int(TrackerWorker.grace), 2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name="tracker-run-lock")

    def acquire(self) -> bool:
        if not self.redis.set(self.key, self.token, nx=True, ex=self.ttl):
            return False
        self._thread.start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.redis.expire(self.key, self.ttl)
            except Exception:  # a blip: the next renewal tries again
                log.warning("could not renew %s", self.key)

    def release(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self.redis.get(self.key) == self.token.encode():
            self.redis.delete(self.key)
