"""``tracker outbox send|list|show|retry``."""

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import db
from tracker.outbox import services
from tracker.outbox.models import MessageStatus, OutboxMessage
from tracker.outbox.smtp import SMTPSettings, deliver_due
from tracker.params import MAX_ID


@click.group(help="The mail outbox: messages wait here until an SMTP server takes them.")
def outbox():
    pass


@outbox.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Most messages to try in this run.",
)
@with_appcontext
def send(limit: int):
    """Deliver the messages that are due over SMTP (TRACKER_MAIL_SERVER)."""
    settings = SMTPSettings.from_config(current_app.config)
    if settings is None:
        waiting = services.count_by_status(db.session).get(MessageStatus.PENDING, 0)
        raise click.ClickException(
            f"no mail server is configured (set TRACKER_MAIL_SERVER and TRACKER_MAIL_SENDER); "
            f"{waiting} messages are waiting and stay in the outbox: see 'tracker outbox list'."
        )
    sent, not_sent = deliver_due(db.session, settings, clock.now, limit)
    for message in not_sent:
        click.echo(
            f"not sent: #{message.id} to {message.recipient}: {message.last_error}", err=True
        )
    failed = len(not_sent)
    click.echo(f"{sent} sent, {failed} not sent (will be retried unless marked failed).")


@outbox.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def list_messages(status: str | None, limit: int):
    """List messages, newest first."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == MessageStatus(status))
    messages = db.session.scalars(query).all()
    if not messages:
        click.echo("The outbox is empty.")
    for m in messages:
        click.echo(
            f"#{m.id:<5} {m.status.value:<8} {m.created_at:%Y-%m-%d %H:%M} "
            f"{m.recipient:<32} {m.subject}"
        )


@outbox.command("show")
@click.argument("message_id", type=click.IntRange(1, MAX_ID))  # an id both databases store
@with_appcontext
def show(message_id: int):
    """Print one message in full (links included)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise click.ClickException(f"no message #{message_id}")
    click.echo(
        f"To: {message.recipient}\nSubject: {message.subject}\nStatus: "
        f"{message.status.value} ({message.attempts} attempts)\n\n{message.body}"
    )


@outbox.command("retry")
@click.argument("message_id", type=click.IntRange(1, MAX_ID))  # an id both databases store
@with_appcontext
def retry(message_id: int):
    """Queue a failed message again."""
    if services.retry_failed(db.session, message_id, clock.now()) is None:
        raise click.ClickException(f"no failed message #{message_id}")
    db.session.commit()
    click.echo(f"#{message_id} queued again.")
