"""``tracker reminders send``."""

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import db
from tracker.reminders.services import send_reminders


@click.group(help="Reminders to companies that have not submitted.")
def reminders():
    pass


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
    running it again the same day sends nothing new.
    """
    day = today.date() if today else clock.today()
    base = (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    run = send_reminders(
        db.session,
        day,
        list(current_app.config["REMINDER_DAYS"]),
        clock.now(),
        lambda cycle: f"{base}/filing/{cycle.slug}/",
    )
    db.session.commit()
    click.echo(f"{run.companies} companies reminded, {run.messages} messages in the outbox.")
