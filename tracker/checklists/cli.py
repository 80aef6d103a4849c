"""``tracker checklist check`` and ``tracker checklist load``."""

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.checklists.services import ChecklistConflict, load_checklist
from tracker.db import db
from tracker.domain.checklist import (
    ChecklistError,
    checklist_paths,
    load_checklist_directory,
    load_checklist_files,
)
from tracker.resources import resource_dir


@click.group(help="Check and load the checklist files in commitments/.")
def checklist():
    pass


def _default_checklist_dir() -> Path:
    return Path(os.environ.get("TRACKER_CHECKLIST_DIR") or resource_dir("commitments"))


@checklist.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def checklist_check(files: tuple[Path, ...]):
    """Validate checklist FILES (default: every file in commitments/). Exit 1 if any is wrong.

    This needs no database and works even when the app itself cannot start.
    """
    paths = list(files) or checklist_paths(_default_checklist_dir())
    if not paths:
        raise click.ClickException(f"no checklist files in {_default_checklist_dir()}")
    ok = True
    for path in paths:
        try:
            (loaded,) = load_checklist_files([path])
        except ChecklistError as exc:
            ok = False
            for problem in exc.problems:
                click.echo(click.style("error ", fg="red") + str(problem))
            continue
        c = loaded.checklist
        click.echo(
            f"ok    {path}: {c.id} {c.version}, {len(c.commitments)} commitments, "
            f"{len(c.items)} items"
        )
    if len(paths) > 1 and ok:
        try:
            load_checklist_files(paths)  # the same id and version twice is only seen together
        except ChecklistError as exc:
            ok = False
            for problem in exc.problems:
                click.echo(click.style("error ", fg="red") + str(problem))
    sys.exit(0 if ok else 1)


@checklist.command("load")
@with_appcontext
def checklist_load():
    """Store every checklist version from the checklist folder in the database.

    A version already stored is left as it is; one stored with different content is refused.
    """
    try:
        for loaded in load_checklist_directory(Path(current_app.config["CHECKLIST_DIR"])):
            result = load_checklist(db.session, loaded)
            what = "loaded" if result.created else "already loaded"
            c = loaded.checklist
            click.echo(f"{what}: {c.id} {c.version} ({loaded.path.name})")
    except ChecklistConflict as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
