"""``tracker companies import FILE``: companies added to and changed in the roster from a CSV or
YAML file (tracker.domain.roster_file reads it, tracker.roster.services plans and applies it)."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from tracker.auth.models import User
from tracker.auth.permissions import can_manage_companies
from tracker.auth.services import normalize_email
from tracker.db import db
from tracker.domain.roster_file import FORMATS, RosterFileError, format_of, parse_roster
from tracker.roster import services

# A roster is tens to thousands of lines; a file far larger is not one.
MAX_FILE_BYTES = 10 * 1024 * 1024


@click.group(help="The roster of companies.")
def companies():
    pass


def _acting_admin(email: str) -> User:
    user = db.session.scalar(sa.select(User).filter_by(email=normalize_email(email)))
    if user is None:
        raise click.BadParameter(f"no account with the e-mail address {email}", param_hint="--as")
    if not can_manage_companies(user):
        raise click.BadParameter(
            f"{user.email} is not an active administrator: only administrators change the roster",
            param_hint="--as",
        )
    return user


def _shown(value) -> str:
    return "(none)" if value is None or value == "" else repr(value)


@companies.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    help="csv or yaml; by default from the file's name (.csv, .yaml, .yml).",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    help="The administrator making the changes (recorded in the audit trail); not needed for "
    "--dry-run.",
)
@with_appcontext
def import_roster(file: Path, file_format: str | None, dry_run: bool, actor_email: str | None):
    """Add and change companies from a roster FILE (columns: slug, name_en, name_zh, website,
    signatory, source), matched by slug. Every company added, and every one whose signatory
    status or source changes, is unconfirmed until an administrator confirms it in the roster.
    One transaction: any problem and nothing is written (exit 1, every problem with its line)."""
    file_format = file_format or format_of(file)
    if file_format is None:
        raise click.BadParameter(
            f"cannot tell the format from the name {file.name!r}: give --format csv or yaml",
            param_hint="--format",
        )
    actor = None
    if not dry_run:
        if not actor_email:
            raise click.UsageError("Missing option '--as' (an administrator), or use --dry-run.")
        actor = _acting_admin(actor_email)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise click.ClickException(
                f"{file}: {size} bytes is more than a roster ({MAX_FILE_BYTES} at most)"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read: {exc.strerror}") from None
    try:
        entries = parse_roster(data, str(file), file_format)
    except RosterFileError as exc:
        click.echo(f"{file}: {len(exc.problems)} problems, nothing imported:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    plan = services.plan_import(db.session, entries)
    for planned in plan.creates:
        values = planned.values
        signatory = "signatory, unconfirmed" if values["is_signatory"] else "not a signatory"
        click.echo(
            f"add     {values['slug']}: {values['name_en']} / {values['name_zh']} ({signatory})"
        )
    for update in plan.updates:
        click.echo(f"change  {update.company.slug}:")
        for field, (before, after) in update.changed.items():
            click.echo(f"          {field}: {_shown(before)} -> {_shown(after)}")
        if update.unconfirms:
            click.echo("          (no longer confirmed: an administrator confirms it again)")
    summary = (
        f"{len(plan.creates)} to add, {len(plan.updates)} to change, "
        f"{len(plan.unchanged)} unchanged"
    )
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {summary}; nothing written.")
        return
    if not plan.changes_anything:
        click.echo(f"Nothing to import: {summary}.")
        return
    assert actor is not None  # set above unless --dry-run
    try:
        services.apply_import(db.session, actor, plan)
    except services.CompanySlugTaken as exc:
        db.session.rollback()
        raise click.ClickException(
            f"nothing imported: a company with the short name {exc.slug!r} was added meanwhile; "
            "run the import again"
        ) from None
    db.session.commit()
    click.echo(
        f"Imported: {len(plan.creates)} added, {len(plan.updates)} changed, "
        f"{len(plan.unchanged)} unchanged. New and changed signatories wait for confirmation "
        "at /admin/companies/."
    )
