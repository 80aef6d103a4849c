"""CSV downloads: a cycle's published disclosures (company × item), the benchmark results and the
ledger.

Each is made once per public generation and kept as a file (tracker.opendata.files): the first
reader gets it streamed as it is made, later readers the file, with an ETag and ranges.
"""

from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    send_file,
    stream_with_context,
)

from tracker import pagecache
from tracker.csvsafe import csv_lines
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.opendata import services
from tracker.opendata.files import DownloadFiles

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


@bp.get("/ledger.csv")
def ledger_csv():
    def lines() -> Iterable[str]:
        return csv_lines(services.LEDGER_COLUMNS, services.ledger_rows(db.session))

    return _csv("ledger", "ledger.csv", lines)


@bp.get("/benchmark-results.csv")
def results_csv():
    """Every current published benchmark result, one row each (no confidential note)."""

    def lines() -> Iterable[str]:
        return csv_lines(services.RESULT_COLUMNS, services.result_rows(db.session))

    return _csv("benchmark-results", "benchmark-results.csv", lines)
