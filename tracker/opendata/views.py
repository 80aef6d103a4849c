"""CSV downloads: a cycle's published disclosures (company × item) and the ledger."""

import sqlalchemy as sa
from flask import Blueprint, Response, stream_with_context

from tracker.csvsafe import csv_lines
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.opendata import services

bp = Blueprint("opendata", __name__)


def _csv(lines, filename: str) -> Response:
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "public, max-age=300",
        },
    )


@bp.get("/cycles/<cycle_slug>/disclosures.csv")
def cycle_csv(cycle_slug: str):
    cycle = db.first_or_404(sa.select(Cycle).filter_by(slug=cycle_slug))

    def lines():
        yield from csv_lines(
            services.DISCLOSURE_COLUMNS, services.disclosure_rows(db.session, cycle)
        )

    return _csv(lines(), f"{cycle.slug}-disclosures.csv")


@bp.get("/ledger.csv")
def ledger_csv():
    def lines():
        yield from csv_lines(services.LEDGER_COLUMNS, services.ledger_rows(db.session))

    return _csv(lines(), "ledger.csv")
