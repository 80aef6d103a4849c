"""Queueing messages and delivering them with retries and back-off."""

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.outbox.models import MessageStatus, OutboxMessage

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


class DeliveryError(Exception):
    """A transport could not deliver a message (the server refused it or could not be reached)."""


Transport = Callable[[OutboxMessage], None]


def queue(session: Session, recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Put a message in the outbox; it is delivered by ``tracker outbox send``."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind)
    session.add(message)
    session.flush()
    return message


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4, 8 … minutes, at most six hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def due_messages(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Pending messages whose time has come, oldest first.

    On PostgreSQL the rows are locked and rows locked by another sender are skipped, so two
    senders running at once never deliver the same message twice.
    """
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def deliver(message: OutboxMessage, transport: Transport, now: datetime) -> bool:
    """Try to send one message and record the outcome on it; True if it was sent."""
    message.attempts += 1
    try:
        transport(message)
    except DeliveryError as exc:
        message.last_error = str(exc)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
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
    message.next_attempt_at = now
    return message


def count_by_status(session: Session) -> dict[MessageStatus, int]:
    rows = session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return dict(rows.all())
