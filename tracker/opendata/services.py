"""Rows of open data, from published snapshots and the ledger only (never live answers)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlalchemy as sa

from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.ledger.models import LedgerEntry
from tracker.ledger.queries import current_in_cycle

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
)


def disclosure_rows(session: Session, cycle: Cycle) -> Iterator[tuple]:
    """One row per company × item of the cycle's current published versions."""
    for published in current_in_cycle(session, cycle):
        report, publication = published.report, published.publication
        for item in report.checklist.items:
            answer = report.answers.get(item.id)
            yield (
                cycle.slug,
                report.company_slug,
                report.company_name.en,
                report.company_name.zh,
                publication.version,
                publication.published_at.isoformat().replace("+00:00", "Z"),
                publication.entry.sequence,
                publication.snapshot_sha256,
                report.checklist.id,
                report.checklist.version,
                item.commitment_id,
                item.id,
                item.title.en,
                item.title.zh,
                answer.status.value if answer and answer.status else "",
                answer.not_applicable_reason if answer else "",
                answer.narrative if answer else "",
                " ".join(link.get("url", "") for link in answer.evidence_links) if answer else "",
                json.dumps(answer.structured, ensure_ascii=False, sort_keys=True)
                if answer and answer.structured
                else "",
            )


def ledger_rows(session: Session) -> Iterator[tuple]:
    """Every ledger entry, in order, exactly as hashed."""
    for entry in session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)):
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
        )
