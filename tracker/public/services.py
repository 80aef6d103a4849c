"""Queries behind the public home page: the current cycle, its progress, the signatories.

What companies published is read from their snapshots (tracker.ledger.queries).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.checklist import Checklist
from tracker.domain.workflow import HANDED_IN, DisclosureState
from tracker.filing.models import Disclosure
from tracker.ledger.models import Publication


def current_cycle(session: Session, today: date) -> Cycle | None:
    """The cycle companies are filing in or last filed in: of the cycles an administrator has
    opened, the one opening latest on or before today; else the latest opened one; else the
    next planned cycle (so a cycle created ahead never hides the one under way)."""
    opened = sa.select(Cycle).where(Cycle.opened_at.is_not(None))
    return (
        session.scalar(
            opened.where(Cycle.opens_on <= today).order_by(Cycle.opens_on.desc()).limit(1)
        )
        or session.scalar(opened.order_by(Cycle.opens_on.desc()).limit(1))
        or session.scalar(sa.select(Cycle).order_by(Cycle.opens_on).limit(1))
    )


def current_of(cycles: list[Cycle], today: date) -> Cycle | None:
    """current_cycle's choice among ``cycles`` already loaded (latest opening first, as
    tracker.public.cycle_page.every_cycle lists them), with no query."""
    opened = [c for c in cycles if c.opened_at is not None]
    started = [c for c in opened if c.opens_on <= today]
    if started or opened:
        return max(started or opened, key=lambda c: c.opens_on)
    return min(cycles, key=lambda c: (c.opens_on, c.id)) if cycles else None


def public_signatories(session: Session, latest: int | None = None) -> list[Company]:
    """Companies confirmed as signatories, by date signed, then English name; with ``latest``,
    only the last ``latest`` of them to sign (in the same order)."""
    query = sa.select(Company).where(Company.is_public_signatory)
    if latest is None:
        return list(session.scalars(query.order_by(Company.signatory_since, Company.name_en)))
    last = session.scalars(
        query.order_by(Company.signatory_since.desc(), Company.name_en.desc()).limit(latest)
    )
    return list(reversed(list(last)))


def count_public_signatories(session: Session) -> int:
    """How many companies are confirmed signatories."""
    return session.scalars(
        sa.select(sa.func.count()).select_from(Company).where(Company.is_public_signatory)
    ).one()


@dataclass(frozen=True)
class CycleProgress:
    """How many of a cycle's disclosures are in each state."""

    counts: dict[DisclosureState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, state: DisclosureState) -> int:
        return self.counts.get(state, 0)

    @property
    def handed_in(self) -> int:
        """Disclosures submitted to the alliance (submitted, accepted or published)."""
        return sum(self.count(state) for state in HANDED_IN)

    def bar(self) -> list[tuple[DisclosureState, int, float, float]]:
        """(state, count, start %, width %) segments of a stacked bar, in workflow order."""
        segments, start = [], 0.0
        for state in DisclosureState:
            if self.count(state):
                width = 100 * self.count(state) / self.total
                segments.append((state, self.count(state), start, width))
                start += width
        return segments


def cycle_progress(session: Session, cycle: Cycle) -> CycleProgress:
    """Disclosures per state, counting one with a published version as published even while
    a correction of it is in progress (the public still reads the published version)."""
    published = sa.select(Publication.disclosure_id).distinct().subquery()
    rows = session.execute(
        sa.select(Disclosure.state, published.c.disclosure_id)
        .outerjoin(published, published.c.disclosure_id == Disclosure.id)
        .where(Disclosure.cycle_id == cycle.id)
    )
    return CycleProgress(
        counts=Counter(
            DisclosureState.PUBLISHED if has_publication is not None else state
            for state, has_publication in rows
        )
    )


def checklist_of(cycle: Cycle) -> Checklist:
    return cycle.checklist_version.checklist
