"""The data page; the cycle bundles; CSV downloads: a cycle's published disclosures (company ×
item), the benchmark results and the ledger; and an officer's import of Every Eval Ever records
into a draft.

Each is made once per public generation and kept as a file (tracker.opendata.files): the first
reader gets it streamed as it is made, later readers the file, with an ETag and ranges.
"""

from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import login_required

from tracker import clock, pagecache
from tracker.auth.login import officer_company, signed_in, viewer
from tracker.benchmarks.registry import current_registry
from tracker.csvsafe import csv_lines
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain import eee
from tracker.filing import services as filing_services
from tracker.ledger.queries import published_cycles
from tracker.ledger.reading import site_url
from tracker.opendata import bundle, services
from tracker.opendata.files import DownloadFiles
from tracker.opendata.forms import ImportResultsForm
from tracker.opendata.messages import file_problem_message, location, record_problem_message
from tracker.ratelimit import limiter

bp = Blueprint("opendata", __name__)

# Public data changes at no predictable time and a correction must reach readers at once:
# copies may be kept, but are revalidated (a 304 when the file is the same).
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def _files() -> DownloadFiles:
    return DownloadFiles(Path(current_app.config["OPENDATA_DIR"]))


def _csv(name: str, filename: str, lines: Callable[[], Iterable[str]]) -> Response:
    """The kept file of this generation, else ``lines()`` (which may 404 before any line)
    streamed and kept. Nothing is read from the database to serve a kept file."""
    files = _files()
    generation = pagecache.current_generation().token
    kept = files.existing(name, generation)
    if kept is not None:
        response = send_file(kept, mimetype="text/csv", etag=True)
    else:
        response = Response(
            stream_with_context(files.tee(name, generation, lines())), mimetype="text/csv"
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.get("/cycles/<cycle_slug>/disclosures.csv")
def cycle_csv(cycle_slug: str):
    def lines() -> Iterable[str]:
        cycle = db.first_or_404(sa.select(Cycle).filter_by(slug=cycle_slug))
        return csv_lines(services.DISCLOSURE_COLUMNS, services.disclosure_rows(db.session, cycle))

    # Renaming a cycle is a new generation: no file of the old name is served after it.
    return _csv(f"cycle-{cycle_slug}", f"{cycle_slug}-disclosures.csv", lines)


@bp.get("/data/")
def data_page():
    """What is published, under which licence, and where: the API, the CSVs, the bundles."""
    cycles = published_cycles(db.session)
    return render_template(
        "opendata/data.html",
        cycles=cycles,
        example=cycles[0].slug if cycles else "CYCLE",
        licence=bundle.LICENCE,
        site=site_url(),
    )


@bp.get("/cycles/<cycle_slug>/bundle.zip")
def cycle_bundle(cycle_slug: str):
    """The cycle's open-data bundle (tracker.opendata.bundle), made once per public generation
    and kept as a file; nothing is read from the database to serve a kept one. A cycle with
    nothing published yet has a bundle of empty tables; an unknown cycle is a 404."""
    config = current_app.config
    files = DownloadFiles(Path(config["OPENDATA_DIR"]), suffix="zip")
    # The registry's content hash too: the bundle holds the registry file.
    generation = "|".join(
        (pagecache.current_generation().token, *current_app.extensions.get(pagecache.SALTS, ()))
    )
    site = site_url()
    # The bundle names the site it came from: one file per address the site is reached at.
    name = f"bundle-{cycle_slug}@{site}"
    kept = files.existing(name, generation)
    if kept is None:
        cycle = db.first_or_404(sa.select(Cycle).filter_by(slug=cycle_slug))
        sources = bundle.Sources(
            site=site,
            checklist_dir=Path(config["CHECKLIST_DIR"]),
            registry_file=Path(config["BENCHMARK_REGISTRY"]),
        )
        kept = files.make(
            name, generation, lambda out: bundle.write(db.session, cycle, out, sources)
        )
    response = send_file(
        kept,
        mimetype="application/zip",
        etag=True,
        as_attachment=True,
        download_name=f"{cycle_slug}-bundle.zip",
    )
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.get("/ledger.csv")
def ledger_csv():
    def lines() -> Iterable[str]:
        return csv_lines(services.LEDGER_COLUMNS, services.ledger_rows(db.session))

    return _csv("ledger", "ledger.csv", lines)


# --- import into an officer's draft ---------------------------------------------------------


def _officer_key() -> str:
    """Imports are counted per signed-in user (an officer behind a shared address is not slowed
    by colleagues); anybody else by address, and refused anyway."""
    user = viewer()
    return f"user:{user.id}" if user is not None else get_remote_address()


def _read_upload(upload, max_size: int) -> tuple[bytes | None, str | None]:
    """The file's bytes, at most ``max_size`` read (a larger file is refused unread)."""
    if upload is None or not getattr(upload, "filename", ""):
        return None, "missing"
    raw = upload.stream.read(max_size + 1)
    if len(raw) > max_size:
        return None, "too_big"
    return raw, None


@bp.post("/filing/<cycle_slug>/items/<item_id>/results/import")
@login_required
@limiter.limit(lambda: current_app.config["RESULTS_IMPORT_LIMIT"], key_func=_officer_key)
def import_results(cycle_slug: str, item_id: str):
    """Every Eval Ever records into the officer's draft, appended to the item's results: every
    record checked (schema, reading, the registry), every problem listed with its record and
    place, and nothing saved unless the whole file is good."""
    company = officer_company()
    cycle = db.first_or_404(sa.select(Cycle).filter_by(slug=cycle_slug))
    try:
        item = cycle.checklist_version.checklist.item(item_id)
    except KeyError:
        abort(404)
    if not item.results:
        abort(404)
    back = (
        url_for("filing.commitment", cycle_slug=cycle.slug, commitment_id=item.commitment_id)
        + f"#results-{item.id}"
    )
    form = ImportResultsForm()
    if not form.validate():  # the CSRF token (Flask-WTF answers a missing one with a 400)
        abort(400)
    disclosure = filing_services.disclosure_for(db.session, company, cycle)
    filing_services.ensure_editable(disclosure, clock.today())
    config = current_app.config
    max_size = config["RESULTS_IMPORT_MAX_SIZE"]
    raw, why = _read_upload(form.file.data, max_size)
    document = None
    if raw is not None:
        document, why = eee.parse_json(raw)
    if why is not None:
        status = 413 if why == "too_big" else 422
        return _import_refused(cycle, item, back, [file_problem_message(why, max_size)], [], status)
    response = next((r for r in disclosure.responses if r.item_id == item.id), None)
    existing = filing_services.results_of(response)
    limits = filing_services.RESULT_LIMITS
    registry = current_registry()
    outcome = eee.from_records(
        document,
        registry,
        clock.today(),
        room=max(limits.per_item - len(existing), 0),
        limits=limits,
    )
    if outcome.problems:
        listed = [
            (location(p), record_problem_message(p, limits, registry)) for p in outcome.problems
        ]
        return _import_refused(cycle, item, back, [], listed, 422)
    # Checked again as a whole list, with the answer's other results (all or nothing too).
    filing_services.save_results(
        db.session,
        signed_in(),
        disclosure,
        item.id,
        [*existing, *outcome.results],
        registry=registry,
        now=clock.now(),
    )
    db.session.commit()
    flash(
        ngettext("%(num)d result imported.", "%(num)d results imported.", len(outcome.results)),
        "success",
    )
    return redirect(back, 303)


def _import_refused(cycle, item, back: str, messages: list[str], problems: list, status: int):
    return render_template(
        "opendata/import_refused.html",
        cycle=cycle,
        item=item,
        back=back,
        messages=messages,
        problems=problems,
    ), status


@bp.get("/benchmark-results.csv")
def results_csv():
    """Every current published benchmark result, one row each (no confidential note)."""

    def lines() -> Iterable[str]:
        return csv_lines(services.RESULT_COLUMNS, services.result_rows(db.session))

    return _csv("benchmark-results", "benchmark-results.csv", lines)
