"""The public ledger page."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload

from tracker.ledger.models import LedgerEntry, Publication
from tracker.pagination import paginate

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("/")
def index():
    # Each entry names its company and cycle: loaded with the page in the same query (not one
    # query per entry), and none of the publication's JSON.
    publication = joinedload(LedgerEntry.publication)
    page = paginate(
        sa.select(LedgerEntry)
        .options(
            publication.load_only(Publication.id, Publication.company_id, Publication.cycle_id),
            publication.joinedload(Publication.company),
            publication.joinedload(Publication.cycle),
        )
        .order_by(LedgerEntry.sequence.desc())
    )
    return render_template("ledger/index.html", page=page)
