"""Gunicorn's settings for the web processes:
``gunicorn -c python:tracker.gunicorn_conf 'tracker.app:create_app()'``.

Every value may be overridden on the command line or by gunicorn's own ``GUNICORN_CMD_ARGS``;
the environment variables below are read here.

- ``WEB_CONCURRENCY``: worker processes (default 2 × cores + 1, at most 9: each worker holds
  its own page cache and database pool, and the database's connections are the limit).
- ``TRACKER_BIND``: address to listen on (default ``0.0.0.0:8000``; gunicorn's ``PORT`` also).
- ``FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-*`` headers gunicorn believes
  (default ``127.0.0.1``; set it to the load balancer's addresses, never ``*`` on a host that
  clients can reach directly). The app itself trusts ``TRACKER_PROXY_HOPS`` proxies for the
  client's address and scheme.
- ``PROMETHEUS_MULTIPROC_DIR``: a folder for the metrics of all workers (tracker.metrics):
  emptied when the server starts, a dead worker's live values dropped.

The app is not preloaded: each worker imports and builds it after the fork, so no database
connection, Redis client or thread is shared across a fork, and a worker that is restarted
(max_requests) starts clean.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

MAX_WORKERS = 9


def default_workers(cores: int | None = None) -> int:
    """2 × cores + 1 (gunicorn's advice), capped at MAX_WORKERS; WEB_CONCURRENCY wins."""
    given = os.environ.get("WEB_CONCURRENCY", "").strip()
    if given:
        value = int(given)
        if value < 1:
            raise ValueError(f"WEB_CONCURRENCY must be at least 1, not {given!r}")
        return value
    cores = cores or multiprocessing.cpu_count()
    return min(2 * cores + 1, MAX_WORKERS)


bind = os.environ.get("TRACKER_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = default_workers()
worker_class = "sync"
# A request may render a PDF on first download (seconds); past a minute it is stuck.
timeout = 60
graceful_timeout = 30  # SIGTERM: running requests get this long to finish
keepalive = 5  # seconds a load balancer's idle connection is kept (keep below its own timeout)
# Restart each worker now and then (with jitter, so not all at once): a slow leak stays small.
max_requests = 2000
max_requests_jitter = 200
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The request id (tracker.requestlog) ends every line, to match the app's own log records.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}o)s"
)


def _multiprocess_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server) -> None:
    """Empty the metrics folder: values left by an earlier server would be counted again."""
    folder = _multiprocess_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    """A worker ended: its live gauges no longer count (its counters do, and stay)."""
    if _multiprocess_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
