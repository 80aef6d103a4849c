"""``tracker reports export``: every report of a cycle into a folder; ``tracker reports record``:
the PDFs stored before the ledger recorded them, recorded; ``tracker reports rebuild``: stored
reports whose files are gone or damaged, rendered again."""

import shutil
import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.languages import CODES
from tracker.jobs import queues
from tracker.ledger.models import Publication
from tracker.ledger.queries import current_in_cycle
from tracker.ledger.services import LedgerBusy
from tracker.reports import jobs, services
from tracker.reports.fonts import MissingFont
from tracker.storage.base import BlobNotFound, BlobStore
from tracker.storage.services import REPORTS, blobs


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
@click.option(
    "--in-process",
    is_flag=True,
    help="Render missing reports here, one after the other, even when a job queue is set.",
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="With the job queue: how long to wait for the workers, in seconds.",
)
@with_appcontext
def export(
    cycle_slug: str,
    out_dir: Path,
    languages: tuple[str, ...],
    in_process: bool,
    wait_seconds: int,
):
    """Write the report of every company published in a cycle and the cycle's aggregate.

    Reports already stored are copied; missing ones are rendered and stored on the way: with a
    job queue (TRACKER_REDIS_URL), by the workers, as many at once as there are workers, else
    here. A report whose stored file is gone from the store is named with its hash, the others
    are still written, and the command exits with 1.
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
    store = blobs(REPORTS)
    published = current_in_cycle(db.session, cycle)
    work = [(p.publication, language) for p in published for language in languages]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if queues.configured(app) and not in_process:
        publications = [p.publication for p in published]
        _build_on_the_queue(app, cycle, publications, languages, wait_seconds)
    written = 0
    missing: list[str] = []
    with click.progressbar(
        length=len(work) + len(languages), label=f"Reports of {cycle.slug}", show_pos=True
    ) as bar:
        for publication, language in work:
            stored = services.render_published(db.session, publication, language, store)
            db.session.commit()
            name = f"{publication.company.slug}-{cycle.slug}-v{publication.version}-{language}.pdf"
            written += _copy(store, stored.sha256, out_dir / name, missing)
            bar.update(1)
        for language in languages:
            aggregate = services.render_cycle(db.session, cycle, language, store)
            db.session.commit()
            name = f"{cycle.slug}-aggregate-{language}.pdf"
            written += _copy(store, aggregate.sha256, out_dir / name, missing)
            bar.update(1)
    click.echo(f"{written} reports written to {out_dir}")
    if missing:
        click.echo(
            f"{len(missing)} stored reports are missing from the report store and were not "
            "written; restore them from a backup (their hashes are recorded, in the ledger for "
            "company reports), or render them again as new reports with 'tracker reports "
            f"rebuild --cycle {cycle.slug}' (a new rendering is recorded beside the old one):",
            err=True,
        )
        for line in missing:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)


def _missing(cycle: Cycle, publications: list[Publication], languages: tuple[str, ...]) -> int:
    """How many of the export's reports are not stored yet (read afresh)."""
    db.session.rollback()  # a new transaction: what the workers committed meanwhile
    count = sum(
        services.stored_report(db.session, p, language) is None
        for p in publications
        for language in languages
    )
    return count + sum(
        services.stored_cycle_report(db.session, cycle, language) is None for language in languages
    )


def _build_on_the_queue(
    app: Flask,
    cycle: Cycle,
    publications: list[Publication],
    languages: tuple[str, ...],
    wait_seconds: int,
) -> None:
    """Hand every missing report to the workers and wait until they are stored, with a
    progress bar; a job that failed for good, or a wait past ``wait_seconds``, ends the
    command with a message (exit 1) naming the administrator's page."""
    needed = _missing(cycle, publications, languages)
    if needed == 0:
        return
    try:
        ids = [
            jobs.enqueue_publication(app, p.id)
            for p in publications
            if any(services.stored_report(db.session, p, lang) is None for lang in languages)
        ]
        ids += jobs.enqueue_cycle(app, cycle)
    except RedisError as exc:
        raise click.ClickException(
            f"cannot reach the job queue ({exc}); run with --in-process to render here"
        ) from None
    deadline = time.monotonic() + wait_seconds
    with click.progressbar(
        length=needed, label=f"Built by the workers ({len(ids)} jobs)", show_pos=True
    ) as bar:
        done = 0
        while done < needed:
            time.sleep(1)
            left = _missing(cycle, publications, languages)
            bar.update(needed - left - done)
            done = needed - left
            if done >= needed:
                break
            failed = _failed(app, ids)
            if failed:
                raise click.ClickException(
                    f"{len(failed)} report jobs failed ({', '.join(failed[:3])}): see "
                    "/admin/jobs/ for why, retry them there, or run with --in-process"
                )
            if time.monotonic() > deadline:
                raise click.ClickException(
                    f"{left} reports are still not built after {wait_seconds} s: is "
                    "`tracker worker` running? (/admin/jobs/ lists the jobs)"
                )


def _failed(app: Flask, ids: list[str]) -> list[str]:
    """The jobs among ``ids`` that failed with no retry left (RQ keeps them as failed)."""
    connection = queues.connection(app)
    failed = []
    for job_id in ids:
        try:
            if Job.fetch(job_id, connection=connection).get_status() is JobStatus.FAILED:
                failed.append(job_id)
        except NoSuchJobError:
            continue
    return failed


def _copy(store: BlobStore, sha256: str, target: Path, missing: list[str]) -> int:
    """Copy the stored PDF to ``target`` (1), or note it in ``missing`` when it is gone from the
    store or cannot be read (0): a stored report's hash is recorded, so it is restored from a
    backup or rebuilt as a new report (`tracker reports rebuild`), never silently replaced."""
    try:
        source = store.open(sha256)
    except BlobNotFound:
        missing.append(f"{target.name}: {store.describe(sha256)} (SHA-256 {sha256})")
        return 0
    try:
        with source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
    except OSError as exc:  # a file that vanished while read, a blob missing chunks
        target.unlink(missing_ok=True)
        missing.append(f"{target.name}: {store.describe(sha256)} (SHA-256 {sha256}): {exc}")
        return 0
    return 1


@reports.command("rebuild")
@click.option("--cycle", "cycle_slug", help="Only the reports of this cycle (its short name).")
@click.option("--dry-run", is_flag=True, help="Name what would be rebuilt; write nothing.")
@with_appcontext
def rebuild(cycle_slug: str | None, dry_run: bool):
    """Render again every stored report whose file is missing from the report store or whose
    bytes no longer match its SHA-256: company reports (every published version, both languages)
    and each cycle's current aggregate.

    A rendering that comes out byte for byte the same is put back under its hash; otherwise it
    is stored as a new report (the old row is kept, marked by the new one's reason) and a
    company report's new PDF is recorded in the ledger. Exit status 1 when a report could not
    be rebuilt (the others are)."""
    cycle = None
    if cycle_slug is not None:
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=cycle_slug))
        if cycle is None:
            known = (
                ", ".join(db.session.scalars(sa.select(Cycle.slug).order_by(Cycle.slug))) or "none"
            )
            raise click.BadParameter(
                f"no cycle {cycle_slug!r} (known: {known})", param_hint="--cycle"
            )
    store = blobs(REPORTS)
    unsound = services.unsound_reports(db.session, store, cycle)
    db.session.rollback()  # only read so far
    where = f" of {cycle.slug}" if cycle is not None else ""
    if not unsound:
        click.echo(f"Every stored report{where} is in the report store and sound: nothing to do.")
        return
    for item in unsound:
        click.echo(f"{item.why:<8} {item.name}  {store.describe(item.row.sha256)}")
    if dry_run:
        click.echo(
            f"Dry run: {len(unsound)} stored reports{where} would be rebuilt; nothing written."
        )
        return
    counts = {"restored": 0, "new": 0}
    failed: list[str] = []
    for item in unsound:
        try:
            done = services.rebuild_report(db.session, store, item, clock.now())
            db.session.commit()
        except (IntegrityError, LedgerBusy):
            db.session.rollback()
            failed.append(f"{item.name}: rebuilt by another process at the same time; run again")
            continue
        except (MissingFont, ValueError) as exc:
            db.session.rollback()
            failed.append(f"{item.name}: {exc}")
            continue
        counts[done.outcome] += 1
        if done.outcome == "restored":
            click.echo(f"restored {item.name}: the same bytes, under the same SHA-256")
        else:
            click.echo(
                f"new      {item.name}: SHA-256 {done.row.sha256} (generation "
                f"{done.row.generation}; the old row is kept)"
            )
    click.echo(
        f"{counts['new']} reports rebuilt as new, {counts['restored']} restored under their hash"
        + (", recorded in the ledger" if counts["new"] else "")
        + "."
    )
    if failed:
        click.echo(f"{len(failed)} reports could not be rebuilt:", err=True)
        for line in failed:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)
