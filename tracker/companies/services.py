"""Companies as the public sees them: looked up by short name, and the list of signatories."""

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.db import Session


def company_by_slug(session: Session, slug: str) -> Company | None:
    return session.scalar(sa.select(Company).filter_by(slug=slug))


def listed_companies_query() -> sa.Select:
    """Companies the public sees: confirmed signatories, by English name."""
    return sa.select(Company).where(Company.is_public_signatory).order_by(Company.name_en)
