"""Reading a company's disclosure, for the filing, review and report pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.filing.models import Disclosure


def find_disclosure(session: Session, company: Company, cycle: Cycle) -> Disclosure | None:
    """The company's disclosure in a cycle with its answers (one query for both), or None
    when it has none yet."""
    return session.scalar(
        sa.select(Disclosure)
        .filter_by(company_id=company.id, cycle_id=cycle.id)
        .options(selectinload(Disclosure.responses))
    )
