"""Publishing: the snapshot of an accepted disclosure, and its entry at the head of the ledger.

A snapshot holds only public content: the checklist it answers, and per item the status, the
"not applicable" reason, the narrative, the evidence links and the structured answers. Never
confidential notes, never attachments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tracker.auth.models import User
from tracker.db import Session
from tracker.domain.canonical import sha256_hex
from tracker.domain.ledger import EntryKind, Finding, next_entry, verify
from tracker.domain.workflow import Action, Side, next_state
from tracker.filing.models import Disclosure
from tracker.filing.workflow import move
from tracker.ledger.models import LedgerEntry, Publication

SNAPSHOT_FORMAT = 1


def build_snapshot(disclosure: Disclosure, version: int) -> dict:
    """The public content of a disclosure as plain JSON, items in checklist order."""
    checklist = disclosure.checklist_version.checklist
    responses = {r.item_id: r for r in disclosure.responses}
    items = []
    for item in checklist.items:
        r = responses.get(item.id)
        items.append(
            {
                "id": item.id,
                "status": r.status.value if r is not None and r.status else None,
                "not_applicable_reason": (r.not_applicable_reason or "") if r is not None else "",
                "narrative": (r.narrative or "") if r is not None else "",
                "evidence_links": list(r.evidence_links or []) if r is not None else [],
                "structured": dict(r.structured or {}) if r is not None else {},
            }
        )
    company, cycle = disclosure.company, disclosure.cycle
    return {
        "format": SNAPSHOT_FORMAT,
        "checklist": {
            "id": checklist.id,
            "version": checklist.version,
            "content_sha256": checklist.content_hash,
        },
        "company": {"slug": company.slug, "name_en": company.name_en, "name_zh": company.name_zh},
        "cycle": {"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        "version": version,
        "items": items,
    }


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ledger_head(session: Session) -> LedgerEntry | None:
    return session.scalar(sa.select(LedgerEntry).order_by(LedgerEntry.sequence.desc()).limit(1))


def publish(
    session: Session, actor: User | None, disclosure: Disclosure, now: datetime
) -> Publication:
    """Freeze an accepted disclosure and append its ledger entry.

    A company's second publication in a cycle is a correction that supersedes the first. Two
    publications racing for the same place in the ledger meet the unique constraints on the
    sequence and the previous hash; the loser's transaction fails and nothing half-written stays.
    TransitionNotAllowed, before anything is written, unless the disclosure is accepted.
    """
    next_state(disclosure.state, Action.PUBLISH, Side.STAFF)  # refused before any work
    earlier = session.scalar(
        sa.select(Publication)
        .filter_by(company_id=disclosure.company_id, cycle_id=disclosure.cycle_id)
        .order_by(Publication.version.desc())
        .limit(1)
    )
    version = earlier.version + 1 if earlier else 1
    snapshot = build_snapshot(disclosure, version)
    publication = Publication(
        disclosure=disclosure,
        company_id=disclosure.company_id,
        cycle_id=disclosure.cycle_id,
        version=version,
        snapshot=snapshot,
        snapshot_sha256=sha256_hex(snapshot),
        published_at=now.replace(microsecond=0),
        published_by=actor,
        supersedes_id=earlier.id if earlier else None,
    )
    head = ledger_head(session)
    entry = next_entry(
        head.to_entry() if head else None,
        EntryKind.CORRECTION if earlier else EntryKind.PUBLICATION,
        disclosure.company.slug,
        disclosure.cycle.slug,
        version,
        iso_utc(now),
        snapshot,
        supersedes=earlier.entry.sequence if earlier else None,
    )
    # The move records the state change with the ledger entry it made, in the audit trail.
    move(
        session,
        actor,
        disclosure,
        Action.PUBLISH,
        Side.STAFF,
        now,
        details={
            "version": version,
            "ledger_sequence": entry.sequence,
            "entry_hash": entry.entry_hash,
        },
    )
    session.add(publication)
    session.flush()
    session.add(
        LedgerEntry(
            sequence=entry.sequence,
            kind=entry.kind,
            company_slug=entry.company,
            cycle_slug=entry.cycle,
            version=entry.version,
            published_at=entry.published_at,
            snapshot_sha256=entry.snapshot_sha256,
            supersedes=entry.supersedes,
            previous_hash=entry.previous_hash,
            entry_hash=entry.entry_hash,
            publication=publication,
        )
    )
    disclosure.published_at = publication.published_at
    session.flush()
    return publication


def verify_ledger(session: Session) -> tuple[int, Finding | None]:
    """(number of entries, the first problem or None), recomputing every hash from the rows."""
    rows = session.execute(
        sa.select(LedgerEntry, Publication.snapshot)
        .join(Publication, Publication.id == LedgerEntry.publication_id)
        .order_by(LedgerEntry.sequence)
    ).all()
    entries = [row.LedgerEntry.to_entry() for row in rows]
    snapshots = {row.LedgerEntry.sequence: row.snapshot for row in rows}
    return len(entries), verify(entries, snapshots)
