"""Queries behind the public pages. Only published disclosures ever leave this module."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.disclosures.models import Disclosure
from tracker.domain.checklist import Checklist
from tracker.domain.scoring import Scorecard, score_disclosure
from tracker.domain.workflow import SUBMITTED_OR_LATER, DisclosureState


def current_cycle(session: Session, today: date) -> Cycle | None:
    """The cycle opened most recently on or before today; else the next one to open."""
    opened = session.scalar(
        sa.select(Cycle).where(Cycle.opens_on <= today).order_by(Cycle.opens_on.desc()).limit(1)
    )
    if opened is not None:
        return opened
    return session.scalar(sa.select(Cycle).order_by(Cycle.opens_on).limit(1))


def public_signatories(session: Session) -> list[Company]:
    """Companies confirmed as signatories, by date signed, then English name."""
    return list(session.scalars(
        sa.select(Company)
        .where(Company.is_public_signatory)
        .order_by(Company.signatory_since, Company.name_en)
    ))


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
        return sum(self.count(state) for state in SUBMITTED_OR_LATER)

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
    rows = session.execute(
        sa.select(Disclosure.state, sa.func.count())
        .where(Disclosure.cycle_id == cycle.id)
        .group_by(Disclosure.state)
    )
    return CycleProgress(counts=Counter(dict(rows.all())))


@dataclass(frozen=True)
class ScoredDisclosure:
    disclosure: Disclosure
    scorecard: Scorecard

    @property
    def company(self) -> Company:
        return self.disclosure.company


def published_in_cycle(session: Session, cycle: Cycle) -> list[ScoredDisclosure]:
    """Every published disclosure of a cycle with its scores, in two queries whatever the count."""
    disclosures = session.scalars(
        sa.select(Disclosure)
        .join(Disclosure.company)
        .where(Disclosure.cycle_id == cycle.id, Disclosure.state == DisclosureState.PUBLISHED,
               Company.is_public_signatory)
        .options(
            joinedload(Disclosure.company),
            joinedload(Disclosure.checklist_version),
            selectinload(Disclosure.responses),
        )
        .order_by(Company.name_en)
    ).unique()
    return [score(d) for d in disclosures]


def score(disclosure: Disclosure) -> ScoredDisclosure:
    checklist = disclosure.checklist_version.checklist
    return ScoredDisclosure(disclosure, score_disclosure(checklist, disclosure.statuses()))


def checklist_of(cycle: Cycle) -> Checklist:
    return cycle.checklist_version.checklist
