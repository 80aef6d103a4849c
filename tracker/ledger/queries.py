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
from sqlalchemy.orm import aliased, joinedload, load_only, object_session, undefer

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain import company_report
from tracker.domain.benchmark_results import Reported
from tracker.domain.checklist import Checklist
from tracker.domain.company_report import CompanyReport
from tracker.domain.languages import Text
from tracker.domain.results import result_from_dict
from tracker.domain.scoring import Scorecard
from tracker.domain.statuses import Status
from tracker.domain.trends import CycleScores, Trend, trend
from tracker.filing.models import Disclosure
from tracker.ledger.models import (
    OVERALL,
    Publication,
    PublicationScore,
    PublishedResult,
    scorecard_of,
)
from tracker.narratives import services as narratives


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
    *,
    stored_scores: bool = False,
) -> CompanyReport:
    """The report context of a published version, from its frozen snapshot alone (and the
    checklist it names); compared with ``earlier``, the company's earlier published cycle, when
    given. ``stored_scores``: take the scores stored at publication (``Publication.scores``,
    loaded with it) rather than score the snapshot again."""
    snapshot = publication.snapshot
    checklist = publication.disclosure.checklist_version.checklist
    report = company_report.build(
        company=snapshot["company"],
        cycle=snapshot["cycle"],
        checklist=checklist,
        scorecard=(
            scorecard_of(publication.scores, [c.id for c in checklist.commitments])
            if stored_scores
            else None
        ),
        answers=company_report.answers_from_snapshot(snapshot),
        publication=company_report.PublicationRecord(
            version=publication.version,
            published_at=publication.published_at,
            snapshot_sha256=publication.snapshot_sha256,
            ledger_sequence=publication.entry.sequence,
            entry_hash=publication.entry.entry_hash,
            superseded_on=superseded_by.published_at if superseded_by else None,
            leaf_hash=publication.entry.leaf_hash,
        ),
    )
    if earlier is None:
        return report
    previous = report_of(earlier)
    # The differences between the two versions' narratives: stored at publication (or by the
    # first view of a version published before they were), then read.
    session = object_session(publication)
    pairs = company_report.narrative_pairs(report, previous)
    diffs = narratives.rendered_diffs_for(session, pairs) if session is not None and pairs else None
    return dataclasses.replace(report, comparison=company_report.compare(report, previous, diffs))


def report_as_published(session: Session, publication: Publication) -> CompanyReport:
    """A published version's report as its PDF shows it, for good: compared with the
    company's earlier cycle as it stood then, with the trend up to its own cycle."""
    report = report_of(publication, earlier=earlier_cycle_version(session, publication))
    return dataclasses.replace(report, trend=trend_as_of(session, publication))


def store_comparison(session: Session, publication: Publication) -> None:
    """Work out and store the year-over-year differences of a new publication's narratives,
    so that its page and PDF only read them."""
    earlier = earlier_cycle_version(session, publication)
    if earlier is not None:
        report_of(publication, earlier=earlier)


def read(
    publication: Publication,
    superseded_by: Publication | None = None,
    earlier: Publication | None = None,
    *,
    stored_scores: bool = False,
) -> PublishedVersion:
    """Turn a stored snapshot into what pages and reports show (``stored_scores``: see
    report_of)."""
    return PublishedVersion(
        publication,
        report_of(publication, superseded_by, earlier, stored_scores=stored_scores),
        superseded_by,
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
    """What reading a publication in full needs, in the same query: its snapshot, company,
    cycle, ledger entry and checklist version (whose own JSON stays unread: parsed checklists
    are kept per process, tracker.checklists.models)."""
    return query.options(
        undefer(Publication.snapshot),
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


def current_query(cycle_id: int) -> sa.Select:
    """The latest published version of each public signatory's disclosure in a cycle (a query
    on Publication joined with Company, to narrow, order or select columns from)."""
    latest = _latest_versions(cycle_id)
    return (
        sa.select(Publication)
        .join(
            latest,
            sa.and_(
                Publication.company_id == latest.c.company_id,
                Publication.version == latest.c.version,
            ),
        )
        .join(Company, Company.id == Publication.company_id)
        .where(Publication.cycle_id == cycle_id, Company.is_public_signatory)
    )


def current_in_cycle(
    session: Session,
    cycle: Cycle,
    company_ids: list[int] | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[PublishedVersion]:
    """The latest published version of each public signatory's disclosure in a cycle, in full
    (snapshot read and scored), by name.

    One query whatever the number of companies; ``company_ids``, or ``offset`` and ``limit``,
    narrow it to a page of them.
    """
    query = current_query(cycle.id).order_by(Company.name_en, Company.id)
    if company_ids is not None:
        query = query.where(Publication.company_id.in_(company_ids))
    # A limit on a query with joined loads would cut rows, not publications: take the page's
    # ids in a subquery.
    if offset or limit is not None:
        page = query.with_only_columns(Publication.id).offset(offset).limit(limit).subquery()
        query = (
            current_query(cycle.id)
            .where(Publication.id.in_(sa.select(page.c.id)))
            .order_by(Company.name_en, Company.id)
        )
    return [read(p) for p in session.scalars(_with_context(query)).unique()]


def count_current(session: Session, cycle: Cycle) -> int:
    """How many public signatories have a published version in the cycle."""
    return session.scalars(
        current_query(cycle.id).with_only_columns(sa.func.count(Publication.id)).order_by(None)
    ).one()


@dataclass(frozen=True)
class ScoredVersion:
    """A published version as lists show it: its record and stored scores, no snapshot."""

    publication: Publication
    scorecard: Scorecard

    @property
    def company(self) -> Company:
        return self.publication.company

    @property
    def version(self) -> int:
        return self.publication.version

    @property
    def published_at(self) -> datetime:
        return self.publication.published_at


def _scored(query: sa.Select) -> sa.Select:
    """Publications with their stored scores and company, and none of their JSON."""
    return query.options(
        load_only(
            Publication.id,
            Publication.company_id,
            Publication.cycle_id,
            Publication.version,
            Publication.published_at,
        ),
        joinedload(Publication.company),
        joinedload(Publication.scores),
    )


def scored_in_cycle(
    session: Session,
    cycle: Cycle,
    company_ids: list[int] | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    newest_first: bool = False,
    sort_by: str | None = None,
    descending: bool = False,
) -> list[ScoredVersion]:
    """The cycle's current published versions with the scores stored at publication, by name
    (or newest first; or, with ``sort_by`` a commitment id or ``OVERALL``, by that score, a
    company without one last, then by name; ``descending`` reverses the score's or the name's
    order). One query; no snapshot is read or scored. ``company_ids``, or ``offset`` and
    ``limit``, narrow it to a page."""
    score = aliased(PublicationScore)
    by_name = (
        (Company.name_en.desc(), Company.id.desc()) if descending else (Company.name_en, Company.id)
    )
    if newest_first:
        order: tuple = (Publication.published_at.desc(), Company.name_en, Company.id)
    elif sort_by is not None:
        percent = score.percent.desc() if descending else score.percent.asc()
        order = (percent.nulls_last(), Company.name_en, Company.id)
    else:
        order = by_name

    def current() -> sa.Select:
        query = current_query(cycle.id)
        if sort_by is not None and not newest_first:
            query = query.outerjoin(
                score,
                sa.and_(score.publication_id == Publication.id, score.commitment_id == sort_by),
            )
        return query

    query = current()
    if company_ids is not None:
        query = query.where(Publication.company_id.in_(company_ids))
    if offset or limit is not None:
        page = (
            query.with_only_columns(Publication.id)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        query = current().where(Publication.id.in_(sa.select(page.c.id)))
    commitment_ids = [c.id for c in cycle.checklist_version.checklist.commitments]
    return [
        ScoredVersion(p, scorecard_of(p.scores, commitment_ids))
        for p in session.scalars(_scored(query.order_by(*order))).unique()
    ]


# Score bands of the home page's summary: (lowest percent, highest percent).
BANDS: tuple[tuple[int, int], ...] = ((0, 24), (25, 49), (50, 74), (75, 100))


@dataclass(frozen=True)
class ScoreSummary:
    """Over a cycle's current published versions, per commitment (``OVERALL``: overall): how
    many companies fall in each score band, how many have no score (every item not
    applicable), and the mean."""

    published: int
    bands: dict[str, list[int]]  # commitment id -> count per BANDS entry
    no_score: dict[str, int]
    mean: dict[str, int | None]


def score_summary(session: Session, cycle: Cycle) -> ScoreSummary:
    """The cycle's scores summarised in the database (one query, a few rows per commitment,
    whatever the number of companies)."""
    current = current_query(cycle.id).with_only_columns(Publication.id).subquery()
    band = sa.case(
        *((PublicationScore.percent <= high, index) for index, (_, high) in enumerate(BANDS)),
        else_=None,
    )
    rows = session.execute(
        sa.select(
            PublicationScore.commitment_id,
            band.label("band"),
            sa.func.count(),
            sa.func.sum(PublicationScore.percent),
        )
        .where(PublicationScore.publication_id.in_(sa.select(current.c.id)))
        .group_by(PublicationScore.commitment_id, band)
    ).all()
    ids = [OVERALL, *(c.id for c in cycle.checklist_version.checklist.commitments)]
    bands = {cid: [0] * len(BANDS) for cid in ids}
    no_score = dict.fromkeys(ids, 0)
    totals = dict.fromkeys(ids, 0)
    published = 0
    for commitment_id, index, count, total in rows:
        if commitment_id not in bands:
            continue
        if index is None:
            no_score[commitment_id] += count
        else:
            bands[commitment_id][index] += count
            totals[commitment_id] += total or 0
        if commitment_id == OVERALL:
            published += count
    mean = {
        cid: (round(totals[cid] / (sum(bands[cid]) or 1)) if sum(bands[cid]) else None)
        for cid in ids
    }
    return ScoreSummary(published=published, bands=bands, no_score=no_score, mean=mean)


@dataclass(frozen=True)
class Summarised:
    """A current published version as the cycle's matrix aggregates it: the company's slug and
    the per-item statuses and structured answers stored at publication."""

    company_slug: str
    statuses: dict[str, Status | None]
    structured: dict[str, dict]


def summaries_in_cycle(session: Session, cycle: Cycle) -> list[Summarised]:
    """Every current published version's stored summary, by name: one query that reads a few kB
    per company and no snapshot."""
    rows = session.execute(
        current_query(cycle.id)
        .with_only_columns(Company.slug, Publication.summary)
        .order_by(Company.name_en, Company.id)
    )
    return [
        Summarised(
            slug,
            {item: Status(status) if status else None for item, status in s["statuses"].items()},
            s["structured"],
        )
        for slug, s in rows
    ]


def company_history(session: Session, company: Company) -> list[list[Publication]]:
    """Every publication of a company, grouped per cycle (newest cycle first), newest version
    first within a cycle, with their stored scores. One query; a snapshot is read when a
    version is (one query more)."""
    publications = session.scalars(
        sa.select(Publication)
        .join(Cycle, Cycle.id == Publication.cycle_id)
        .where(Publication.company_id == company.id)
        .order_by(Cycle.opens_on.desc(), Cycle.id.desc(), Publication.version.desc())
        .options(
            # Records, stored scores and what reading one needs; snapshots only when read.
            joinedload(Publication.company),
            joinedload(Publication.cycle),
            joinedload(Publication.entry),
            joinedload(Publication.scores),
            joinedload(Publication.disclosure).joinedload(Disclosure.checklist_version),
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


def results_in_cycle(
    session: Session, cycle: Cycle, benchmark_id: str | None = None
) -> list[Reported]:
    """The benchmark results of the cycle's current published versions (of ``benchmark_id``
    only, when given), by company name, then as filed: one query, no snapshot read."""
    current = current_query(cycle.id).with_only_columns(Publication.id).subquery()
    query = (
        sa.select(PublishedResult.result, Company.slug, Company.name_en, Company.name_zh)
        .join(Publication, Publication.id == PublishedResult.publication_id)
        .join(Company, Company.id == Publication.company_id)
        .where(PublishedResult.publication_id.in_(sa.select(current.c.id)))
        .order_by(Company.name_en, Company.id, PublishedResult.item_id, PublishedResult.position)
    )
    if benchmark_id is not None:
        query = query.where(PublishedResult.benchmark == benchmark_id)
    return [
        Reported(slug, Text(en=name_en, zh=name_zh), result_from_dict(data))
        for data, slug, name_en, name_zh in session.execute(query)
    ]


def published_cycles(session: Session) -> list[Cycle]:
    """The cycles in which a public signatory has published, the latest opening first."""
    published = (
        sa.select(Publication.cycle_id)
        .join(Company, Company.id == Publication.company_id)
        .where(Company.is_public_signatory)
    )
    return list(
        session.scalars(
            sa.select(Cycle)
            .where(Cycle.id.in_(published))
            .order_by(Cycle.opens_on.desc(), Cycle.id.desc())
        )
    )


def named_in_cycle(session: Session, cycle: Cycle) -> list[tuple[str, Text, dict[str, dict]]]:
    """Every current published version's company (slug, name) and stored structured answers, by
    name: one query, no snapshot."""
    rows = session.execute(
        current_query(cycle.id)
        .with_only_columns(Company.slug, Company.name_en, Company.name_zh, Publication.summary)
        .order_by(Company.name_en, Company.id)
    )
    return [
        (slug, Text(en=name_en, zh=name_zh), (summary or {}).get("structured") or {})
        for slug, name_en, name_zh, summary in rows
    ]


def _cycle_scores(publication: Publication) -> CycleScores:
    checklist = publication.disclosure.checklist_version.checklist
    cycle = publication.cycle
    return CycleScores(
        slug=cycle.slug,
        name=Text(en=cycle.name_en, zh=cycle.name_zh),
        version=publication.version,
        checklist=checklist,
        scorecard=scorecard_of(publication.scores, [c.id for c in checklist.commitments]),
    )


def trend_of(history: list[list[Publication]]) -> Trend:
    """The company's scores across cycles from its history (company_history): each cycle's
    current version, oldest cycle first. No query: the stored scores came with the history."""
    return trend([_cycle_scores(group[0]) for group in reversed(history)])


def trend_as_of(session: Session, publication: Publication) -> Trend:
    """The trend a published version's report shows: the cycles up to its own, each with the
    latest version published by then (its own for its cycle), so that it never changes."""
    points = []
    for group in reversed(company_history(session, publication.company)):
        cycle = group[0].cycle
        if cycle.id == publication.cycle_id:
            points.append(_cycle_scores(publication))
            break
        if cycle.opens_on >= publication.cycle.opens_on:
            continue
        then = next((p for p in group if p.published_at <= publication.published_at), None)
        if then is not None:
            points.append(_cycle_scores(then))
    return trend(points)


def current_versions(
    session: Session, cycle: Cycle, company_ids: list[int]
) -> list[PublishedVersion]:
    """The latest published versions of these companies in a cycle, in full, with the scores
    stored at publication (comparisons): one query whatever their number."""
    query = current_query(cycle.id).where(Publication.company_id.in_(company_ids))
    return [
        read(p, stored_scores=True)
        for p in session.scalars(
            _with_context(query).options(joinedload(Publication.scores))
        ).unique()
    ]


def latest_in_cycles(
    session: Session, company: Company, cycle_ids: list[int]
) -> list[PublishedVersion]:
    """A company's latest published version in each of these cycles, in full, with the scores
    stored at publication (a company across cycles): one query whatever their number."""
    latest = (
        sa.select(Publication.cycle_id, sa.func.max(Publication.version).label("version"))
        .where(Publication.company_id == company.id, Publication.cycle_id.in_(cycle_ids))
        .group_by(Publication.cycle_id)
        .subquery()
    )
    query = sa.select(Publication).join(
        latest,
        sa.and_(
            Publication.cycle_id == latest.c.cycle_id,
            Publication.version == latest.c.version,
        ),
    )
    query = query.where(Publication.company_id == company.id)
    return [
        read(p, stored_scores=True)
        for p in session.scalars(
            _with_context(query).options(joinedload(Publication.scores))
        ).unique()
    ]
