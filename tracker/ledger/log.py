"""The ledger as a Merkle log: signed checkpoints, proofs, and the cosigned checkpoints that
readers are given.

Entry N is leaf N-1 (its stored ``leaf_hash``). Every append signs a checkpoint of the new
tree in the same transaction, under the ledger head lock, and only after proving the new tree
consistent with the previous checkpoint: the log never signs two checkpoints that contradict
each other. Every checkpoint is kept (``ledger_checkpoints``, by size), with the witnesses'
cosignatures beside it; a checkpoint is *cosigned* when those satisfy the policy's quorum.

Proofs read the leaf hashes of the whole tree in one query (a narrow column: 65 bytes per
entry) and compute in memory (tracker.domain.merkle): milliseconds for thousands of entries.
Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from types import MappingProxyType

import sqlalchemy as sa

from tracker.db import Session
from tracker.domain import merkle, tlog
from tracker.domain.canonical import canonical_json
from tracker.domain.ledger import EntryKind
from tracker.domain.refusals import Refusal
from tracker.domain.tlog import Signer
from tracker.ledger.models import Checkpoint, Cosignature, LedgerEntry, Publication
from tracker.verify import QUORUM_NONE, Policy, ProofError, verify_consistency

# session.info: this transaction signed a checkpoint; after it commits, the witnesses are sent
# it (tracker.ledger.jobs).
SIGNED = "tracker.ledger.signed"


class LogInconsistent(Refusal):
    """The stored tree does not extend the latest signed checkpoint (an entry was changed or
    removed behind the application's back): the log refuses to sign, so nothing is appended
    until an operator has looked (``tracker ledger verify``)."""

    code = "ledger.inconsistent"
    status = 503
    headers = MappingProxyType({"Cache-Control": "no-store"})

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotInLog(Refusal):
    """A sequence or tree size the log holds no signed checkpoint for."""

    code = "ledger.not_in_log"
    status = 404


class BadRange(Refusal):
    """A consistency proof asked from a larger tree to a smaller one."""

    code = "ledger.bad_range"
    status = 400


# --- the tree ----------------------------------------------------------------------------------


def leaf_hashes(session: Session, size: int | None = None) -> list[bytes]:
    """The leaf hashes of the first ``size`` entries (all when None), in order: one query."""
    query = sa.select(LedgerEntry.leaf_hash).order_by(LedgerEntry.sequence)
    if size is not None:
        query = query.where(LedgerEntry.sequence <= size)
    return [bytes.fromhex(h) for h in session.scalars(query)]


def latest_checkpoint(session: Session) -> Checkpoint | None:
    """The checkpoint of the largest tree the log has signed."""
    return session.scalar(sa.select(Checkpoint).order_by(Checkpoint.size.desc()).limit(1))


def checkpoint_of_size(session: Session, size: int) -> Checkpoint | None:
    """The checkpoint the log signed for a tree of ``size`` entries, if it signed one."""
    return session.get(Checkpoint, size)


def sign_checkpoint(session: Session, signer: Signer, now: datetime) -> Checkpoint:
    """Sign the tree of every entry now in the ledger, after checking that it extends the
    latest checkpoint; the latest itself when it already covers every entry.

    Call it under the ledger head lock (``services.lock_ledger_head``), after appending, so
    that no other append changes the tree in between. Raises LogInconsistent (nothing is
    signed) when the stored entries no longer hash to the previous checkpoint.
    """
    hashes = leaf_hashes(session)
    size = len(hashes)
    head = session.scalar(sa.select(sa.func.max(LedgerEntry.sequence))) or 0
    if head != size:
        raise LogInconsistent(f"the ledger's sequence numbers stop at {head} but it holds {size}")
    root = merkle.root(hashes)
    previous = latest_checkpoint(session)
    if previous is not None:
        previous_root = bytes.fromhex(previous.root_hash)
        if previous.size > size:
            raise LogInconsistent(
                f"checkpoint {previous.size} was signed but only {size} entries remain"
            )
        if previous.size > 0:
            try:
                verify_consistency(
                    previous.size,
                    size,
                    previous_root,
                    root,
                    merkle.consistency_proof(previous.size, hashes),
                )
            except ProofError as exc:
                raise LogInconsistent(
                    f"the tree of {size} entries is not consistent with checkpoint "
                    f"{previous.size}: {exc}"
                ) from None
        if previous.size == size:
            return previous
    checkpoint = Checkpoint(
        size=size,
        root_hash=root.hex(),
        note=tlog.sign_checkpoint(signer, size, root).decode(),
        created_at=now,
    )
    session.add(checkpoint)
    session.flush()
    session.info[SIGNED] = True
    return checkpoint


# --- cosigned checkpoints ----------------------------------------------------------------------


def cosignatures_of(session: Session, size: int) -> list[Cosignature]:
    """The stored cosignatures of the checkpoint of ``size``, in a stable order."""
    return list(
        session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.checkpoint_size == size)
            .order_by(Cosignature.witness, Cosignature.key_id)
        )
    )


def cosigned_note(session: Session, checkpoint: Checkpoint, policy: Policy) -> bytes:
    """The checkpoint note with the cosignatures of the policy's witnesses appended (what
    readers and proofs are given)."""
    known = _policy_keys(policy)
    lines = [
        c.line + "\n"
        for c in cosignatures_of(session, checkpoint.size)
        if (c.witness, c.key_id) in known
    ]
    return tlog.add_signatures(checkpoint.note.encode(), lines)


def witnessed_by(session: Session, size: int, policy: Policy) -> dict[str, int]:
    """Policy witness name -> cosignature timestamp, for the checkpoint of ``size``."""
    known = _policy_keys(policy)
    return {
        known[(c.witness, c.key_id)]: c.timestamp
        for c in cosignatures_of(session, size)
        if (c.witness, c.key_id) in known
    }


def _policy_keys(policy: Policy) -> dict[tuple[str, str], str]:
    """(cosigner key name, key ID hex) -> the witness's name in the policy."""
    return {(w.verifier.name, w.verifier.key_id.hex()): w.name for w in policy.witnesses.values()}


def _cosigned_sizes(session: Session, policy: Policy, descending: bool, at_least: int = 0):
    """Sizes of checkpoints whose stored cosignatures meet the quorum, in order, streamed."""
    if policy.quorum == QUORUM_NONE:  # every checkpoint counts
        order = Checkpoint.size.desc() if descending else Checkpoint.size
        with session.scalars(
            sa.select(Checkpoint.size)
            .where(Checkpoint.size >= at_least)
            .order_by(order)
            .execution_options(yield_per=500)
        ) as all_sizes:
            yield from all_sizes
        return
    known = _policy_keys(policy)
    if not known:
        return
    order = Cosignature.checkpoint_size.desc() if descending else Cosignature.checkpoint_size
    size: int | None = None
    names: set[str] = set()
    with session.execute(
        sa.select(Cosignature.checkpoint_size, Cosignature.witness, Cosignature.key_id)
        .where(
            Cosignature.checkpoint_size >= at_least,
            sa.tuple_(Cosignature.witness, Cosignature.key_id).in_(list(known)),
        )
        .order_by(order)
        .execution_options(yield_per=500)
    ) as rows:
        for row_size, witness, key_id in rows:
            if row_size != size:
                if size is not None and policy.satisfied(names):
                    yield size
                size, names = row_size, set()
            names.add(known[(witness, key_id)])
    if size is not None and policy.satisfied(names):
        yield size


def latest_cosigned(session: Session, policy: Policy) -> Checkpoint | None:
    """The largest checkpoint whose cosignatures meet the policy's quorum."""
    return _first_cosigned(session, policy, descending=True)


def _first_cosigned(
    session: Session, policy: Policy, descending: bool, at_least: int = 0
) -> Checkpoint | None:
    # Closed once the first is found: on PostgreSQL the streaming query holds a cursor.
    with closing(_cosigned_sizes(session, policy, descending, at_least)) as sizes:
        size = next(sizes, None)
    return session.get(Checkpoint, size) if size is not None else None


def earliest_cosigned_containing(
    session: Session, sequence: int, policy: Policy
) -> Checkpoint | None:
    """The smallest cosigned checkpoint that contains entry ``sequence`` (the tightest
    "witnessed no later than" for it), or None while none does."""
    return _first_cosigned(session, policy, descending=False, at_least=sequence)


# --- proofs ------------------------------------------------------------------------------------


def _signed_size(session: Session, size: int) -> None:
    if checkpoint_of_size(session, size) is None:
        raise NotInLog()


def inclusion_proof(session: Session, sequence: int, size: int) -> list[bytes]:
    """The audit path of entry ``sequence`` (leaf ``sequence - 1``) in the signed tree of
    ``size`` entries. NotInLog when there is no such checkpoint or it does not contain it."""
    _signed_size(session, size)
    if not 1 <= sequence <= size:
        raise NotInLog()
    return merkle.inclusion_proof(sequence - 1, leaf_hashes(session, size))


def tlog_proof(session: Session, sequence: int, checkpoint: Checkpoint, note: bytes) -> bytes:
    """A C2SP tlog-proof file of entry ``sequence`` in ``checkpoint``, embedding ``note``
    (that checkpoint, cosigned: ``cosigned_note``)."""
    proof = inclusion_proof(session, sequence, checkpoint.size)
    return tlog.tlog_proof(sequence - 1, proof, note)


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    """The proof that the signed tree of ``old_size`` is a prefix of the signed tree of
    ``new_size`` (empty when the sizes are equal or ``old_size`` is 0)."""
    if old_size > new_size:
        raise BadRange()
    _signed_size(session, new_size)
    if old_size:
        _signed_size(session, old_size)
    return merkle.consistency_proof(old_size, leaf_hashes(session, new_size))


# --- what readers download ---------------------------------------------------------------------


def entry_at(session: Session, sequence: int) -> LedgerEntry | None:
    return session.get(LedgerEntry, sequence)


def leaf_data(session: Session, sequence: int) -> bytes | None:
    """The leaf of entry ``sequence`` exactly as hashed into the tree (its canonical JSON)."""
    entry = entry_at(session, sequence)
    return entry.to_entry().leaf_data() if entry is not None else None


def snapshot_bytes(session: Session, sequence: int) -> bytes | None:
    """The snapshot a publication entry hashed, exactly as hashed (its canonical JSON, whose
    SHA-256 is the entry's ``snapshot_sha256``); None for a report entry or no entry."""
    snapshot = session.scalar(
        sa.select(Publication.snapshot)
        .join(LedgerEntry, LedgerEntry.publication_id == Publication.id)
        .where(LedgerEntry.sequence == sequence)
    )
    return canonical_json(snapshot) if snapshot is not None else None


def report_entries(session: Session, publication: Publication) -> list[LedgerEntry]:
    """The report entries of a published version (one per stored PDF language), in order."""
    if publication.entry is None:
        return []
    return list(
        session.scalars(
            sa.select(LedgerEntry)
            .where(
                LedgerEntry.kind == EntryKind.REPORT,
                LedgerEntry.renders == publication.entry.sequence,
            )
            .order_by(LedgerEntry.sequence)
        )
    )


def checkpoints_from(session: Session, size: int) -> Iterator[Checkpoint]:
    """Every checkpoint from ``size`` up, streamed (for monitors and verification)."""
    yield from session.scalars(
        sa.select(Checkpoint)
        .where(Checkpoint.size >= size)
        .order_by(Checkpoint.size)
        .execution_options(yield_per=200)
    )
