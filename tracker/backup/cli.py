"""``tracker backup --out FILE`` and ``tracker restore FILE`` (tracker.backup.services)."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker import clock
from tracker.backup import services
from tracker.backup.archive import ArchiveError
from tracker.db import db
from tracker.storage.base import BlobStore
from tracker.storage.services import NAMESPACES, backend_name, blobs


def head_revision() -> str:
    """The revision this code's migrations end at."""
    directory = current_app.extensions["migrate"].directory
    head = ScriptDirectory(directory).get_current_head()
    if head is None:
        raise click.ClickException(f"no migrations in {directory}")
    return head


def stores() -> dict[str, BlobStore]:
    """The app's blob store of every namespace."""
    return {namespace: blobs(namespace) for namespace in NAMESPACES}


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (a new file: a backup never overwrites one).",
)
@with_appcontext
def backup(out: Path):
    """Write the database (every table, in a form either database reads) and every stored
    attachment and report to one archive, with a manifest of SHA-256 sums; consistent while the
    app runs."""
    if out.exists():
        raise click.ClickException(f"{out} exists already: give the backup a new file name")
    if not out.parent.is_dir():
        raise click.ClickException(f"{out.parent} is no folder")
    try:
        summary = services.create_backup(
            db.engine,
            db.metadata,
            stores(),
            out,
            head_revision=head_revision(),
            created_at=clock.now(),
        )
    except services.BackupError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(
        f"Backup written to {out}: {summary.rows} rows in {len(summary.tables)} tables, "
        f"{summary.blobs} blobs ({_size(summary.blob_bytes)}), migration revision "
        f"{summary.revision}; the archive is {_size(summary.archive_bytes)}."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore(archive: Path):
    """Restore a backup into an EMPTY database and storage: the archive is checked whole first
    (a damaged or mismatched one is refused and nothing is written), the schema migrated, then
    every row and blob written in one transaction."""
    head = head_revision()
    target = stores()
    try:
        manifest = services.read_archive(archive, db.metadata, set(target), head)
        services.refuse_unless_empty(db.engine, db.metadata, target, head)
    except (ArchiveError, services.BackupError) as refused:
        raise click.ClickException(f"{refused}. Nothing was restored.") from None
    click.echo(
        f"Archive checked: made {manifest.created_at} by tracker {manifest.app_version} at "
        f"revision {manifest.revision}, {len(manifest.blobs)} blobs."
    )
    upgrade()
    try:
        summary = services.restore_archive(db.session, db.metadata, target, archive, manifest)
    except (ArchiveError, sa.exc.SQLAlchemyError, OSError) as failed:
        raise click.ClickException(
            f"the restore failed and was rolled back: {failed}. Nothing was restored."
        ) from None
    click.echo(
        f"Restored {summary.rows} rows in {len(summary.tables)} tables and {summary.blobs} blobs "
        f"({_size(summary.blob_bytes)}) into {db.engine.url.render_as_string(hide_password=True)}"
        f" with storage {backend_name(current_app)}. The ledger's key is not in a backup: give "
        "this installation the same key file (TRACKER_LEDGER_KEY) to sign and verify its log."
    )
