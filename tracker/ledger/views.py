"""The public ledger: its page, and the files anyone needs to check the record without trusting
the operator (C2SP formats: tracker.ledger.log, tracker.verify).

Everything here is public, read-only and the same for every reader: no sign-in, served from the
public page cache (tracker.pagecache: a strong ETag, revalidated on every request; any new
entry, checkpoint or cosignature is a new public generation). Files are the exact bytes a
verifier reads, never re-encoded: leaves and snapshots as hashed, notes as signed, proofs and
consistency hashes as the C2SP specs write them, one base64 hash a line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request

from tracker import verify
from tracker.db import db
from tracker.ledger import bundles, listing, log, reading
from tracker.ledger.models import Checkpoint
from tracker.ledger.policy import log_policy
from tracker.pagecache import PUBLIC_CACHE_CONTROL
from tracker.pagination import paginate

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

TEXT = "text/plain"  # Flask adds "; charset=utf-8"
# Says which checkpoint /ledger/checkpoint is: one a quorum of the policy's witnesses cosigned,
# or (until the first is) the latest the log signed, which a verifier holding the policy rejects.
CHECKPOINT_STATE = "Tracker-Checkpoint"


def _file(data: bytes, mimetype: str, filename: str, *, attachment: bool = False) -> Response:
    """A file a reader downloads and a verifier reads: its bytes as they are, named."""
    response = Response(data, mimetype=mimetype)
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.get("/")
def index():
    """The ledger's entries, filtered by company, cycle and kind and sorted by the query
    parameters (tracker.ledger.listing), a page at a time; with the log's checkpoint."""
    session = db.session
    # Every company and cycle the ledger names: the filters' choices, and the rows' names
    # (report entries have no publication of their own), one query each whatever the page.
    companies = listing.companies_named(session)
    cycles = listing.cycles_named(session)
    filters = listing.read_filters(request.args, companies, cycles)
    page = paginate(listing.entries(filters))
    return render_template(
        "ledger/index.html",
        page=page,
        filters=filters,
        company_choices=companies,
        cycle_choices=cycles,
        companies={n.slug: n.row for n in companies if n.row is not None},
        cycles={n.slug: n.row for n in cycles if n.row is not None},
        kinds=listing.KINDS,
        status=reading.log_status(session, log_policy()),
        identity=reading.log_identity(),
        site=reading.site_url(),
    )


@bp.get("/entries/<int:sequence>")
def entry(sequence: int):
    """The entry's leaf data (``Entry.leaf_data``): the bytes whose hash is its Merkle leaf."""
    data = log.leaf_data(db.session, sequence)
    if data is None:
        abort(404)
    return _file(data, "application/json", f"entry-{sequence}.json")


@bp.get("/snapshots/<int:sequence>.json")
def snapshot(sequence: int):
    """The snapshot a publication entry records, as canonical JSON: the exact bytes whose
    SHA-256 is the entry's ``snapshot_sha256``. A report entry has none of its own."""
    data = log.snapshot_bytes(db.session, sequence)
    if data is None:
        abort(404)
    return _file(data, "application/json", f"snapshot-{sequence}.json")


def _note(checkpoint: Checkpoint, cosigned: bool) -> Response:
    note = log.cosigned_note(db.session, checkpoint, log_policy().policy)
    response = _file(note, TEXT, f"checkpoint-{checkpoint.size}")
    response.headers[CHECKPOINT_STATE] = "cosigned" if cosigned else "signed"
    return response


@bp.get("/checkpoint")
def checkpoint():
    """The latest checkpoint a quorum of the policy's witnesses cosigned, with their
    cosignatures; while none is, the latest the log signed (``Tracker-Checkpoint: signed``)."""
    session = db.session
    cosigned = log.latest_cosigned(session, log_policy().policy)
    if cosigned is not None:
        return _note(cosigned, True)
    latest = log.latest_checkpoint(session)
    if latest is None:
        abort(404)
    return _note(latest, False)


@bp.get("/checkpoints/<int:size>")
def checkpoint_of_size(size: int):
    """The checkpoint the log signed for a tree of ``size`` entries, with the cosignatures it
    has; ``Tracker-Checkpoint`` says whether they meet the quorum."""
    session = db.session
    found = log.checkpoint_of_size(session, size)
    if found is None:
        abort(404)
    policy = log_policy().policy
    return _note(found, policy.satisfied(log.witnessed_by(session, size, policy)))


def _revalidated(response: Response, etag: str) -> Response:
    """A file read from disk, not the database (so not in the page cache, whose generations
    follow the database): its own strong ETag, revalidated as public pages are."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.make_conditional(request)
    return response


@bp.get("/policy")
def policy():
    """The log's trust policy (C2SP tlog-policy), the bytes whose SHA-256 PDFs print."""
    found = log_policy()
    return _revalidated(_file(found.data, TEXT, "policy.txt"), found.fingerprint)


@bp.get("/proof/<int:sequence>")
def proof(sequence: int):
    """A C2SP tlog-proof of the entry against the latest cosigned checkpoint (404 while the
    entry is in none)."""
    session = db.session
    policy = log_policy().policy
    cosigned = log.latest_cosigned(session, policy)
    if cosigned is None or not 1 <= sequence <= cosigned.size:
        abort(404)
    note = log.cosigned_note(session, cosigned, policy)
    data = log.tlog_proof(session, sequence, cosigned, note)
    return _file(data, TEXT, f"entry-{sequence}.tlog-proof", attachment=True)


@bp.get("/consistency")
def consistency():
    """The consistency proof from the tree of size ``from`` to that of size ``to`` (both sizes
    the log signed a checkpoint for; from ≤ to): base64 hashes, one a line, as in a witness
    request. Empty when the sizes are equal or ``from`` is 0."""
    old, new = (
        reading.signed_size(db.session, name, request.args.get(name, "")) for name in ("from", "to")
    )
    if old > new:
        raise log.BadRange()
    # The empty tree is a prefix of every tree: nothing to prove from (or to) size 0.
    proof = log.consistency_proof(db.session, old, new) if new else []
    return _file(verify.format_hash_lines(proof).encode(), TEXT, f"consistency-{old}-{new}.txt")


@bp.get("/bundle/<int:sequence>.zip")
def bundle(sequence: int):
    """The evidence bundle of a published version (layout: tracker.ledger.bundles)."""
    documents = current_app.extensions[bundles.DOCUMENTS]
    data = bundles.build(db.session, sequence, log_policy(), documents)
    if data is None:
        abort(404)
    return _file(data, "application/zip", f"ledger-entry-{sequence}.zip", attachment=True)


@bp.get("/verify.py")
def verifier():
    """The offline verifier, one file: ``python verify.py …`` with only ``cryptography``."""
    data = Path(verify.__file__).read_bytes()
    response = _file(data, "text/x-python", "verify.py", attachment=True)
    return _revalidated(response, hashlib.sha256(data).hexdigest())


@bp.app_context_processor
def ledger_identity():
    """``ledger_identity()`` in every template (pages and PDFs): the log key and the policy's
    fingerprint that readers compare."""
    return {"ledger_identity": reading.log_identity}
