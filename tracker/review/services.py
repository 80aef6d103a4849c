"""The review queue: every signatory's disclosure in a cycle, including those not started."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.disclosures.models import Disclosure
from tracker.disclosures.services import answers_of
from tracker.domain.answers import missing_for_submission
from tracker.domain.workflow import DisclosureState

# States in which the company still owes its answers.
OWED = frozenset({DisclosureState.NOT_STARTED, DisclosureState.DRAFT,
                  DisclosureState.CHANGES_REQUESTED})
SORTS = ("company", "state", "updated")


@dataclass(frozen=True)
class QueueRow:
    company: Company
    disclosure: Disclosure | None
    missing: int  # required items not ready

    @property
    def state(self) -> DisclosureState:
        return self.disclosure.state if self.disclosure else DisclosureState.NOT_STARTED

    def overdue(self, cycle: Cycle, today: date) -> bool:
        return self.state in OWED and today > cycle.due_on


def queue(session: Session, cycle: Cycle, state: DisclosureState | None = None,
          sort: str = "company") -> tuple[list[QueueRow], Counter]:
    """Rows for every confirmed signatory (and any company with a disclosure), and counts."""
    disclosures = {d.company_id: d for d in session.scalars(
        sa.select(Disclosure).where(Disclosure.cycle_id == cycle.id)
        .options(selectinload(Disclosure.responses)))}
    companies = session.scalars(
        sa.select(Company).where(sa.or_(Company.is_public_signatory,
                                        Company.id.in_(list(disclosures))))
        .order_by(Company.name_en)).all()
    checklist = cycle.checklist_version.checklist
    rows = []
    for company in companies:
        disclosure = disclosures.get(company.id)
        answers = answers_of(disclosure) if disclosure else {}
        rows.append(QueueRow(company, disclosure, len(missing_for_submission(checklist, answers))))
    counts = Counter(row.state for row in rows)
    if state is not None:
        rows = [r for r in rows if r.state is state]
    order = list(DisclosureState)
    if sort == "state":
        rows.sort(key=lambda r: (order.index(r.state), r.company.name_en))
    elif sort == "updated":
        rows.sort(key=lambda r: (r.disclosure is None,
                                 -(r.disclosure.updated_at.timestamp() if r.disclosure else 0)))
    return rows, counts
