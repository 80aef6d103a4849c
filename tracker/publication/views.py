"""The public ledger page."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload

from tracker.pagination import paginate
from tracker.publication.models import LedgerEntry

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("/")
def index():
    page = paginate(
        sa.select(LedgerEntry)
        .options(joinedload(LedgerEntry.publication))
        .order_by(LedgerEntry.sequence.desc())
    )
    return render_template("publication/ledger.html", page=page)
