"""The public ledger: its page, and every entry's leaf and snapshot exactly as hashed.

Everything here is public, read-only and the same for every reader: no sign-in, served from the
public page cache (tracker.pagecache: ETag, revalidated on every request), plain bytes for the
files a verifier reads (the exact bytes hashed, never re-encoded by a JSON serialiser).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template
from sqlalchemy.orm import joinedload

from tracker.db import db
from tracker.domain.canonical import canonical_json
from tracker.ledger.models import LedgerEntry, Publication
from tracker.pagination import paginate

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


def _file(data: bytes, mimetype: str, filename: str) -> Response:
    """A file a reader downloads and a verifier reads: its bytes as they are, named."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _entry(sequence: int) -> LedgerEntry:
    entry = db.session.get(LedgerEntry, sequence)
    if entry is None:
        abort(404)
    return entry


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


@bp.get("/entries/<int:sequence>")
def entry(sequence: int):
    """The entry's leaf data (``Entry.leaf_data``): the bytes whose hash is its Merkle leaf."""
    return _file(_entry(sequence).to_entry().leaf_data(), "application/json", f"entry-{sequence}.json")


@bp.get("/snapshots/<int:sequence>.json")
def snapshot(sequence: int):
    """The snapshot a publication entry records, as canonical JSON: the exact bytes whose
    SHA-256 is the entry's ``snapshot_sha256``. Entries that record no publication (a report
    entry names its publication's snapshot, not one of its own) have none."""
    content = db.session.scalar(
        sa.select(Publication.snapshot)
        .join(LedgerEntry, LedgerEntry.publication_id == Publication.id)
        .where(LedgerEntry.sequence == sequence)
    )
    if content is None:
        abort(404)
    return _file(canonical_json(content), "application/json", f"snapshot-{sequence}.json")


@bp.get("/policy")
def policy():
    abort(404)


@bp.get("/proof/<int:sequence>")
def proof(sequence: int):
    abort(404)


@bp.get("/bundle/<int:sequence>.zip")
def bundle(sequence: int):
    abort(404)


@bp.app_context_processor
def identity():
    return {"ledger_identity": lambda: None}
