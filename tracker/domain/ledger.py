"""The publication ledger: snapshots and entries hashed into a chain that anyone can verify.

A published snapshot is hashed as canonical JSON (RFC 8785, tracker.domain.canonical, so that
any language can recompute it). Each ledger entry records what was published and when, the
snapshot's SHA-256 and the previous entry's hash, and is itself hashed over the canonical JSON
of those fields. Changing a snapshot, a date, the order or any hash breaks the chain at the
first entry concerned, and ``verify`` names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum

from tracker.domain.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64  # the "previous hash" of the first entry


class EntryKind(StrEnum):
    PUBLICATION = "publication"
    CORRECTION = "correction"  # a new version of something published before


@dataclass(frozen=True)
class Entry:
    """One line of the ledger; ``entry_hash`` covers every other field."""

    sequence: int
    kind: EntryKind
    company: str  # company slug
    cycle: str  # cycle slug
    version: int  # the published version of this company's disclosure in this cycle
    published_at: str  # ISO 8601, UTC, seconds
    snapshot_sha256: str
    supersedes: int | None  # sequence of the entry this one corrects
    previous_hash: str
    entry_hash: str

    def body(self) -> dict:
        """The hashed fields."""
        fields = asdict(self)
        del fields["entry_hash"]
        fields["kind"] = str(self.kind)
        return fields

    def leaf_data(self) -> bytes:
        """The entry as a leaf of the Merkle log: the canonical JSON of every field, its hash
        included. The leaf of entry ``sequence`` has index ``sequence - 1``."""
        return canonical_json(self.body() | {"entry_hash": self.entry_hash})


def next_entry(
    previous: Entry | None,
    kind: EntryKind,
    company: str,
    cycle: str,
    version: int,
    published_at: str,
    snapshot: Mapping,
    supersedes: int | None = None,
) -> Entry:
    """The entry that follows ``previous`` (None for the first) for a published snapshot."""
    draft = Entry(
        sequence=previous.sequence + 1 if previous else 1,
        kind=kind,
        company=company,
        cycle=cycle,
        version=version,
        published_at=published_at,
        snapshot_sha256=sha256_hex(snapshot),
        supersedes=supersedes,
        previous_hash=previous.entry_hash if previous else GENESIS,
        entry_hash="",
    )
    return Entry(**(asdict(draft) | {"entry_hash": sha256_hex(draft.body())}))


class ChainProblem(StrEnum):
    SEQUENCE = "sequence"  # a number missing, repeated or out of order
    PREVIOUS_HASH = "previous_hash"  # does not name the entry before it
    ENTRY_HASH = "entry_hash"  # the entry's fields were changed
    SNAPSHOT = "snapshot"  # the published content was changed (or is missing)


@dataclass(frozen=True)
class Finding:
    sequence: int
    problem: ChainProblem

    def __str__(self) -> str:
        return {
            ChainProblem.SEQUENCE: f"entry {self.sequence}: sequence numbers are not consecutive",
            ChainProblem.PREVIOUS_HASH: f"entry {self.sequence}: previous hash does not match the "
            "entry before it",
            ChainProblem.ENTRY_HASH: f"entry {self.sequence}: its hash does not match its contents "
            "(a field was changed)",
            ChainProblem.SNAPSHOT: f"entry {self.sequence}: the published snapshot does not match "
            "its recorded hash (the content was changed)",
        }[self.problem]


def verify(entries: Iterable[Entry], snapshots: Mapping[int, Mapping | None]) -> Finding | None:
    """Check the whole chain; the first thing wrong, or None when every entry holds.

    ``snapshots`` maps each entry's sequence to the snapshot stored for it.
    """
    previous: Entry | None = None
    for entry in entries:
        expected_sequence = previous.sequence + 1 if previous else 1
        if entry.sequence != expected_sequence:
            return Finding(entry.sequence, ChainProblem.SEQUENCE)
        if entry.previous_hash != (previous.entry_hash if previous else GENESIS):
            return Finding(entry.sequence, ChainProblem.PREVIOUS_HASH)
        if sha256_hex(entry.body()) != entry.entry_hash:
            return Finding(entry.sequence, ChainProblem.ENTRY_HASH)
        snapshot = snapshots.get(entry.sequence)
        if snapshot is None or sha256_hex(snapshot) != entry.snapshot_sha256:
            return Finding(entry.sequence, ChainProblem.SNAPSHOT)
        previous = entry
    return None
