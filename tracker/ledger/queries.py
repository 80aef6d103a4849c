"""What the public reads: published versions, straight from their frozen snapshots.

Public pages never read live answers. A company correcting a published disclosure edits a draft
that nobody outside sees; the public keeps reading the latest published snapshot until the
correction is itself published.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain import company_report
from tracker.domain.checklist import Checklist
from tracker.domain.company_report import CompanyReport
from tracker.domain.scoring import Scorecard
from tracker.filing.models import Disclosure
from tracker.ledger.models import Publication


@dataclass(frozen=True)
class PublishedVersion:
    """A publication read back as its report, and whether a later version replaced it."""

    publication: Publication
    report: CompanyReport
    superseded_by: Publication | None = None

    @property
    def company(self) -> Company:
        return self.publication.company

    @property
    def cycle(self) -> Cycle:
        return self.publication.cycle

    @property
    def checklist(self) -> Checklist:
        return self.report.checklist

    @property
    def items(self) -> dict[str, company_report.ReportAnswer]:
        return self.report.answers

    @property
    def scorecard(self) -> Scorecard:
        return self.report.scorecard

    @property
    def version(self) -> int:
        return self.publication.version

    @property
    def published_at(self) -> datetime:
        return self.publication.published_at

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by is not None


def report_of(
    publication: Publication,
    superseded_by: Publication | None = None,
    earlier: Publication | None = None,
) -> CompanyReport:
    """The report context of a published version, from its frozen snapshot alone (and the
    checklist it names); compared with ``earlier``, the company's earlier published cycle, when
    given."""
    snapshot = publication.snapshot
    report = company_report.build(
        company=snapshot["company"],
        cycle=snapshot["cycle"],
        checklist=publication.disclosure.checklist_version.checklist,
        answers=company_report.answers_from_snapshot(snapshot),
        publication=company_report.PublicationRecord(
            version=publication.version,
            published_at=publication.published_at,
            snapshot_sha256=publication.snapshot_sha256,
            ledger_sequence=publication.entry.sequence,
            entry_hash=publication.entry.entry_hash,
            superseded_on=superseded_by.published_at if superseded_by else None,
        ),
    )
    if earlier is None:
        return report
    return dataclasses.replace(
        report, comparison=company_report.compare(report, report_of(earlier))
    )


def read(
    publication: Publication,
    superseded_by: Publication | None = None,
    earlier: Publication | None = None,
) -> PublishedVersion:
    """Turn a stored snapshot into what pages and reports show."""
    return PublishedVersion(
        publication, report_of(publication, superseded_by, earlier), superseded_by
    )


def earlier_cycle_version(session: Session, publication: Publication) -> Publication | None:
    """The latest version the company published in the latest cycle before this one, as it
    stood when ``publication`` was published (for year-over-year comparisons)."""
    this_cycle = publication.cycle
    return session.scalar(
        _with_context(
            sa.select(Publication)
            .join(Cycle, Cycle.id == Publication.cycle_id)
            .where(
                Publication.company_id == publication.company_id,
                Cycle.opens_on < this_cycle.opens_on,
                Publication.published_at <= publication.published_at,
            )
            .order_by(Cycle.opens_on.desc(), Publication.version.desc())
            .limit(1)
        )
    )


def _with_context(query: sa.Select) -> sa.Select:
    return query.options(
        joinedload(Publication.company),
        joinedload(Publication.cycle),
        joinedload(Publication.entry),
        joinedload(Publication.disclosure).joinedload(Disclosure.checklist_version),
    )


def _latest_versions(cycle_id: int) -> sa.Subquery:
    return (
        sa.select(Publication.company_id, sa.func.max(Publication.version).label("version"))
        .where(Publication.cycle_id == cycle_id)
        .group_by(Publication.company_id)
        .subquery()
    )


def current_in_cycle(
    session: Session, cycle: Cycle, company_ids: list[int] | None = None
) -> list[PublishedVersion]:
    """The latest published version of each public signatory's disclosure in a cycle, by name.

    One query whatever the number of companies; ``company_ids`` narrows it to a page of them.
    """
    latest = _latest_versions(cycle.id)
    query = (
        sa.select(Publication)
        .join(
            latest,
            sa.and_(
                Publication.company_id == latest.c.company_id,
                Publication.version == latest.c.version,
            ),
        )
        .join(Company, Company.id == Publication.company_id)
        .where(Publication.cycle_id == cycle.id, Company.is_public_signatory)
        .order_by(Company.name_en)
    )
    if company_ids is not None:
        query = query.where(Publication.company_id.in_(company_ids))
    return [read(p) for p in session.scalars(_with_context(query)).unique()]


def company_history(session: Session, company: Company) -> list[list[Publication]]:
    """Every publication of a company, grouped per cycle (newest cycle first), newest version
    first within a cycle. One query."""
    publications = session.scalars(
        _with_context(
            sa.select(Publication)
            .join(Cycle, Cycle.id == Publication.cycle_id)
            .where(Publication.company_id == company.id)
            .order_by(Cycle.opens_on.desc(), Cycle.id.desc(), Publication.version.desc())
        )
    ).unique()
    groups: list[list[Publication]] = []
    for publication in publications:
        if groups and groups[-1][0].cycle_id == publication.cycle_id:
            groups[-1].append(publication)
        else:
            groups.append([publication])
    return groups


def superseding(versions: list[Publication], publication: Publication) -> Publication | None:
    """The version that replaced ``publication``, from its cycle's versions (newest first)."""
    return next((p for p in versions if p.supersedes_id == publication.id), None)


def versions_of(session: Session, disclosure: Disclosure) -> list[Publication]:
    """A disclosure's published versions, newest first, with their ledger entries."""
    return list(
        session.scalars(
            sa.select(Publication)
            .where(Publication.disclosure_id == disclosure.id)
            .options(joinedload(Publication.entry))
            .order_by(Publication.version.desc())
        )
    )


def find_publication(
    session: Session, company: Company, cycle_slug: str | None, version: int | None
) -> Publication | None:
    """A company's published version: the named one, else the latest of the named cycle, else
    the latest of its newest cycle."""
    query = (
        sa.select(Publication)
        .join(Cycle, Cycle.id == Publication.cycle_id)
        .where(Publication.company_id == company.id)
        .order_by(Cycle.opens_on.desc(), Publication.version.desc())
    )
    if cycle_slug:
        query = query.where(Cycle.slug == cycle_slug)
    if version is not None:
        query = query.where(Publication.version == version)
    return session.scalar(query.limit(1))
