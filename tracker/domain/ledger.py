"""The publication ledger: snapshots and entries hashed into a chain that anyone can verify.

A published snapshot is hashed as canonical JSON (RFC 8785, tracker.domain.canonical, so that
any language can recompute it). Each ledger entry records what was published and when, the
snapshot's SHA-256 and the previous entry's hash, and is itself hashed over the canonical JSON
of those fields. Changing a snapshot, a date, the order or any hash breaks the chain at the
first entry concerned, and ``verify`` names it.

The entries, in sequence, are also the leaves of an RFC 9162 Merkle tree (entry N is leaf
N-1, its data ``Entry.leaf_data()``), whose signed checkpoints catch what the chain alone
cannot: a removed head entry, or an old entry changed with every later hash recomputed.

A PDF is rendered after its version is published, so it cannot be in the publication's own
entry: a ``report`` entry records it (``renders``: the publication entry's sequence, the
``language`` and the PDF's ``document_sha256``). Those three fields are left out of the hashed
body when they are None, so the hash of every entry made before they existed is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum

from tracker.domain.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64  # the "previous hash" of the first entry
REPORT_LANGUAGES = ("en", "zh")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

# Fields hashed only when set: entries made before report entries existed hash as they did.
OPTIONAL_FIELDS = ("renders", "language", "document_sha256")


class EntryKind(StrEnum):
    PUBLICATION = "publication"
    CORRECTION = "correction"  # a new version of something published before
    REPORT = "report"  # the PDF of a published version, in one language


PUBLISHED_KINDS = (EntryKind.PUBLICATION, EntryKind.CORRECTION)


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
    renders: int | None = None  # report entries: the sequence of the publication entry
    language: str | None = None  # report entries: "en" or "zh"
    document_sha256: str | None = None  # report entries: SHA-256 of the PDF file

    def body(self) -> dict:
        """The hashed fields (the optional ones only when set)."""
        fields = asdict(self)
        del fields["entry_hash"]
        for name in OPTIONAL_FIELDS:
            if fields[name] is None:
                del fields[name]
        fields["kind"] = str(self.kind)
        return fields

    def leaf_data(self) -> bytes:
        """The entry as a leaf of the Merkle log: the canonical JSON of every field, its hash
        included. The leaf of entry ``sequence`` has index ``sequence - 1``."""
        return canonical_json(self.body() | {"entry_hash": self.entry_hash})

    def leaf_hash(self) -> bytes:
        """RFC 9162 leaf hash of ``leaf_data()``: SHA-256(0x00 || data)."""
        return hashlib.sha256(b"\x00" + self.leaf_data()).digest()


def _chained(previous: Entry | None, **fields) -> Entry:
    draft = Entry(
        sequence=previous.sequence + 1 if previous else 1,
        previous_hash=previous.entry_hash if previous else GENESIS,
        entry_hash="",
        **fields,
    )
    return Entry(**(asdict(draft) | {"entry_hash": sha256_hex(draft.body())}))


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
    return _chained(
        previous,
        kind=kind,
        company=company,
        cycle=cycle,
        version=version,
        published_at=published_at,
        snapshot_sha256=sha256_hex(snapshot),
        supersedes=supersedes,
    )


def report_entry(
    previous: Entry, published: Entry, language: str, document_sha256: str, published_at: str
) -> Entry:
    """The entry that follows ``previous`` for the PDF (in ``language``, with SHA-256
    ``document_sha256``) of the version that entry ``published`` published."""
    if published.kind not in PUBLISHED_KINDS:
        raise ValueError(f"entry {published.sequence} publishes nothing")
    if language not in REPORT_LANGUAGES or not _SHA256_HEX.fullmatch(document_sha256):
        raise ValueError("a report entry needs a language (en, zh) and a SHA-256")
    return _chained(
        previous,
        kind=EntryKind.REPORT,
        company=published.company,
        cycle=published.cycle,
        version=published.version,
        published_at=published_at,
        snapshot_sha256=published.snapshot_sha256,
        supersedes=None,
        renders=published.sequence,
        language=language,
        document_sha256=document_sha256,
    )


class ChainProblem(StrEnum):
    SEQUENCE = "sequence"  # a number missing, repeated or out of order
    PREVIOUS_HASH = "previous_hash"  # does not name the entry before it
    ENTRY_HASH = "entry_hash"  # the entry's fields were changed
    SNAPSHOT = "snapshot"  # the published content was changed (or is missing)
    RENDERS = "renders"  # a report entry that names no publication entry of its version
    LEAF_HASH = "leaf_hash"  # the stored leaf hash is not the entry's
    UNPUBLISHED = "unpublished"  # a publication without its entry
    UNSIGNED = "unsigned"  # entries beyond the latest signed checkpoint
    TRUNCATED = "truncated"  # fewer entries than the latest signed checkpoint counts
    CHECKPOINT = "checkpoint"  # a checkpoint's root is not the tree of the first entries
    SIGNATURE = "signature"  # a stored checkpoint not signed by the log's key


@dataclass(frozen=True)
class Finding:
    """What is wrong, where: ``sequence`` is the entry (for UNPUBLISHED, the publication's
    id; for TRUNCATED, UNSIGNED, CHECKPOINT and SIGNATURE, a checkpoint's tree size), ``count``
    the number of entries when it matters."""

    sequence: int
    problem: ChainProblem
    count: int | None = None

    def __str__(self) -> str:
        n, count = self.sequence, self.count
        return {
            ChainProblem.SEQUENCE: f"entry {n}: sequence numbers are not consecutive",
            ChainProblem.PREVIOUS_HASH: f"entry {n}: previous hash does not match the "
            "entry before it",
            ChainProblem.ENTRY_HASH: f"entry {n}: its hash does not match its contents "
            "(a field was changed)",
            ChainProblem.SNAPSHOT: f"entry {n}: the published snapshot does not match "
            "its recorded hash (the content was changed)",
            ChainProblem.RENDERS: f"entry {n}: the report it records names no earlier "
            "publication entry of the same version",
            ChainProblem.LEAF_HASH: f"entry {n}: its stored leaf hash is not the hash of the entry",
            ChainProblem.UNPUBLISHED: f"publication {n} has no ledger entry",
            ChainProblem.UNSIGNED: f"entries {n + 1} to {count} are covered by no signed "
            "checkpoint (the latest is of size "
            f"{n}; run `tracker ledger checkpoint` if this ledger predates its log)",
            ChainProblem.TRUNCATED: f"checkpoint {n}: the log signed {n} entries but only "
            f"{count} remain (entries were removed)",
            ChainProblem.CHECKPOINT: f"checkpoint {n}: the first {n} entries do not hash to "
            "its root (an entry was changed, removed or reordered)",
            ChainProblem.SIGNATURE: f"checkpoint {n}: its note is not a checkpoint of this "
            "size signed by the log's key",
        }[self.problem]


def empty_root() -> bytes:
    """The root of the empty tree: SHA-256 of nothing."""
    return hashlib.sha256(b"").digest()


class RootAccumulator:
    """The RFC 9162 root of a growing list of leaf hashes, at every size, in O(log n) memory:
    the roots of the perfect subtrees the leaves so far split into, largest first."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (leaf count, subtree hash)

    def append(self, leaf_hash: bytes) -> None:
        self.size += 1
        count, node = 1, leaf_hash
        while self._stack and self._stack[-1][0] == count:
            left_count, left = self._stack.pop()
            count, node = count + left_count, _node(left, node)
        self._stack.append((count, node))

    def root(self) -> bytes:
        """The root of the tree of the leaves appended so far."""
        if not self._stack:
            return empty_root()
        node = self._stack[-1][1]
        for _count, left in reversed(self._stack[:-1]):
            node = _node(left, node)
        return node


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the database holds it, with what verification compares it with: the
    snapshot stored for it (None for a report entry, or when missing) and its stored leaf hash
    (None where none is stored)."""

    entry: Entry
    snapshot: Mapping | None
    leaf_hash: bytes | None = None


def verify(entries: Iterable[Entry], snapshots: Mapping[int, Mapping | None]) -> Finding | None:
    """Check the whole chain; the first thing wrong, or None when every entry holds.

    ``snapshots`` maps each entry's sequence to the snapshot stored for it.
    """
    stored = (StoredEntry(e, snapshots.get(e.sequence)) for e in entries)
    return verify_log(stored, checkpoints=None)


def verify_log(
    stored: Iterable[StoredEntry], checkpoints: Mapping[int, bytes] | None
) -> Finding | None:
    """Check the chain and the tree, reading ``stored`` once in sequence order (a stream: a
    few hashes per entry are kept, never the snapshots); the first thing wrong, or None.

    ``checkpoints`` maps the tree size of every signed checkpoint to its root; each must be
    the root of the first entries, and the latest must count every entry. None: the chain
    only (no checkpoint is expected).
    """
    previous: Entry | None = None
    published: dict[int, tuple[str, str, int, str]] = {}  # what report entries may render
    tree = RootAccumulator()
    for row in stored:
        entry = row.entry
        expected_sequence = previous.sequence + 1 if previous else 1
        if entry.sequence != expected_sequence:
            return Finding(entry.sequence, ChainProblem.SEQUENCE)
        if entry.previous_hash != (previous.entry_hash if previous else GENESIS):
            return Finding(entry.sequence, ChainProblem.PREVIOUS_HASH)
        if sha256_hex(entry.body()) != entry.entry_hash:
            return Finding(entry.sequence, ChainProblem.ENTRY_HASH)
        key = (entry.company, entry.cycle, entry.version, entry.snapshot_sha256)
        if entry.kind is EntryKind.REPORT:
            if (
                entry.renders is None
                or published.get(entry.renders) != key
                or entry.language not in REPORT_LANGUAGES
                or not _SHA256_HEX.fullmatch(entry.document_sha256 or "")
            ):
                return Finding(entry.sequence, ChainProblem.RENDERS)
        else:
            snapshot = row.snapshot
            if snapshot is None or sha256_hex(snapshot) != entry.snapshot_sha256:
                return Finding(entry.sequence, ChainProblem.SNAPSHOT)
            if any(getattr(entry, name) is not None for name in OPTIONAL_FIELDS):
                return Finding(entry.sequence, ChainProblem.RENDERS)
            published[entry.sequence] = key
        leaf = entry.leaf_hash()
        if row.leaf_hash is not None and row.leaf_hash != leaf:
            return Finding(entry.sequence, ChainProblem.LEAF_HASH)
        tree.append(leaf)
        if checkpoints and tree.size in checkpoints and checkpoints[tree.size] != tree.root():
            return Finding(tree.size, ChainProblem.CHECKPOINT)
        previous = entry
    if checkpoints is None:
        return None
    latest = max(checkpoints, default=0)
    if latest > tree.size:
        return Finding(latest, ChainProblem.TRUNCATED, count=tree.size)
    if latest < tree.size:
        return Finding(latest, ChainProblem.UNSIGNED, count=tree.size)
    if latest == 0 and 0 in checkpoints and checkpoints[0] != empty_root():
        return Finding(0, ChainProblem.CHECKPOINT)
    return None
