"""Rows of open data, from published snapshots and the ledger only (never live answers)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.answers import reason_if_not_applicable
from tracker.domain.checklist import Checklist
from tracker.ledger.models import LedgerEntry, Publication
from tracker.ledger.queries import current_query

DISCLOSURE_COLUMNS = (
    "cycle",
    "company",
    "company_name_en",
    "company_name_zh",
    "version",
    "published_at_utc",
    "ledger_sequence",
    "snapshot_sha256",
    "checklist",
    "checklist_version",
    "commitment",
    "item",
    "item_title_en",
    "item_title_zh",
    "status",
    "not_applicable_reason",
    "narrative",
    "evidence_links",
    "structured",
)

LEDGER_COLUMNS = (
    "sequence",
    "kind",
    "company",
    "cycle",
    "version",
    "published_at",
    "snapshot_sha256",
    "supersedes",
    "previous_hash",
    "entry_hash",
    # Report entries only (empty otherwise, and then not hashed: tracker.domain.ledger).
    "renders",
    "language",
    "document_sha256",
    "leaf_hash",  # the entry's leaf in the Merkle log: SHA-256(0x00 || its canonical JSON)
)


# Snapshots read from the database at a time while a cycle's CSV streams: memory stays that of
# a few dozen snapshots, whatever the number of companies.
STREAM_BATCH = 50


def disclosure_rows(session: Session, cycle: Cycle) -> Iterator[tuple]:
    """One row per company × item of the cycle's current published versions, streamed: the
    snapshots are read a batch at a time (``STREAM_BATCH``) and never scored or kept.

    What the rows need of the cycle is read now, not when the first row is asked for: a
    download streams after the request's session is closed, and a lazy load then fails."""
    return _disclosure_rows(session, cycle.id, cycle.slug, cycle.checklist_version.checklist)


def _disclosure_rows(
    session: Session, cycle_id: int, cycle_slug: str, checklist: Checklist
) -> Iterator[tuple]:
    current = current_query(cycle_id)
    query = (
        current.with_only_columns(
            Publication.version,
            Publication.published_at,
            Publication.snapshot_sha256,
            Publication.snapshot,
            LedgerEntry.sequence,
        )
        .join(LedgerEntry, LedgerEntry.publication_id == Publication.id)
        .order_by(Company.name_en, Company.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    for version, published_at, snapshot_sha256, snapshot, sequence in session.execute(query):
        answers = {entry["id"]: entry for entry in snapshot["items"]}
        company = snapshot["company"]
        for item in checklist.items:
            answer = answers.get(item.id)
            yield (
                cycle_slug,
                company["slug"],
                company["name_en"],
                company["name_zh"],
                version,
                published_at.isoformat().replace("+00:00", "Z"),
                sequence,
                snapshot_sha256,
                checklist.id,
                checklist.version,
                item.commitment_id,
                item.id,
                item.title.en,
                item.title.zh,
                (answer.get("status") or "") if answer else "",
                # Older snapshots may hold a reason for an item that applies; no page shows it.
                reason_if_not_applicable(answer.get("status"), answer.get("not_applicable_reason"))
                if answer
                else "",
                answer.get("narrative", "") if answer else "",
                " ".join(link.get("url", "") for link in answer.get("evidence_links", []))
                if answer
                else "",
                json.dumps(answer["structured"], ensure_ascii=False, sort_keys=True)
                if answer and answer.get("structured")
                else "",
            )


def ledger_rows(session: Session) -> Iterator[tuple]:
    """Every ledger entry, in order, exactly as hashed."""
    query = (
        sa.select(LedgerEntry)
        .order_by(LedgerEntry.sequence)
        .execution_options(yield_per=STREAM_BATCH * 20)
    )
    for entry in session.scalars(query):
        yield (
            entry.sequence,
            entry.kind.value,
            entry.company_slug,
            entry.cycle_slug,
            entry.version,
            entry.published_at,
            entry.snapshot_sha256,
            entry.supersedes if entry.supersedes is not None else "",
            entry.previous_hash,
            entry.entry_hash,
            entry.renders if entry.renders is not None else "",
            entry.language or "",
            entry.document_sha256 or "",
            entry.leaf_hash,
        )
