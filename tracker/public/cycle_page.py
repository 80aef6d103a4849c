"""What the public page of a cycle reads, and how its tables sort and filter.

Everything comes from what was stored at publication (scores, per-item statuses and structured
answers in ``Publication.summary``, benchmark results), never from snapshots read again: the page
runs the same few queries for 22 companies as for 2,200 (tests/public/test_query_counts.py).
The adoption of every item is ``tracker.domain.cycle_report.adoption`` over the stored statuses,
the same function and the same numbers as the aggregate report
(``tracker.reports.services.cycle_report``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.checklist import Checklist
from tracker.domain.cycle_report import ItemAdoption
from tracker.domain.languages import Text
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.ledger.models import OVERALL, Publication, PublicationScore
from tracker.ledger.queries import current_query
from tracker.public.services import CycleProgress
from tracker.sorting import ASCENDING, DESCENDING, arg_choice

# --- the cycles --------------------------------------------------------------------------------


def cycle_by_slug(session: Session, slug: str) -> Cycle | None:
    return session.scalar(sa.select(Cycle).filter_by(slug=slug))


@dataclass(frozen=True)
class ListedCycle:
    """A cycle as the list of every cycle shows it, with how many public signatories have
    published in it."""

    cycle: Cycle
    published: int


def every_cycle(session: Session) -> list[ListedCycle]:
    """Every cycle, the latest opening first, with its published count: one query."""
    published = (
        sa.select(
            Publication.cycle_id, sa.func.count(sa.distinct(Publication.company_id)).label("n")
        )
        .join(Company, Company.id == Publication.company_id)
        .where(Company.is_public_signatory)
        .group_by(Publication.cycle_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Cycle, sa.func.coalesce(published.c.n, 0))
        .outerjoin(published, published.c.cycle_id == Cycle.id)
        .order_by(Cycle.opens_on.desc(), Cycle.id.desc())
    )
    return [ListedCycle(cycle, count) for cycle, count in rows]


# --- who was invited, who published ------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """A public signatory invited to the cycle, and where its disclosure stands (published once
    a version was published, even while a correction is under way)."""

    slug: str
    names: Text
    state: DisclosureState

    @property
    def published(self) -> bool:
        return self.state is DisclosureState.PUBLISHED


@dataclass(frozen=True)
class Roster:
    """The cycle's disclosures: counted over every one (as the home page and the aggregate
    report count them), named for the public signatories only."""

    progress: CycleProgress
    named: list[RosterEntry]  # by English name

    @property
    def published(self) -> list[RosterEntry]:
        return [e for e in self.named if e.published]

    def not_published(self) -> list[tuple[DisclosureState, list[RosterEntry]]]:
        """The named companies that have not published, grouped by state in workflow order
        (the states nobody is in left out)."""
        groups: dict[DisclosureState, list[RosterEntry]] = {}
        for entry in self.named:
            if not entry.published:
                groups.setdefault(entry.state, []).append(entry)
        return [(state, groups[state]) for state in DisclosureState if state in groups]

    @property
    def unnamed(self) -> int:
        """Disclosures of companies not (or no longer) on the public roster: counted, not named."""
        return self.progress.total - len(self.named)


def roster(session: Session, cycle: Cycle) -> Roster:
    """Every disclosure of the cycle with its company and whether it has a published version:
    one query."""
    published = sa.select(Publication.disclosure_id).distinct().subquery()
    rows = session.execute(
        sa.select(
            Disclosure.state,
            published.c.disclosure_id,
            Company.slug,
            Company.name_en,
            Company.name_zh,
            Company.is_public_signatory,
        )
        .join(Company, Company.id == Disclosure.company_id)
        .outerjoin(published, published.c.disclosure_id == Disclosure.id)
        .where(Disclosure.cycle_id == cycle.id)
        .order_by(Company.name_en, Company.id)
    ).all()
    counts: Counter = Counter()
    named = []
    for state, has_publication, slug, name_en, name_zh, public in rows:
        shown = DisclosureState.PUBLISHED if has_publication is not None else state
        counts[shown] += 1
        if public:
            named.append(RosterEntry(slug, Text(en=name_en, zh=name_zh), shown))
    return Roster(CycleProgress(dict(counts)), named)


# --- what the published versions say ------------------------------------------------------------


@dataclass(frozen=True)
class PublishedSummary:
    """A current published version as the cycle's tables aggregate it: the company, its
    per-item statuses and structured answers and its overall score, stored at publication."""

    slug: str
    names: Text
    statuses: dict[str, Status | None]
    structured: dict[str, dict]
    overall: int | None


def published_summaries(session: Session, cycle: Cycle) -> list[PublishedSummary]:
    """Every current published version's stored summary and overall score, by name: one query
    reading a few kB per company and no snapshot."""
    overall = aliased(PublicationScore)
    rows = session.execute(
        current_query(cycle.id)
        .outerjoin(
            overall,
            sa.and_(overall.publication_id == Publication.id, overall.commitment_id == OVERALL),
        )
        .with_only_columns(
            Company.slug, Company.name_en, Company.name_zh, Publication.summary, overall.percent
        )
        .order_by(Company.name_en, Company.id)
    )
    return [
        PublishedSummary(
            slug,
            Text(en=name_en, zh=name_zh),
            {
                item: Status(status) if status else None
                for item, status in (summary or {}).get("statuses", {}).items()
            },
            (summary or {}).get("structured") or {},
            percent,
        )
        for slug, name_en, name_zh, summary, percent in rows
    ]


def median_overall(summaries: Sequence[PublishedSummary]) -> int | None:
    """The median overall score (as the aggregate report rounds it), None when nobody has one."""
    scores = [s.overall for s in summaries if s.overall is not None]
    return round(statistics.median(scores)) if scores else None


# --- sorting and filtering ----------------------------------------------------------------------


def heatmap_columns(checklist: Checklist) -> dict[str, str]:
    """The heatmap's sortable columns and the order a first click sorts each in: the company's
    name A to Z, a score highest first."""
    return {
        "name": ASCENDING,
        **dict.fromkeys((c.id for c in checklist.commitments), DESCENDING),
        "overall": DESCENDING,
    }


def heatmap_score_key(column: str) -> str | None:
    """The stored score a heatmap column sorts by (None: the company's name)."""
    if column == "name":
        return None
    return OVERALL if column == "overall" else column


def sort_heatmap(rows: list, column: str, descending: bool) -> list:
    """Heatmap rows (anything with ``company`` and ``scorecard``) sorted in memory as the
    database sorts them (tracker.ledger.queries.scored_in_cycle): a score with the companies
    without one last, ties by name; or by name."""

    def name(row) -> str:
        return row.company.name_en

    key = heatmap_score_key(column)
    if key is None:
        return sorted(rows, key=lambda r: (name(r), r.company.id), reverse=descending)

    def percent(row) -> int | None:
        score = row.scorecard.overall if key == OVERALL else row.scorecard.by_commitment[key]
        return score.percent

    scored = [r for r in rows if percent(r) is not None]
    unscored = [r for r in rows if percent(r) is None]
    sign = -1 if descending else 1
    scored.sort(key=lambda r: (sign * (percent(r) or 0), name(r), r.company.id))
    unscored.sort(key=lambda r: (name(r), r.company.id))
    return scored + unscored


# The adoption table's sortable columns, and the order a first click sorts each in.
ADOPTION_COLUMNS = {
    "item": ASCENDING,  # the checklist's order
    "met": DESCENDING,
    "partially_met": DESCENDING,
    "not_met": DESCENDING,
    "not_applicable": DESCENDING,
    "not_disclosed": DESCENDING,
    "rate": DESCENDING,
}


def not_disclosed(adoption: ItemAdoption) -> int:
    """Companies that answered "not disclosed", or left the item unanswered."""
    return adoption.counts[Status.NOT_DISCLOSED] + adoption.counts[None]


def adoption_value(adoption: ItemAdoption, column: str) -> int | None:
    """What an adoption column shows for an item (None: no rate, as the item applies to none)."""
    if column == "rate":
        return adoption.rate
    if column == "not_disclosed":
        return not_disclosed(adoption)
    return adoption.counts[Status(column)]


def sort_adoption(
    rows: list[ItemAdoption], column: str, descending: bool, commitment: str | None = None
) -> list[ItemAdoption]:
    """The adoption rows of one commitment (all with None), sorted by a column: the checklist's
    order for ``item``; else the count or rate, items without a rate last, ties in the
    checklist's order."""
    shown = [a for a in rows if commitment is None or a.item.commitment_id == commitment]
    if column == "item":
        return list(reversed(shown)) if descending else shown
    position = {id(a): n for n, a in enumerate(shown)}
    values = {id(a): adoption_value(a, column) for a in shown}
    valued = [a for a in shown if values[id(a)] is not None]
    valueless = [a for a in shown if values[id(a)] is None]
    sign = -1 if descending else 1
    valued.sort(key=lambda a: (sign * (values[id(a)] or 0), position[id(a)]))
    return valued + valueless


def arg_commitment(checklist: Checklist) -> str | None:
    """The adoption table's ``commitment`` filter: one of the checklist's commitment ids, or
    None (every commitment); BadChoice (400) for anything else."""
    return arg_choice("commitment", [c.id for c in checklist.commitments])
