"""Delivering the outbox from the job queue, when one is configured (tracker.jobs).

A transaction that queued a message hands a delivery job to the queue when it commits; the job
sends every due message (as ``tracker outbox send`` does) and, if some wait for a retry, asks
for another run when the earliest is due. Without REDIS_URL, or without a mail server, messages
wait in the outbox for ``tracker outbox send`` (cron), as before: that command stays the safety
net either way.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from tracker import clock
from tracker.db import db
from tracker.jobs import queues
from tracker.jobs import services as queued
from tracker.jobs.kinds import OUTBOX, Kind
from tracker.outbox import services
from tracker.outbox.smtp import SMTPSettings, deliver_due

_EXTENSION = "tracker.outbox.jobs"
SEND = Kind("outbox.send", OUTBOX, "tracker.outbox.jobs:run_send", exclusive=False)
# The follow-up run for messages waiting for a retry: its own id, so a new message is not held
# back behind a follow-up scheduled hours ahead.
SEND_LATER = Kind("outbox.send_later", OUTBOX, "tracker.outbox.jobs:run_send", exclusive=False)


def run_send(limit: int = 500) -> str:
    """The queued job: deliver the due messages over SMTP (in an app context)."""
    settings = SMTPSettings.from_config(current_app.config)
    if settings is None:
        return "no mail server is configured: messages wait in the outbox"
    sent, not_sent = deliver_due(db.session, settings, clock.now, limit)
    due = services.next_due(db.session)
    if due is not None:
        key = ("at", int(due.timestamp()))
        queued.enqueue(current_app, SEND_LATER, key, concerns={"outbox": "retry"}, at=due)
    return f"{sent} sent, {len(not_sent)} not sent"


def init_app(app: Flask) -> None:
    """Deliver this app's queued mail from the job queue (when REDIS_URL is set)."""
    app.extensions[_EXTENSION] = True


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _send_queued_messages(session: sa.orm.Session) -> None:
    """A committed transaction queued mail: with a job queue, deliver it now."""
    if session.info.pop(services.QUEUED, None) and has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        mail = SMTPSettings.from_config(app.config) is not None
        if _EXTENSION in app.extensions and queues.configured(app) and mail:
            try:
                queued.enqueue(app, SEND, ("now",), concerns={"outbox": "due"})
            except Exception:  # the mail is safe in the outbox; cron sends it
                app.logger.exception("Could not hand the outbox to the job queue")


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back(session: sa.orm.Session) -> None:
    session.info.pop(services.QUEUED, None)
