"""Reading companies and their published disclosures."""

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.disclosures.models import Disclosure
from tracker.domain.workflow import DisclosureState


def company_by_slug(session: Session, slug: str) -> Company | None:
    return session.scalar(sa.select(Company).filter_by(slug=slug))


def listed_companies_query() -> sa.Select:
    """Companies the public sees: confirmed signatories, by English name."""
    return (
        sa.select(Company)
        .where(Company.is_public_signatory)
        .order_by(Company.name_en)
    )


def published_disclosures(session: Session, company: Company) -> list[Disclosure]:
    """A company's published disclosures, newest cycle first, with everything a page shows."""
    return list(session.scalars(
        sa.select(Disclosure)
        .join(Disclosure.cycle)
        .where(Disclosure.company_id == company.id,
               Disclosure.state == DisclosureState.PUBLISHED)
        .options(
            joinedload(Disclosure.cycle),
            joinedload(Disclosure.checklist_version),
            selectinload(Disclosure.responses),
        )
        .order_by(Cycle.opens_on.desc())
    ).unique())


def published_scores(session: Session, company_ids: list[int], cycle: Cycle | None):
    """Company id -> published disclosure in a cycle, for a page of companies (one query)."""
    if cycle is None or not company_ids:
        return {}
    disclosures = session.scalars(
        sa.select(Disclosure)
        .where(Disclosure.cycle_id == cycle.id, Disclosure.company_id.in_(company_ids),
               Disclosure.state == DisclosureState.PUBLISHED)
        .options(joinedload(Disclosure.checklist_version), selectinload(Disclosure.responses))
    ).unique()
    return {d.company_id: d for d in disclosures}
