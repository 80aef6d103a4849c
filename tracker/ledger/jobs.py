"""Sending new checkpoints to the witnesses outside requests.

A witness may take seconds to answer, or none at all, so no request waits for one: when a
transaction that signed a checkpoint commits (tracker.ledger.log marks it in ``session.info``),
delivery is handed to one background thread of the process, which asks every due witness in
turn and commits after each. A witness that failed is tried again when its back-off ends (the
thread sets a timer) or by ``tracker ledger cosign`` (cron). ``LEDGER_COSIGN_JOBS`` picks the
runner, as REPORT_JOBS does: "thread" (the default), "inline" (in the committing caller; for
the command line and tests) or "off" (only ``tracker ledger cosign`` delivers).

With REDIS_URL set, "thread" means the job queue (tracker.jobs): one delivery job waits at a
time (a new checkpoint while one runs queues the next, which sends the latest), and a witness
that failed makes the job fail, so RQ tries it again after its back-off (10 s … 30 min), then
leaves it in the failed list for an administrator; ``tracker ledger cosign`` stays the cron.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from tracker.clock import now as clock_now
from tracker.db import db
from tracker.jobs import queues
from tracker.jobs import services as queued
from tracker.jobs.kinds import LEDGER, Kind
from tracker.ledger.log import SIGNED
from tracker.ledger.policy import log_policy
from tracker.ledger.witnesses import Delivery, deliver

_EXTENSION = "tracker.ledger_jobs"
COSIGN = Kind(
    "ledger.cosign",
    LEDGER,
    "tracker.ledger.jobs:run_cosign",
    # Never sooner than the witness's own back-off (30 s, then 1, 2, 4 … minutes,
    # tracker.ledger.witnesses.retry_delay): a retry before it would find the witness waiting.
    retries=(30, 60, 300, 1800),
    timeout=10 * 60,
    exclusive=False,
)


class WitnessesFailed(Exception):
    """Some witness did not cosign: the queued job fails so that RQ tries it again."""


class CosignJobs:
    def __init__(self, app: Flask):
        self.app = app
        self.mode  # noqa: B018 - a bad setting fails at start-up, not at the first publication
        self._executor: ThreadPoolExecutor | None = None
        self._pending = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        mode = self.app.config["LEDGER_COSIGN_JOBS"]
        if mode not in ("thread", "inline", "off"):
            raise ValueError(f"LEDGER_COSIGN_JOBS must be thread, inline or off, not {mode!r}")
        return mode

    def cosign(self) -> Future | None:
        """Ask for the latest checkpoint to be sent to every witness that has not cosigned it."""
        if self.mode == "off":
            return None
        if self.mode == "inline":
            self.run()
            return None
        if queues.configured(self.app):
            try:
                queued.enqueue(self.app, COSIGN, ("latest",), concerns={"checkpoint": "latest"})
            except Exception:  # Redis away: `tracker ledger cosign` (cron) delivers it
                self.app.logger.exception("Could not queue the delivery to the witnesses")
            return None
        with self._lock:
            if self._pending:  # already queued: that run sends the latest checkpoint
                return None
            self._pending = True
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="tracker-cosign"
                )
        return self._executor.submit(self._run_queued)

    def _run_queued(self) -> None:
        with self._lock:
            self._pending = False
        try:
            deliveries = self.run()
        except Exception:
            self.app.logger.exception("Could not send the latest checkpoint to the witnesses")
            return
        if any(d.outcome == "failed" for d in deliveries):
            self._retry_later()

    def _retry_later(self) -> None:
        """Run again when the earliest back-off ends (one timer at a time)."""
        from tracker.ledger.models import WitnessState

        with self.app.app_context():
            due = db.session.scalar(sa.select(sa.func.min(WitnessState.next_attempt_at)))
            db.session.remove()
        if due is None:
            return
        delay = max((due - clock_now()).total_seconds(), 1.0)
        with self._lock:
            if self._timer is not None and self._timer.is_alive():
                return
            self._timer = threading.Timer(delay, self.cosign)
            self._timer.daemon = True
            self._timer.start()

    def run(self, force: bool = False) -> list[Delivery]:
        """Deliver to every witness of the policy now, committing after each."""
        with self.app.app_context():
            try:
                return cosign_all(self.app, force)
            finally:
                db.session.remove()

    def stop(self) -> None:
        """Cancel a pending retry and wait for a running delivery (tests, shutdown)."""
        with self._lock:
            timer, executor = self._timer, self._executor
            self._timer = self._executor = None
        if timer is not None:
            timer.cancel()
        if executor is not None:
            executor.shutdown(wait=True)


def cosign_all(app: Flask, force: bool = False) -> list[Delivery]:
    """Deliver the latest checkpoint to each witness of the app's policy (in an app context),
    committing after each so one witness's answer is kept whatever the next one does."""
    policy = log_policy(app).policy
    timeout = float(app.config["LEDGER_WITNESS_TIMEOUT"])
    deliveries = []
    for witness in policy.witnesses.values():
        try:
            deliveries.append(deliver(db.session, witness, clock_now(), timeout, force))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return deliveries


def run_cosign() -> str:
    """The queued job: deliver the latest checkpoint to every witness (in an app context)."""
    deliveries = cosign_all(current_app)
    # A witness still in its back-off ("waiting") has not cosigned either: the job fails so that
    # RQ runs it again when the back-off has ended, rather than ending with the witness unasked.
    behind = [d for d in deliveries if d.outcome in ("failed", "waiting")]
    if behind:
        raise WitnessesFailed(f"{len(behind)} of {len(deliveries)} witnesses did not cosign")
    return f"{len(deliveries)} witnesses"


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = CosignJobs(app)


def jobs(app: Flask) -> CosignJobs:
    return app.extensions[_EXTENSION]


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _send_signed_checkpoints(session: sa.orm.Session) -> None:
    """A committed transaction signed a checkpoint: send it to the witnesses."""
    if (
        session.info.pop(SIGNED, None)
        and has_app_context()
        and _EXTENSION in current_app.extensions
    ):
        jobs(current_app).cosign()


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back(session: sa.orm.Session) -> None:
    session.info.pop(SIGNED, None)
