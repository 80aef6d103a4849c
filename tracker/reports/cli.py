"""``tracker reports export``: every report of a cycle into a folder; ``tracker reports record``:
the PDFs stored before the ledger recorded them, recorded."""

import shutil
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.languages import CODES
from tracker.ledger.queries import current_in_cycle
from tracker.reports import services


@click.group(help="PDF reports.")
def reports():
    pass


@reports.command("record")
@with_appcontext
def record():
    """Append a report entry for every stored PDF that has none (stored before migration 0017),
    with the log's new checkpoint. Running it again appends nothing."""
    appended = services.record_stored_reports(db.session, clock.now())
    db.session.commit()
    click.echo(f"{appended} stored reports recorded in the ledger")


@reports.command("export")
@click.option("--cycle", "cycle_slug", required=True, help="The cycle's short name.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Folder to write the PDFs into (created if missing).",
)
@click.option(
    "--lang",
    "languages",
    type=click.Choice(sorted(CODES)),
    multiple=True,
    help="Language (en or zh); both when not given.",
)
@with_appcontext
def export(cycle_slug: str, out_dir: Path, languages: tuple[str, ...]):
    """Write the report of every company published in a cycle and the cycle's aggregate.

    Reports already stored are copied; missing ones are rendered and stored on the way.
    """
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=cycle_slug))
    if cycle is None:
        known = ", ".join(db.session.scalars(sa.select(Cycle.slug).order_by(Cycle.slug))) or "none"
        raise click.BadParameter(f"no cycle {cycle_slug!r} (known: {known})", param_hint="--cycle")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot create {out_dir}: {exc.strerror}", param_hint="--out"
        ) from None
    languages = languages or tuple(CODES)
    store = Path(current_app.config["REPORT_DIR"])
    published = current_in_cycle(db.session, cycle)
    work = [(p.publication, language) for p in published for language in languages]
    written = 0
    with click.progressbar(
        length=len(work) + len(languages), label=f"Reports of {cycle.slug}", show_pos=True
    ) as bar:
        for publication, language in work:
            stored = services.render_published(db.session, publication, language, store)
            db.session.commit()
            shutil.copyfile(
                services.report_path(store, stored.sha256),
                out_dir
                / (
                    f"{publication.company.slug}-{cycle.slug}-v{publication.version}-{language}.pdf"
                ),
            )
            written += 1
            bar.update(1)
        for language in languages:
            aggregate = services.render_cycle(db.session, cycle, language, store)
            db.session.commit()
            shutil.copyfile(
                services.report_path(store, aggregate.sha256),
                out_dir / f"{cycle.slug}-aggregate-{language}.pdf",
            )
            written += 1
            bar.update(1)
    click.echo(f"{written} reports written to {out_dir}")
