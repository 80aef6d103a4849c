"""Publishing: the snapshot of an accepted disclosure, and its entry at the head of the ledger.

A snapshot holds only public content: the checklist it answers, and per item the status, the
"not applicable" reason, the narrative (with its language and the company's version of it in
the other language), the evidence links and the structured answers, and for
an item that takes them its benchmark results. Never confidential notes (an answer's or a
result's), never attachments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, undefer

from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.answers import reason_if_not_applicable
from tracker.domain.canonical import sha256_hex
from tracker.domain.checklist import Checklist
from tracker.domain.ledger import (
    ChainProblem,
    Entry,
    EntryKind,
    Finding,
    StoredEntry,
    next_entry,
    report_entry,
    verify_log,
)
from tracker.domain.refusals import Refusal
from tracker.domain.results import result_from_dict, result_to_dict
from tracker.domain.scoring import score_disclosure
from tracker.domain.statuses import Status
from tracker.domain.text_language import narrative_fields
from tracker.domain.tlog import Signer
from tracker.domain.workflow import Action, Side
from tracker.filing.models import Disclosure
from tracker.filing.workflow import move
from tracker.ledger import queries
from tracker.ledger.keys import log_key
from tracker.ledger.log import sign_checkpoint
from tracker.ledger.models import (
    OVERALL,
    Checkpoint,
    LedgerEntry,
    Publication,
    PublicationScore,
    PublishedResult,
)
from tracker.narratives.services import html_for
from tracker.search import services as search
from tracker.verify import VerificationError, parse_checkpoint, verify_note

SNAPSHOT_FORMAT = 1


def build_snapshot(disclosure: Disclosure, version: int) -> dict:
    """The public content of a disclosure as plain JSON, items in checklist order."""
    return snapshot_content(
        disclosure.checklist_version.checklist,
        names_of(disclosure.company),
        names_of(disclosure.cycle),
        version,
        {
            r.item_id: {
                "status": r.status,
                "not_applicable_reason": r.not_applicable_reason,
                "narrative": r.narrative,
                "narrative_language": r.narrative_language,
                "narrative_translation": r.narrative_translation,
                "evidence_links": r.evidence_links,
                "structured": r.structured,
                "results": r.benchmark_results,
            }
            for r in disclosure.responses
        },
    )


def names_of(record: Company | Cycle) -> dict:
    """A company's or a cycle's short name and names, as snapshots hold them."""
    return {"slug": record.slug, "name_en": record.name_en, "name_zh": record.name_zh}


def snapshot_content(
    checklist: Checklist, company: dict, cycle: dict, version: int, answers: Mapping[str, Mapping]
) -> dict:
    """A snapshot from answers (item id -> the answer's public fields, ``status`` a Status or
    None, ``results`` stored results as ItemResponse.benchmark_results holds them), the company
    and the cycle (``names_of``).

    Only an item that takes results (Item.results) has the key ``results``, so that the
    snapshots of checklist versions without results stay what they were when published; each
    result is its public form (no confidential note)."""
    items = []
    for item in checklist.items:
        r = answers.get(item.id)
        entry: dict[str, Any] = {
            "id": item.id,
            "status": r["status"].value if r is not None and r["status"] else None,
            "not_applicable_reason": reason_if_not_applicable(
                r["status"], r["not_applicable_reason"]
            )
            if r is not None
            else "",
            "narrative": (r["narrative"] or "") if r is not None else "",
            # The narrative's language ("en", "zh-CN"; None without a narrative) and the
            # company's version in the other language: in snapshots published since migration
            # 0022 (readers of earlier ones detect the language and find no second version).
            **narrative_fields(r),
            "evidence_links": list(r["evidence_links"] or []) if r is not None else [],
            "structured": dict(r["structured"] or {}) if r is not None else {},
        }
        if item.results:
            stored = (r.get("results") or []) if r is not None else []
            entry["results"] = [
                result_to_dict(result_from_dict(data), public=True) for data in stored
            ]
        items.append(entry)
    return {
        "format": SNAPSHOT_FORMAT,
        "checklist": {
            "id": checklist.id,
            "version": checklist.version,
            "content_sha256": checklist.content_hash,
        },
        "company": company,
        "cycle": cycle,
        "version": version,
        "items": items,
    }


def summarise(snapshot: dict) -> dict:
    """What aggregates read of a snapshot: per item its status and, when it has any, its
    structured answers and its benchmark results. Stored with the publication
    (``Publication.summary``).

    ``results`` is there only when some item has results (read it with ``.get("results", {})``):
    the summary of a snapshot without any stays what migration 0014 stored for it."""
    summary = {
        "statuses": {entry["id"]: entry["status"] for entry in snapshot["items"]},
        "structured": {
            entry["id"]: entry["structured"] for entry in snapshot["items"] if entry["structured"]
        },
    }
    results = {entry["id"]: entry["results"] for entry in snapshot["items"] if entry.get("results")}
    if results:
        summary["results"] = results
    return summary


def score_values(checklist: Checklist, snapshot: dict) -> list[dict]:
    """A snapshot's scores, per commitment and overall (``OVERALL``), as the column values of
    the rows stored with its publication: computed once, read by every list
    (tracker.ledger.queries)."""
    statuses = {
        entry["id"]: Status(entry["status"]) if entry["status"] else None
        for entry in snapshot["items"]
    }
    card = score_disclosure(checklist, statuses)
    return [
        {
            "commitment_id": commitment_id,
            "earned": score.earned,
            "possible": score.possible,
            "counted": score.counted,
            "not_applicable": score.not_applicable,
            "percent": score.percent,
        }
        for commitment_id, score in [(OVERALL, card.overall), *card.by_commitment.items()]
    ]


def result_values(snapshot: dict) -> list[dict]:
    """A snapshot's benchmark results (its items' public ``results``), as the column values of
    the rows stored with its publication (PublishedResult): what benchmark pages read."""
    rows = []
    for entry in snapshot["items"]:
        for position, data in enumerate(entry.get("results") or []):
            value = data.get("value")
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            rows.append(
                {
                    "item_id": entry["id"],
                    "position": position,
                    **{
                        name: str(data.get(name) or "")
                        for name in (
                            "benchmark",
                            "version",
                            "configuration",
                            "language",
                            "metric",
                            "subject",
                            "run_on",
                        )
                    },
                    "relation": str(data.get("relationship") or ""),
                    "value": float(value) if numeric else None,
                    "level": None if numeric or value is None else str(value),
                    "result": data,
                }
            )
    return rows


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ledger_head(session: Session) -> LedgerEntry | None:
    return session.scalar(sa.select(LedgerEntry).order_by(LedgerEntry.sequence.desc()).limit(1))


class LedgerBusy(Refusal):
    """Another publication took the ledger's next place at the same moment; nothing was
    written, and publishing again succeeds."""

    code = "ledger.busy"
    status = 409


# Publications append to the ledger one at a time: on PostgreSQL they queue on this advisory
# lock (held until the transaction ends); on SQLite the move's UPDATE already holds the
# database's write lock.
LEDGER_LOCK = 0x1ED6E5


def lock_ledger_head(session: Session) -> None:
    """Wait until no other transaction is appending to the ledger, and keep it so until this
    one ends; the head read after this is the one this entry follows."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(LEDGER_LOCK)))


def publish(
    session: Session,
    actor: User | None,
    disclosure: Disclosure,
    now: datetime,
    signer: Signer | None = None,
) -> Publication:
    """Freeze an accepted disclosure, append its ledger entry and sign the log's new checkpoint
    (with ``signer``, by default the current app's log key).

    The move to "published" comes first: of two requests publishing the same disclosure, the
    second is refused (AlreadyMoved, "already published as version …") before it writes
    anything. Publications of different disclosures take the ledger head one after the other
    (lock_ledger_head); should two still meet on the unique sequence or previous hash, the
    loser is refused with LedgerBusy and nothing half-written stays. A company's second
    publication in a cycle is a correction that supersedes the first.
    """
    made: list[Publication] = []

    def append() -> dict:
        publication, entry = _append(session, actor, disclosure, now, signer or log_key())
        made.append(publication)
        # The move records the state change with the ledger entry it made, in the audit trail.
        return {
            "version": publication.version,
            "ledger_sequence": entry.sequence,
            "entry_hash": entry.entry_hash,
        }

    move(session, actor, disclosure, Action.PUBLISH, Side.STAFF, now, effect=append)
    return made[0]


def _append(
    session: Session, actor: User | None, disclosure: Disclosure, now: datetime, signer: Signer
) -> tuple[Publication, LedgerEntry]:
    """The publication of the disclosure's answers and its entry at the head of the ledger."""
    earlier = session.scalar(
        sa.select(Publication)
        .filter_by(company_id=disclosure.company_id, cycle_id=disclosure.cycle_id)
        .order_by(Publication.version.desc())
        .limit(1)
    )
    version = earlier.version + 1 if earlier else 1
    snapshot = build_snapshot(disclosure, version)
    # Every public narrative rendered into the store now: public pages and PDFs only read.
    html_for(
        session,
        [
            text
            for entry in snapshot["items"]
            for text in (entry["narrative"], entry.get("narrative_translation"))
            if text
        ],
    )
    publication = Publication(
        disclosure=disclosure,
        company_id=disclosure.company_id,
        cycle_id=disclosure.cycle_id,
        version=version,
        snapshot=snapshot,
        snapshot_sha256=sha256_hex(snapshot),
        summary=summarise(snapshot),
        scores=[
            PublicationScore(**values)
            for values in score_values(disclosure.checklist_version.checklist, snapshot)
        ],
        results=[PublishedResult(**values) for values in result_values(snapshot)],
        published_at=now.replace(microsecond=0),
        published_by=actor,
        supersedes_id=earlier.id if earlier else None,
    )
    lock_ledger_head(session)
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
    row = LedgerEntry(**LedgerEntry.values_of(entry), publication=publication)
    try:
        with session.begin_nested():
            session.add(publication)
            session.add(row)
    except IntegrityError:
        raise LedgerBusy() from None
    disclosure.published_at = publication.published_at
    session.flush()
    sign_checkpoint(session, signer, now)
    # The year-over-year differences its page and PDF show, worked out now: views only read.
    queries.store_comparison(session, publication)
    # Searchable from now on, in place of the version it corrects.
    search.index_publications(session, [searchable(publication)])
    return publication, row


def searchable(publication: Publication) -> search.Published:
    """A publication as the search index takes it."""
    return search.Published(
        publication_id=publication.id,
        company_id=publication.company_id,
        cycle_id=publication.cycle_id,
        version=publication.version,
        published_at=publication.published_at,
        snapshot=publication.snapshot,
        checklist=publication.disclosure.checklist_version.checklist,
    )


# Publications read (with their snapshots) at a time when the search index is rebuilt.
REINDEX_BATCH = 200


def reindex_search(session: Session) -> tuple[int, int]:
    """Build the search index again from what is published: every company's names and the
    latest version of each company in each cycle. Returns (companies, answer documents)."""
    search.clear(session)
    companies = session.execute(
        sa.select(Company.id, Company.slug, Company.name_en, Company.name_zh).order_by(Company.id)
    ).all()
    search.index_companies(session, [(c.id, c.slug, c.name_en, c.name_zh) for c in companies])
    latest = (
        sa.select(
            Publication.company_id,
            Publication.cycle_id,
            sa.func.max(Publication.version).label("version"),
        )
        .group_by(Publication.company_id, Publication.cycle_id)
        .subquery()
    )
    ids = session.scalars(
        sa.select(Publication.id)
        .join(
            latest,
            sa.and_(
                Publication.company_id == latest.c.company_id,
                Publication.cycle_id == latest.c.cycle_id,
                Publication.version == latest.c.version,
            ),
        )
        .order_by(Publication.id)
    ).all()
    written = 0
    for start in range(0, len(ids), REINDEX_BATCH):
        batch = session.scalars(
            sa.select(Publication)
            .where(Publication.id.in_(ids[start : start + REINDEX_BATCH]))
            .options(
                undefer(Publication.snapshot),
                joinedload(Publication.disclosure).joinedload(Disclosure.checklist_version),
            )
        ).all()
        written += search.index_publications(session, [searchable(p) for p in batch])
    return len(companies), written


def append_report(
    session: Session,
    publication: Publication,
    language: str,
    document_sha256: str,
    now: datetime,
    signer: Signer | None = None,
) -> LedgerEntry:
    """Append the report entry of a published version's PDF in ``language`` (SHA-256
    ``document_sha256``) and sign the new checkpoint; flushes. The caller stores the PDF's row
    in the same transaction, so that a PDF is recorded exactly when it is stored."""
    published = publication.entry
    if published is None:
        raise ValueError(f"publication {publication.id} has no ledger entry")
    lock_ledger_head(session)
    head = ledger_head(session)
    assert head is not None  # the publication's own entry at least
    entry = report_entry(
        head.to_entry(), published.to_entry(), language, document_sha256, iso_utc(now)
    )
    row = LedgerEntry(**LedgerEntry.values_of(entry))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise LedgerBusy() from None
    sign_checkpoint(session, signer or log_key(), now)
    return row


def record_checkpoint(session: Session, signer: Signer, now: datetime) -> Checkpoint:
    """The checkpoint of the whole ledger as it stands, signed now if none covers it yet: how a
    ledger older than its log gets its tree and first checkpoint (no entry changes)."""
    lock_ledger_head(session)
    return sign_checkpoint(session, signer, now)


# Entries (and their snapshots, tens of kB each) are read this many at a time, never all.
VERIFY_BATCH = 50


def verify_ledger(session: Session, signer: Signer | None = None) -> tuple[int, Finding | None]:
    """(number of entries, the first problem or None): every snapshot, entry and leaf hash
    recomputed from the rows, streamed; every publication has its entry; every report entry
    renders a publication entry of its version; every checkpoint is signed by the log's key
    (``signer``, by default the current app's) and is the root of the entries it counts, the
    latest counting them all."""
    signer = signer or log_key()
    orphan = session.scalar(
        sa.select(Publication.id)
        .outerjoin(LedgerEntry, LedgerEntry.publication_id == Publication.id)
        .where(LedgerEntry.sequence.is_(None))
        .order_by(Publication.id)
        .limit(1)
    )
    count = session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0
    if orphan is not None:
        return count, Finding(orphan, ChainProblem.UNPUBLISHED)
    roots: dict[int, bytes] = {}
    for size, root_hash, note in session.execute(
        sa.select(Checkpoint.size, Checkpoint.root_hash, Checkpoint.note).order_by(Checkpoint.size)
    ):
        if not _signed_by(signer, note, size, root_hash):
            return count, Finding(size, ChainProblem.SIGNATURE)
        roots[size] = bytes.fromhex(root_hash)
    columns = LedgerEntry.__table__.c
    # Closed however verification ends (on PostgreSQL a streaming query holds a cursor).
    with session.execute(
        sa.select(LedgerEntry.__table__, Publication.snapshot)
        .outerjoin(Publication, Publication.id == columns.publication_id)
        .order_by(columns.sequence)
        .execution_options(yield_per=VERIFY_BATCH)
    ) as rows:
        return count, verify_log((_stored(row) for row in rows), roots)


def _signed_by(signer: Signer, note: str, size: int, root_hash: str) -> bool:
    """Whether ``note`` is the checkpoint of (size, root) signed by the log's key."""
    try:
        checkpoint = parse_checkpoint(verify_note(note.encode(), [signer.verifier]).text)
    except VerificationError:
        return False
    return (checkpoint.origin, checkpoint.size, checkpoint.root.hex(), checkpoint.extensions) == (
        signer.name,
        size,
        root_hash,
        (),
    )


def _stored(row) -> StoredEntry:
    """An entry row (with its publication's snapshot) as verification reads it."""
    entry = Entry(
        sequence=row.sequence,
        kind=EntryKind(row.kind),
        company=row.company_slug,
        cycle=row.cycle_slug,
        version=row.version,
        published_at=row.published_at,
        snapshot_sha256=row.snapshot_sha256,
        supersedes=row.supersedes,
        previous_hash=row.previous_hash,
        entry_hash=row.entry_hash,
        renders=row.renders,
        language=row.language,
        document_sha256=row.document_sha256,
    )
    return StoredEntry(entry, row.snapshot, bytes.fromhex(row.leaf_hash))
