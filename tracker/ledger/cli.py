"""``tracker ledger verify``."""

import sys

import click
from flask.cli import with_appcontext

from tracker.db import db
from tracker.ledger.services import ledger_head, verify_ledger


@click.group(help="The publication ledger.")
def ledger():
    pass


@ledger.command("verify")
@with_appcontext
def verify():
    """Recompute every snapshot and entry hash and the chain; exit 1 at the first mismatch."""
    count, finding = verify_ledger(db.session)
    if finding is not None:
        click.echo(f"ledger verification FAILED at {finding}", err=True)
        sys.exit(1)
    head = ledger_head(db.session)
    click.echo(f"ledger ok: {count} entries" + (f", head {head.entry_hash}" if head else ""))
