"""Published reports: rendered once, stored by content hash (tracker.storage), served from there."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tracker.benchmarks.registry import current_registry
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session, utcnow
from tracker.domain import company_report
from tracker.domain.company_report import CompanyReport
from tracker.domain.cycle_report import CycleReport, LedgerHead, build_cycle_report
from tracker.domain.languages import CODES, Text
from tracker.domain.ledger import EntryKind
from tracker.domain.refusals import Refusal
from tracker.domain.text_language import narrative_language
from tracker.filing.models import Disclosure
from tracker.ledger.models import LedgerEntry, Publication
from tracker.ledger.queries import current_in_cycle, report_as_published
from tracker.ledger.services import append_report
from tracker.reports.models import StoredCycleReport, StoredReport
from tracker.reports.rendering import company_report_pdf, cycle_report_pdf
from tracker.storage.base import BlobNotFound, BlobStore, chunks_of, new_digest
from tracker.storage.local import report_layout


class ReportNotReady(Refusal):
    """The aggregate report of a cycle is still being built (messages: reports.messages)."""

    code = "reports.not_ready"
    status = 503
    RETRY_AFTER = 30  # seconds; the page that says so refreshes itself after as long
    headers = MappingProxyType({"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})


class CompanyReportNotReady(ReportNotReady):
    """A published version's PDF is still being rendered by the background job."""

    code = "reports.company_not_ready"


def report_path(directory: Path, sha256: str) -> Path:
    """Where the local store keeps a report (tracker.storage.local's report layout)."""
    return report_layout(Path(directory), sha256)


def _store(store: BlobStore, pdf: bytes) -> str:
    """Keep the PDF under its hash (atomically, in the app's store: tracker.storage)."""
    return store.put(pdf).sha256


def stored_report(session: Session, publication: Publication, language: str) -> StoredReport | None:
    """The current stored report of a published version in a language: its latest generation
    (a later one is made only when an earlier one's file was gone or damaged)."""
    return session.scalar(
        sa.select(StoredReport)
        .filter_by(publication_id=publication.id, language=language)
        .order_by(StoredReport.generation.desc())
        .limit(1)
    )


def render_published(
    session: Session,
    publication: Publication,
    language: str,
    store: BlobStore,
    now: datetime | None = None,
) -> StoredReport:
    """The stored report of a published version in a language, rendering it the first time.

    The PDF that is stored is recorded in the ledger in the same transaction: a report entry
    (its SHA-256, naming the publication's entry) and the log's new checkpoint, at ``now``
    (default: the current time).

    Two requests rendering the same report at once each write their file (the same bytes as a
    rule: rendering writes no creation time; if the renderer changed between them, two files);
    the unique constraint keeps one row, the other request takes it, and a file of its own is
    simply never served (nor recorded: its report entry goes with the row it could not add).
    """
    if language not in CODES:
        raise ValueError(language)
    existing = stored_report(session, publication, language)
    if existing is not None:
        return existing
    # The report of the version as published (compared with the company's earlier cycle as it
    # stood then): it does not change when a correction comes.
    pdf = company_report_pdf(report_as_published(session, publication), language)
    sha256 = _store(store, pdf.data)
    row = StoredReport(
        publication=publication,
        language=language,
        sha256=sha256,
        size=len(pdf.data),
        pages=pdf.pages,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()  # the unique constraint first: the loser of a race appends nothing
            append_report(session, publication, language, sha256, now or utcnow())
    except IntegrityError:
        winner = stored_report(session, publication, language)
        if winner is None:  # not the race for this report: some other constraint failed
            raise
        return winner
    return row


def record_stored_reports(session: Session, now: datetime) -> int:
    """Report entries for the PDFs stored before the ledger recorded them (before migration
    0017), in the order they were stored; how many were appended. Flushes."""
    recorded = set(
        session.execute(
            sa.select(LedgerEntry.renders, LedgerEntry.language).where(
                LedgerEntry.kind == EntryKind.REPORT
            )
        ).all()
    )
    rows = session.execute(
        sa.select(StoredReport, LedgerEntry.sequence)
        .join(LedgerEntry, LedgerEntry.publication_id == StoredReport.publication_id)
        .order_by(StoredReport.id)
    ).all()
    appended = 0
    for stored, sequence in rows:
        if (sequence, stored.language) not in recorded:
            append_report(session, stored.publication, stored.language, stored.sha256, now)
            appended += 1
    return appended


def render_all(session: Session, publication: Publication, store: BlobStore) -> list[StoredReport]:
    """Both languages' reports of a newly published version."""
    return [render_published(session, publication, language, store) for language in CODES]


def draft_report(disclosure: Disclosure) -> CompanyReport:
    """The report of a disclosure's current answers, not published (officers and staff only)."""
    company, cycle = disclosure.company, disclosure.cycle
    answers = {
        r.item_id: company_report.ReportAnswer(
            status=r.status,
            not_applicable_reason=r.not_applicable_reason or "",
            narrative=r.narrative or "",
            evidence_links=list(r.evidence_links or []),
            structured=dict(r.structured or {}),
            narrative_language=narrative_language(r.narrative, r.narrative_language),
            narrative_translation=r.narrative_translation or "",
        )
        for r in disclosure.responses
    }
    return company_report.build(
        company={"slug": company.slug, "name_en": company.name_en, "name_zh": company.name_zh},
        cycle={"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        checklist=disclosure.checklist_version.checklist,
        answers=answers,
        publication=None,
    )


# --- the aggregate report of a cycle -------------------------------------------------------------


def cycle_head(session: Session, cycle: Cycle) -> LedgerEntry | None:
    """The cycle's latest publication entry: what its aggregate report is built from (a
    report entry, which records a PDF, changes nothing the aggregate shows)."""
    return session.scalar(
        sa.select(LedgerEntry)
        .filter_by(cycle_slug=cycle.slug)
        .where(LedgerEntry.kind != EntryKind.REPORT)
        .order_by(LedgerEntry.sequence.desc())
        .limit(1)
    )


def invited_count(session: Session, cycle: Cycle) -> int:
    """How many disclosures the cycle has (published or not)."""
    return session.scalars(
        sa.select(sa.func.count()).select_from(Disclosure).where(Disclosure.cycle_id == cycle.id)
    ).one()


def invited_names(session: Session, cycle: Cycle) -> list[tuple[str, Text]]:
    """(slug, name) of every company with a disclosure in the cycle, by English name."""
    rows = session.execute(
        sa.select(Company.slug, Company.name_en, Company.name_zh)
        .join(Disclosure, Disclosure.company_id == Company.id)
        .where(Disclosure.cycle_id == cycle.id)
        .order_by(Company.name_en)
    )
    return [(slug, Text(en=en, zh=zh)) for slug, en, zh in rows]


def cycle_report(session: Session, cycle: Cycle) -> CycleReport:
    """The aggregate report context of a cycle, from its published versions."""
    head = cycle_head(session, cycle)
    companies = [p.report for p in current_in_cycle(session, cycle)]
    published = {r.company_slug for r in companies}
    invited = invited_names(session, cycle)
    return build_cycle_report(
        cycle={"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        checklist=cycle.checklist_version.checklist,
        companies=companies,
        invited=len(invited),
        ledger_head=LedgerHead(head.sequence, head.entry_hash) if head else None,
        registry=current_registry().benchmarks,
        not_published=[name for slug, name in invited if slug not in published],
    )


def stored_cycle_report(session: Session, cycle: Cycle, language: str) -> StoredCycleReport | None:
    """The stored aggregate for the cycle's current ledger head, if it was built already."""
    head = cycle_head(session, cycle)
    return session.scalar(
        sa.select(StoredCycleReport)
        .filter_by(
            cycle_id=cycle.id, ledger_sequence=head.sequence if head else 0, language=language
        )
        .order_by(StoredCycleReport.generation.desc())
        .limit(1)
    )


def render_cycle(
    session: Session, cycle: Cycle, language: str, store: BlobStore
) -> StoredCycleReport:
    """Build and store the cycle's aggregate for its current ledger head (once)."""
    existing = stored_cycle_report(session, cycle, language)
    if existing is not None:
        return existing
    report = cycle_report(session, cycle)
    pdf = cycle_report_pdf(report, language)
    row = StoredCycleReport(
        cycle_id=cycle.id,
        language=language,
        ledger_sequence=report.ledger_head.sequence if report.ledger_head else 0,
        sha256=_store(store, pdf.data),
        size=len(pdf.data),
        pages=pdf.pages,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = stored_cycle_report(session, cycle, language)
        if winner is None:  # not the race for this report: some other constraint failed
            raise
        return winner
    return row


# --- rebuilding stored reports whose files are gone or damaged ------------------------------


@dataclass(frozen=True)
class Unsound:
    """A current stored report whose file is ``why`` ("missing" or "damaged": its bytes no
    longer hash to the row's SHA-256); ``name`` says which report it is, for operators."""

    row: StoredReport | StoredCycleReport
    why: str
    name: str


@dataclass(frozen=True)
class Rebuilt:
    """What rebuilding did: ``restored`` the same bytes under the same hash (the rendering came
    out identical), or stored a ``new`` row (of the next generation; a company report's new
    PDF is recorded in the ledger)."""

    unsound: Unsound
    outcome: str  # "restored" or "new"
    row: StoredReport | StoredCycleReport


def blob_problem(store: BlobStore, sha256: str) -> str | None:
    """ "missing" when the store has no blob of this hash, "damaged" when its bytes hash to
    another, None when it is sound (read in chunks, never whole)."""
    try:
        source = store.open(sha256)
    except BlobNotFound:
        return "missing"
    digest = new_digest()
    try:
        with source:
            for chunk in chunks_of(source):
                digest.update(chunk)
    except OSError:  # a chunk gone from under the blob's row
        return "damaged"
    return None if digest.hexdigest() == sha256 else "damaged"


def _current(rows, key) -> list:
    """The row of the highest generation per ``key(row)``, in the order first seen."""
    current: dict = {}
    for row in rows:
        k = key(row)
        if k not in current or row.generation > current[k].generation:
            current[k] = row
    return list(current.values())


def unsound_reports(
    session: Session, store: BlobStore, cycle: Cycle | None = None
) -> list[Unsound]:
    """Every current stored report (of ``cycle``, or of all) whose file is missing or damaged:
    each published version's report per language, and each cycle's aggregate for its current
    ledger head (an aggregate of an earlier head is served nowhere, and could not be built
    again as it was). Reads every stored file."""
    query = (
        sa.select(StoredReport)
        .join(Publication, Publication.id == StoredReport.publication_id)
        .options(joinedload(StoredReport.publication))
        .order_by(StoredReport.id)
    )
    if cycle is not None:
        query = query.where(Publication.cycle_id == cycle.id)
    found = []
    for row in _current(session.scalars(query), lambda r: (r.publication_id, r.language)):
        why = blob_problem(store, row.sha256)
        if why:
            publication = row.publication
            name = (
                f"{publication.company.slug}-{publication.cycle.slug}-v{publication.version}-"
                f"{row.language}.pdf"
            )
            found.append(Unsound(row, why, name))
    cycles = (
        [cycle]
        if cycle is not None
        else list(session.scalars(sa.select(Cycle).order_by(Cycle.slug)))
    )
    for each in cycles:
        for language in CODES:
            aggregate = stored_cycle_report(session, each, language)
            if aggregate is None:
                continue
            why = blob_problem(store, aggregate.sha256)
            if why:
                name = f"{each.slug}-aggregate-{aggregate.ledger_sequence}-{language}.pdf"
                found.append(Unsound(aggregate, why, name))
    return found


def _restore(store: BlobStore, sha256: str, data: bytes) -> None:
    """Put the bytes back under their hash: whatever is kept under it (damaged) goes first,
    since a store keeps the first bytes it was given for a hash."""
    store.delete(sha256)
    store.put(data)


def rebuild_report(session: Session, store: BlobStore, unsound: Unsound, now: datetime) -> Rebuilt:
    """Render the report again. The same bytes (a deterministic rendering) are restored under
    their hash and nothing else changes; other bytes are stored as a new row of the next
    generation with the reason (the old row stays), a company report's recorded in the ledger
    in the same transaction. Flushes; the caller commits. IntegrityError when another rebuild
    of the same report stored its row first."""
    row = unsound.row
    if isinstance(row, StoredReport):
        publication = row.publication
        pdf = company_report_pdf(report_as_published(session, publication), row.language)
    else:
        cycle = session.get(Cycle, row.cycle_id)
        assert cycle is not None  # the row's foreign key
        report = cycle_report(session, cycle)
        sequence = report.ledger_head.sequence if report.ledger_head else 0
        if sequence != row.ledger_sequence:  # a publication came meanwhile: a new aggregate
            raise ValueError(f"the cycle {cycle.slug} moved past ledger entry {sequence}")
        pdf = cycle_report_pdf(report, row.language)
    sha256 = hashlib.sha256(pdf.data).hexdigest()
    if sha256 == row.sha256:
        _restore(store, sha256, pdf.data)
        return Rebuilt(unsound, "restored", row)
    _store(store, pdf.data)
    new: StoredReport | StoredCycleReport
    if isinstance(row, StoredReport):
        new = StoredReport(
            publication=row.publication,
            language=row.language,
            sha256=sha256,
            size=len(pdf.data),
            pages=pdf.pages,
            generation=row.generation + 1,
            rebuilt_because=unsound.why,
        )
    else:
        new = StoredCycleReport(
            cycle_id=row.cycle_id,
            ledger_sequence=row.ledger_sequence,
            language=row.language,
            sha256=sha256,
            size=len(pdf.data),
            pages=pdf.pages,
            generation=row.generation + 1,
            rebuilt_because=unsound.why,
        )
    with session.begin_nested():
        session.add(new)
        session.flush()  # the unique constraint first: the loser of a race appends nothing
        if isinstance(new, StoredReport):
            append_report(session, new.publication, new.language, sha256, now)
    return Rebuilt(unsound, "new", new)
