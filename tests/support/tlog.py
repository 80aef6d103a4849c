"""The transparency log in tests: the published vectors, reference leaves, and small logs.

``vectors()`` is ``tests/data/transparency-vectors.json`` (see /work/shared/transparency.md §2.5
for its layout); ``reference_leaves()`` the leaf hashes of the RFC 6962 reference tree;
``leaves(n)`` the leaf hashes of a log of ``n`` distinct entries; ``Log`` a ledger with real
keys (entries, checkpoints with cosignatures, proofs, evidence bundles) built with the domain
code, as the verifier's tests need it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tracker import verify
from tracker.domain import ledger, merkle, tlog
from tracker.domain.canonical import canonical_json, sha256_hex
from tracker.verify import leaf_hash

VECTORS = Path(__file__).resolve().parent.parent / "data" / "transparency-vectors.json"


@functools.cache
def vectors() -> dict:
    """The parsed vector file (read once)."""
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def hexes(values: list[str]) -> list[bytes]:
    """Hex strings as bytes."""
    return [bytes.fromhex(v) for v in values]


def reference_leaves() -> list[bytes]:
    """The eight leaf hashes of the RFC 6962 reference tree."""
    return [leaf_hash(d) for d in hexes(vectors()["rfc6962_reference_tree"]["leaves_hex"])]


def leaves(count: int) -> list[bytes]:
    """The leaf hashes of a log of ``count`` distinct entries."""
    return [leaf_hash(b'{"sequence":%d}' % (n + 1)) for n in range(count)]


def iso(timestamp: int) -> str:
    """A POSIX time as the ledger writes it (ISO 8601 UTC, seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


@dataclass
class BundleParts:
    """The members of an evidence bundle, editable before zipping (to tamper with them)."""

    members: dict[str, bytes]

    def zip(self, path: Path) -> Path:
        """Write the members into the zip file ``path``."""
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in self.members.items():
                archive.writestr(name, data)
        return path


@dataclass
class Log:
    """A ledger as the verifier sees it, built with the domain code and real keys.

    Entries are JSON objects in the ledger's format (publication entries exactly as
    ``tracker.domain.ledger.next_entry`` makes them; report entries add ``renders``,
    ``language`` and ``document_sha256``); leaf data is their canonical JSON."""

    origin: str = "tracker.test/ledger"
    witness_count: int = 2
    signer: tlog.Signer = field(init=False)
    witnesses: list[tlog.Signer] = field(init=False)
    entries: list[dict] = field(default_factory=list)
    snapshots: dict[int, bytes] = field(default_factory=dict)
    documents: dict[int, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.signer = tlog.generate_signer(self.origin)
        self.witnesses = [
            tlog.generate_signer(f"w{n}.test/witness") for n in range(1, self.witness_count + 1)
        ]

    def policy(self, quorum: int | None = None) -> bytes:
        """The policy: the log and every witness, ``quorum`` of them (all when None)."""
        listed = [
            tlog.PolicyWitness(f"W{n}", w.cosigner.vkey, f"http://127.0.0.1/w{n}")
            for n, w in enumerate(self.witnesses, 1)
        ]
        return tlog.policy_text(self.signer.verifier.vkey, listed, quorum).encode()

    def _append(self, fields: dict) -> int:
        sequence = len(self.entries) + 1
        previous = self.entries[-1]["entry_hash"] if self.entries else ledger.GENESIS
        body = {"sequence": sequence, **fields, "previous_hash": previous}
        self.entries.append(body | {"entry_hash": sha256_hex(body)})
        return sequence

    def publish(self, company: str, published_at: int, snapshot: dict | None = None) -> int:
        """Append a publication entry; its sequence."""
        snapshot = snapshot or {"company": company, "items": [{"id": "c1", "status": "met"}]}
        sequence = self._append(
            {
                "kind": "publication",
                "company": company,
                "cycle": "2026",
                "version": 1,
                "published_at": iso(published_at),
                "snapshot_sha256": sha256_hex(snapshot),
                "supersedes": None,
            }
        )
        self.snapshots[sequence] = canonical_json(snapshot)
        return sequence

    def report(self, renders: int, language: str, published_at: int, pdf: bytes) -> int:
        """Append a report entry for the PDF of publication ``renders``; its sequence."""
        publication = self.entries[renders - 1]
        fields = {k: publication[k] for k in ("company", "cycle", "version", "snapshot_sha256")}
        sequence = self._append(
            {
                "kind": "report",
                **fields,
                "published_at": iso(published_at),
                "supersedes": None,
                "renders": renders,
                "language": language,
                "document_sha256": hashlib.sha256(pdf).hexdigest(),
            }
        )
        self.documents[sequence] = pdf
        return sequence

    def leaf_data(self, sequence: int) -> bytes:
        """The leaf of entry ``sequence``: its canonical JSON."""
        return canonical_json(self.entries[sequence - 1])

    def hashes(self, size: int | None = None) -> list[bytes]:
        """The leaf hashes of the first ``size`` entries (all when None)."""
        entries = self.entries if size is None else self.entries[:size]
        return [verify.leaf_hash(canonical_json(e)) for e in entries]

    def checkpoint(self, size: int | None = None, cosigned: dict[int, int] | None = None) -> bytes:
        """The signed checkpoint at ``size``, cosigned by witness n at time t for each n: t."""
        hashes = self.hashes(size)
        note = tlog.sign_checkpoint(self.signer, len(hashes), merkle.root(hashes))
        text = verify.parse_note(note).text
        lines = [self.witnesses[n - 1].cosign(text, t).line for n, t in (cosigned or {}).items()]
        return tlog.add_signatures(note, lines)

    def proof(self, sequence: int, note: bytes) -> bytes:
        """The tlog-proof of entry ``sequence`` against the checkpoint ``note``."""
        size = verify.parse_checkpoint(verify.parse_note(note).text).size
        return tlog.tlog_proof(
            sequence - 1, merkle.inclusion_proof(sequence - 1, self.hashes(size)), note
        )

    def consistency(self, old: int, new: int) -> bytes:
        """The consistency proof from size ``old`` to ``new``, as base64 lines."""
        return verify.format_hash_lines(merkle.consistency_proof(old, self.hashes(new))).encode()

    def bundle(self, sequence: int, note: bytes, policy: bytes | None = None) -> BundleParts:
        """The evidence bundle of publication ``sequence`` against checkpoint ``note``, with the
        report entries (of the log so far) that render it."""
        members = {
            "snapshot.json": self.snapshots[sequence],
            "entry.json": self.leaf_data(sequence),
            "entry.tlog-proof": self.proof(sequence, note),
        }
        size = verify.parse_checkpoint(verify.parse_note(note).text).size
        for entry in self.entries[:size]:
            if entry.get("renders") == sequence:
                language = entry["language"]
                members[f"report-{language}.pdf"] = self.documents[entry["sequence"]]
                members[f"report-{language}-entry.json"] = self.leaf_data(entry["sequence"])
                members[f"report-{language}.tlog-proof"] = self.proof(entry["sequence"], note)
        members["checkpoint"] = note
        members["policy.txt"] = policy if policy is not None else self.policy()
        members["README.txt"] = b"python verify.py bundle this.zip --policy POLICY\n"
        return BundleParts(members)
