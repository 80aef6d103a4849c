"""The public ledger page."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload

from tracker.ledger.models import LedgerEntry
from tracker.pagination import paginate

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("/")
def index():
    page = paginate(
        sa.select(LedgerEntry)
        .options(joinedload(LedgerEntry.publication))
        .order_by(LedgerEntry.sequence.desc())
    )
    return render_template("ledger/index.html", page=page)
