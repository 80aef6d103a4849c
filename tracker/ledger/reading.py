"""What a reader is told about a published version: its ledger entry, the entry's leaf, and the
entries that record its reports (the PDFs, stored after publication)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tracker.db import Session
from tracker.domain.languages import LANGUAGES, Language
from tracker.ledger.models import LedgerEntry


@dataclass(frozen=True)
class ReportRecord:
    """A report of the version in one language, and the entry that records its PDF (None
    until the PDF is stored)."""

    language: Language
    sequence: int | None


@dataclass(frozen=True)
class VersionRecord:
    """A published version's entry as pages and PDFs name it."""

    sequence: int
    version: int
    leaf_hash: str  # hex SHA-256(0x00 || leaf data)
    snapshot_sha256: str
    reports: tuple[ReportRecord, ...]


def leaf_hash_hex(entry: LedgerEntry) -> str:
    """The entry's leaf in the Merkle log: SHA-256(0x00 || leaf data), in hex."""
    return hashlib.sha256(b"\x00" + entry.to_entry().leaf_data()).hexdigest()


def record_of(session: Session, entry: LedgerEntry) -> VersionRecord:
    """The record of the version a publication entry published (one query: its report
    entries)."""
    return VersionRecord(
        sequence=entry.sequence,
        version=entry.version,
        leaf_hash=leaf_hash_hex(entry),
        snapshot_sha256=entry.snapshot_sha256,
        reports=tuple(ReportRecord(language, None) for language in LANGUAGES),
    )

