"""Queueing messages and delivering them with retries and back-off."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from tracker.db import Session
from tracker.outbox.models import MessageStatus, OutboxMessage

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


class DeliveryError(Exception):
    """A transport could not deliver a message.

    ``permanent`` means trying again cannot help (the message itself is malformed), so it fails
    at once instead of after every retry.
    """

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


Transport = Callable[[OutboxMessage], None]


QUEUED = "tracker.outbox.queued"  # session.info: a message was queued in this transaction


def enqueue(session: Session, recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Put a message in the outbox; it is delivered by ``tracker outbox send`` (or, with a job
    queue, by a delivery job handed over when the transaction commits: tracker.outbox.jobs)."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind)
    session.add(message)
    session.flush()
    session.info[QUEUED] = True
    return message


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4, 8 … minutes, at most six hours."""
    doublings = min(max(attempts - 1, 0), 20)  # past 2**9 minutes the cap applies anyway
    return min(FIRST_RETRY * 2**doublings, LONGEST_WAIT)


CLAIM_LEASE = timedelta(minutes=10)


def claim_next_due(session: Session, now: datetime) -> OutboxMessage | None:
    """Take the oldest pending message whose time has come, so that no other sender takes it.

    The claim is a conditional update that moves the message's next attempt a lease into the
    future; only one sender's update can match, on SQLite and PostgreSQL alike. The caller
    commits the claim before sending, then commits the outcome. A sender that dies in between
    leaves the message to be tried again when the lease ends.
    """
    due = (OutboxMessage.status == MessageStatus.PENDING) & (OutboxMessage.next_attempt_at <= now)
    candidates = session.scalars(
        sa.select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(10)
    ).all()
    for message_id in candidates:
        # An UPDATE without RETURNING gives a CursorResult; Session.execute is typed for any
        # statement, so it does not say so.
        claimed = cast(
            CursorResult[Any],
            session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id, due)
                .values(next_attempt_at=now + CLAIM_LEASE)
                .execution_options(synchronize_session=False)
            ),
        )
        if claimed.rowcount == 1:
            message = session.get(OutboxMessage, message_id)
            session.refresh(message)
            return message
    return None


def deliver(message: OutboxMessage, transport: Transport, now: datetime) -> bool:
    """Try to send one (claimed) message and record the outcome on it; True if it was sent."""
    message.attempts += 1
    try:
        transport(message)
    except DeliveryError as exc:
        message.last_error = str(exc)[:2000]
        if exc.permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
        return False
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.last_error = None
    return True


def retry_failed(session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Put a failed message back in the queue for another round of attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status is not MessageStatus.FAILED:
        return None
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.last_error = None
    message.next_attempt_at = now
    return message


def send_due(
    session: Session, transport: Transport, clock: Callable[[], datetime], limit: int
) -> tuple[int, list[OutboxMessage]]:
    """Deliver up to ``limit`` due messages, committing each claim and each outcome; returns
    how many were sent and the messages that were not."""
    sent = 0
    failed: list[OutboxMessage] = []
    for _ in range(limit):
        message = claim_next_due(session, clock())
        if message is None:
            break
        session.commit()  # the claim: no other sender takes this message now
        if deliver(message, transport, clock()):
            sent += 1
        else:
            failed.append(message)
        session.commit()
    return sent, failed


def next_due(session: Session) -> datetime | None:
    """When the earliest waiting message is due."""
    return session.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == MessageStatus.PENDING
        )
    )


def count_by_status(session: Session) -> dict[MessageStatus, int]:
    rows = session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return dict(rows.all())
