"""``tracker cycles list|open|close|reopen``: the cycle administration of /admin/cycles, for an
operator at a terminal.

Every change is made by the administrator named with ``--as EMAIL`` (recorded in the audit trail
as the web's would be), through the same services, so the same refusals apply: they end the
command with the sentence the web shows and exit status 1. An unknown cycle, actor or a missing
option is a usage error (exit status 2). Nothing is written unless the whole command succeeds.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.auth.models import User
from tracker.auth.permissions import can_manage_cycles
from tracker.auth.services import normalize_email
from tracker.cycles import services
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.errors import refusal_message
from tracker.review.mail import notify_cycle_opened

# A link to this machine is of no use in an officer's mail (as for `tracker reminders send`).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # noqa: S104 - names, not a bind

AS_OPTION = click.option(
    "--as",
    "actor_email",
    required=True,
    metavar="EMAIL",
    help="The administrator acting (recorded in the audit trail).",
)


def acting_admin(email: str) -> User:
    """The active administrator with this e-mail address; a usage error (exit 2) otherwise."""
    user = db.session.scalar(sa.select(User).filter_by(email=normalize_email(email)))
    if user is None:
        raise click.BadParameter(f"no account with the e-mail address {email}", param_hint="--as")
    if not can_manage_cycles(user):
        raise click.BadParameter(
            f"{user.email} is not an active administrator: only administrators run cycles",
            param_hint="--as",
        )
    return user


def cycle_named(slug: str) -> Cycle:
    """The cycle with this short name; a usage error naming the known ones otherwise."""
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=slug))
    if cycle is None:
        known = ", ".join(db.session.scalars(sa.select(Cycle.slug).order_by(Cycle.slug))) or "none"
        raise click.BadParameter(f"no cycle {slug!r} (known: {known})", param_hint="SLUG")
    return cycle


def refused(exc: services.CycleError) -> click.ClickException:
    """The refusal's sentence as the web shows it (in English), nothing written: exit 1."""
    db.session.rollback()
    # The sentence is made for a page: it reads the language and the time zone of a request.
    with current_app.test_request_context():
        return click.ClickException(f"refused: {refusal_message(exc)}")


def filing_link(cycle: Cycle) -> str:
    """The filing overview's address on BASE_URL, for the mail that tells officers; a usage
    error before anything is written when BASE_URL is missing or local."""
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    host = urlsplit(base).hostname if base else None
    if host is None or host in LOCAL_HOSTS:
        raise click.UsageError(
            "Not opened: the mail telling officers would link to "
            f"{base or 'http://127.0.0.1:5000'}, which they cannot open. Set TRACKER_BASE_URL "
            "to the site's public address (e.g. TRACKER_BASE_URL=https://tracker.example.org) "
            "and run it again."
        )
    return f"{base}/filing/{cycle.slug}/"


@click.group(help="Reporting cycles: list, open, close, reopen.")
def cycles():
    pass


@cycles.command("list")
@with_appcontext
def list_cycles():
    """Every cycle, newest first: short name, phase, dates, number of disclosures, title."""
    rows = services.all_cycles(db.session)
    if not rows:
        click.echo("No cycles yet; create one at /admin/cycles/new.")
        return
    counts = services.disclosure_counts(db.session, [c.id for c in rows])
    click.echo(
        f"{'SLUG':<24} {'PHASE':<8} {'OPENS':<10} {'DUE':<10} {'CLOSES':<10} "
        f"{'DISCLOSURES':>11}  TITLE"
    )
    for cycle in rows:
        closes = cycle.closes_on.isoformat() if cycle.closes_on else "-"
        click.echo(
            f"{cycle.slug:<24} {cycle.phase.value:<8} {cycle.opens_on.isoformat():<10} "
            f"{cycle.due_on.isoformat():<10} {closes:<10} {counts.get(cycle.id, 0):>11}  "
            f"{cycle.name_en}"
        )


@cycles.command("open")
@click.argument("slug")
@AS_OPTION
@with_appcontext
def open_cycle(slug: str, actor_email: str):
    """Open a planned cycle: every confirmed signatory gets its disclosure and its officers are
    told by mail (links on TRACKER_BASE_URL, which must be the site's public address)."""
    cycle = cycle_named(slug)
    actor = acting_admin(actor_email)
    link = filing_link(cycle)
    try:
        created = services.open_cycle(db.session, actor, cycle, clock.now())
    except services.CycleError as exc:
        raise refused(exc) from None
    told = notify_cycle_opened(db.session, cycle, [d.company_id for d in created], link)
    db.session.commit()
    click.echo(
        f"Opened {cycle.slug}: {len(created)} companies got their disclosures; "
        f"{told} officers were told (messages in the outbox)."
    )


@cycles.command("close")
@click.argument("slug")
@AS_OPTION
@click.option("--yes", is_flag=True, help="Close without asking for confirmation.")
@with_appcontext
def close_cycle(slug: str, actor_email: str, yes: bool):
    """Close an open cycle: nobody can file any more. Shows first who has not handed in and
    asks for confirmation (unless --yes)."""
    cycle = cycle_named(slug)
    actor = acting_admin(actor_email)
    if cycle.closed_at is None and cycle.opened_at is not None:
        preview = services.close_preview(db.session, cycle, clock.today())
        if preview.handed_in:
            click.echo(f"Every company has handed its disclosure in for {cycle.slug}.")
        else:
            click.echo(
                f"{len(preview.outstanding)} companies have not handed their disclosures in "
                f"({preview.drafts} with answers started, {preview.later_due} still with days "
                "left); closing ends their chance to file:"
            )
            for item in preview.outstanding:
                d = item.disclosure
                click.echo(
                    f"  {d.company.slug:<24} {d.state.value:<18} due {item.due_on.isoformat()} "
                    f"({item.days_left} days left)"
                )
        if not yes and not click.confirm(f"Close {cycle.slug}?", default=False):
            click.echo("Not closed.")
            raise SystemExit(1)
    try:
        services.close_cycle(db.session, actor, cycle, clock.now())
    except services.CycleError as exc:
        raise refused(exc) from None
    db.session.commit()
    click.echo(
        f"Closed {cycle.slug}: nobody can file any more; handed-in disclosures can still be "
        "reviewed and published."
    )


@cycles.command("reopen")
@click.argument("slug")
@AS_OPTION
@click.option(
    "--reason", required=True, help="Why it is reopened (kept in the cycle's audit trail)."
)
@with_appcontext
def reopen_cycle(slug: str, actor_email: str, reason: str):
    """Reopen a closed cycle, with a reason: officers can file again."""
    cycle = cycle_named(slug)
    actor = acting_admin(actor_email)
    try:
        services.reopen_cycle(db.session, actor, cycle, reason, clock.today())
    except services.CycleError as exc:
        raise refused(exc) from None
    db.session.commit()
    click.echo(f"Reopened {cycle.slug}: officers can file again. The reason is in its history.")
