"""The job queue under test: the machine's real Redis, a key prefix of its own per test, and
``tracker worker`` as real processes.

``queued_app`` is the app with REDIS_URL and a fresh JOBS_PREFIX (so parallel runs never share
a queue); ``Worker.start`` runs ``tracker worker`` on the same database, report folder and
prefix with short lost-job timings; ``kill()`` sends SIGKILL to its process group (the worker
and the work horse it forked), as a machine that dies would. The test kinds below are jobs the
worker can import (the repository root is on its path).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
from flask import Flask

from tests.support.app import make_app
from tests.support.witness import ROOT, TRACKER
from tracker.jobs.kinds import REPORTS, Kind

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Retried at once (no wait): a retry with a wait is RQ's scheduler's to enqueue, and the
# scheduler lock of a killed worker holds for about a minute more (see tracker.jobs.worker).
SLOW = Kind("test.slow", REPORTS, "tests.support.jobs:slow", retries=(0,), timeout=120)
FLAKY = Kind("test.flaky", REPORTS, "tests.support.jobs:needs_file", retries=())


def slow(marker: str, seconds: float) -> str:
    """A test job: notes its start in ``marker``, sleeps, notes its end."""
    path = Path(marker)
    with path.open("a") as f:
        f.write(f"start {os.getpid()}\n")
    time.sleep(seconds)
    with path.open("a") as f:
        f.write("end\n")
    return "slept"


def needs_file(cause: str) -> str:
    """A test job that fails until the file ``cause`` exists."""
    if not Path(cause).exists():
        raise FileNotFoundError(f"the file {Path(cause).name} is missing")
    return "found"


def new_prefix() -> str:
    """A queue prefix of its own for one test, so tests sharing the machine's Redis never meet."""
    return f"test{secrets.token_hex(5)}"


def queued_app(database_url: str, instance: Path, prefix: str, **extra) -> Flask:
    """The test app with the job queue on: REPORT_JOBS "thread" means the queue now."""
    settings = {"REDIS_URL": REDIS_URL, "JOBS_PREFIX": prefix, "REPORT_JOBS": "thread"}
    return make_app(database_url, instance, **(settings | extra))


def forget_prefix(prefix: str) -> None:
    """Delete every Redis key of a test's queues and jobs."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``condition`` until it is true; fail after ``timeout`` seconds saying ``what``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@dataclass
class Worker:
    """A running ``tracker worker`` process, in a process group of its own."""

    log: Path
    process: subprocess.Popen = field(repr=False)

    @classmethod
    def start(
        cls, app: Flask, directory: Path, name: str, env: dict[str, str] | None = None
    ) -> Worker:
        """Start ``tracker worker`` for ``app``'s database and queues; ``env`` adds settings
        (``TRACKER_*`` variables) the jobs need, such as the ledger's policy or a mail server."""
        directory.mkdir(parents=True, exist_ok=True)
        env = (
            os.environ
            | (env or {})
            | {
                "PYTHONPATH": str(ROOT),
                "TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "TRACKER_REDIS_URL": app.config["REDIS_URL"],
                "TRACKER_JOBS_PREFIX": app.config["JOBS_PREFIX"],
                "TRACKER_INSTANCE_PATH": str(directory / "instance"),
                "TRACKER_REPORT_DIR": app.config["REPORT_DIR"],
            }
        )
        log = directory / f"{name}.log"
        args = ["worker", "--name", f"{app.config['JOBS_PREFIX']}-{name}"]
        args += ["--monitoring-interval", "1", "--grace", "2", "--maintenance-interval", "1"]
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*TRACKER, *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=directory,
                start_new_session=True,  # its own group: kill() reaches the work horse too
            )
        worker = cls(log, process)
        wait_for(lambda: worker.alive_and_listening(), 60, f"worker {name} to start")
        return worker

    def alive_and_listening(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited: {self.output()}")
        return "Listening on" in self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and the work horses it forked, as a lost machine would (RQ puts
        each horse in a process group of its own, so the worker's group is not enough)."""
        horses = children(self.process.pid)
        os.killpg(self.process.pid, signal.SIGKILL)
        for pid in horses:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
