"""Rows of open data, from published snapshots and the ledger only (never live answers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain import eee
from tracker.domain.answers import reason_if_not_applicable
from tracker.domain.checklist import Checklist
from tracker.domain.results import CONFIDENTIAL_FIELDS, Result, result_from_dict, result_to_dict
from tracker.domain.text_language import narrative_fields
from tracker.ledger.models import LedgerEntry, Publication, PublishedResult
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
    "narrative_language",
    "narrative_translation",
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
            written = narrative_fields(answer)
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
                # Detected for a snapshot published before the language was recorded.
                written["narrative_language"] or "",
                written["narrative_translation"],
                " ".join(link.get("url", "") for link in answer.get("evidence_links", []))
                if answer
                else "",
                json.dumps(answer["structured"], ensure_ascii=False, sort_keys=True)
                if answer and answer.get("structured")
                else "",
            )


def ledger_rows(session: Session, up_to: int | None = None) -> Iterator[tuple]:
    """Every ledger entry (up to sequence ``up_to``, when given), in order, exactly as hashed."""
    query = (
        sa.select(LedgerEntry)
        .order_by(LedgerEntry.sequence)
        .execution_options(yield_per=STREAM_BATCH * 20)
    )
    if up_to is not None:
        query = query.where(LedgerEntry.sequence <= up_to)
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


# --- benchmark results --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    """Which current published results to list (empty: any)."""

    benchmark: str = ""
    cycle: str = ""
    company: str = ""


@dataclass(frozen=True)
class PublishedRow:
    """A current published result, with where it was published."""

    result: Result
    published: eee.Published


def _current_versions() -> sa.Subquery:
    """The latest published version of each company's disclosure in each cycle."""
    return (
        sa.select(
            Publication.company_id,
            Publication.cycle_id,
            sa.func.max(Publication.version).label("version"),
        )
        .group_by(Publication.company_id, Publication.cycle_id)
        .subquery()
    )


def _results_query(filters: ResultFilters) -> sa.Select:
    latest = _current_versions()
    query = (
        sa.select(PublishedResult)
        .join(Publication, Publication.id == PublishedResult.publication_id)
        .join(
            latest,
            sa.and_(
                Publication.company_id == latest.c.company_id,
                Publication.cycle_id == latest.c.cycle_id,
                Publication.version == latest.c.version,
            ),
        )
        .join(Company, Company.id == Publication.company_id)
        .join(Cycle, Cycle.id == Publication.cycle_id)
        .where(Company.is_public_signatory)
    )
    if filters.benchmark:
        query = query.where(PublishedResult.benchmark == filters.benchmark)
    if filters.cycle:
        query = query.where(Cycle.slug == filters.cycle)
    if filters.company:
        query = query.where(Company.slug == filters.company)
    return query


RESULT_ORDER = (
    Cycle.opens_on.desc(),
    Cycle.slug,
    Company.slug,
    PublishedResult.item_id,
    PublishedResult.position,
)


def count_results(session: Session, filters: ResultFilters) -> int:
    """How many current published results match."""
    query = _results_query(filters).with_only_columns(sa.func.count()).order_by(None)
    return session.scalars(query).one()


def published_results(
    session: Session,
    filters: ResultFilters = ResultFilters(),
    *,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[PublishedRow]:
    """Current published results (the latest version of each disclosure), by cycle (newest
    first), company, item and position: one query whatever their number, read a batch at a
    time. Only the public fields were stored (tracker.ledger): no confidential note."""
    query = (
        _results_query(filters)
        .with_only_columns(
            PublishedResult.result,
            PublishedResult.item_id,
            PublishedResult.position,
            Publication.version,
            Publication.published_at,
            Company.slug,
            Company.name_en,
            Company.name_zh,
            Company.website,
            Cycle.slug,
        )
        .order_by(*RESULT_ORDER)
        .offset(offset)
        .limit(limit)
        .execution_options(yield_per=STREAM_BATCH * 20)
    )
    for (
        data,
        item_id,
        position,
        version,
        published_at,
        company,
        name_en,
        name_zh,
        website,
        cycle,
    ) in session.execute(query):
        public = {k: v for k, v in (data or {}).items() if k not in CONFIDENTIAL_FIELDS}
        yield PublishedRow(
            result=result_from_dict(public),
            published=eee.Published(
                company=company,
                company_name_en=name_en,
                company_name_zh=name_zh,
                cycle=cycle,
                version=version,
                published_at=published_at,
                item=item_id,
                position=position + 1,
                company_website=website or "",
            ),
        )


RESULT_COLUMNS = (
    "cycle",
    "company",
    "company_name_en",
    "company_name_zh",
    "disclosure_version",
    "published_at_utc",
    "item",
    "position",
    *(
        name
        for name in (f.name for f in fields(Result))
        if name not in CONFIDENTIAL_FIELDS and name != "breakdown"
    ),
    "breakdown",
)


def result_rows(session: Session, filters: ResultFilters = ResultFilters()) -> Iterator[tuple]:
    """One CSV row per current published result (those ``filters`` keep); the breakdown as
    JSON."""
    for row in published_results(session, filters):
        data = result_to_dict(row.result, public=True)
        published = row.published
        yield (
            published.cycle,
            published.company,
            published.company_name_en,
            published.company_name_zh,
            published.version,
            published.published_at.isoformat().replace("+00:00", "Z"),
            published.item,
            published.position,
            *("" if data[name] is None else data[name] for name in RESULT_COLUMNS[8:-1]),
            json.dumps(data["breakdown"], ensure_ascii=False) if data["breakdown"] else "",
        )
