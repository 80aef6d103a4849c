"""``tracker reminders send``."""

from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import db
from tracker.reminders.services import send_reminders

# What a link falls back to without a request: no officer could open it from their mail.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # noqa: S104 - names, not a bind


@click.group(help="Reminders to companies that have not submitted.")
def reminders():
    pass


def mail_base() -> str:
    """The address mailed links are built on: BASE_URL. The command line has no request to
    take it from, and a link to this machine is of no use in an officer's mail, so a missing
    or local one stops the command (exit code 2) with what to set."""
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    host = urlsplit(base).hostname if base else None
    if host is None or host in LOCAL_HOSTS:
        raise click.UsageError(
            "No reminder sent: the links in the mail would point at "
            f"{base or 'http://127.0.0.1:5000'}, which officers cannot open. Set "
            "TRACKER_BASE_URL to the site's public address (e.g. "
            "TRACKER_BASE_URL=https://tracker.example.org) and run it again."
        )
    return base


@reminders.command("send")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD).",
)
@with_appcontext
def send(today):
    """Queue reminders for companies that still owe their disclosure near the due date.

    Thresholds are REMINDER_DAYS (default 14, 7 and 1 days before). Run it daily from cron;
    running it again the same day sends nothing new. Mail links are built on
    TRACKER_BASE_URL, which must be set to the site's public address.
    """
    day = today.date() if today else clock.today()
    base = mail_base()
    run = send_reminders(
        db.session,
        day,
        list(current_app.config["REMINDER_DAYS"]),
        clock.now(),
        lambda cycle: f"{base}/filing/{cycle.slug}/",
    )
    db.session.commit()
    click.echo(f"{run.companies} companies reminded, {run.messages} messages in the outbox.")
