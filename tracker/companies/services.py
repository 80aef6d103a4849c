"""Companies: the roster kept by administrators, and the published disclosures of each."""

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.audit.services import changes, record
from tracker.auth.models import User
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


def latest_publication(session: Session, disclosure: Disclosure):
    """The newest published version of a disclosure, with its ledger entry (one query)."""
    from tracker.publication.models import Publication

    return session.scalar(
        sa.select(Publication).where(Publication.disclosure_id == disclosure.id)
        .options(joinedload(Publication.entry))
        .order_by(Publication.version.desc()).limit(1))


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


FIELDS = ("slug", "name_en", "name_zh", "website", "is_signatory", "signatory_since",
          "signatory_source", "signatory_confirmed")


class SlugTaken(ValueError):
    """Another company already uses this short name."""


def _check_slug(session: Session, slug: str, company_id: int | None) -> None:
    other = session.scalar(sa.select(Company.id).filter_by(slug=slug))
    if other is not None and other != company_id:
        raise SlugTaken(slug)


def create_company(session: Session, actor: User, values: dict) -> Company:
    """Add a company to the roster; every field is recorded in the audit trail."""
    values = {k: values[k] for k in FIELDS}
    _check_slug(session, values["slug"], None)
    company = Company(**values)
    session.add(company)
    session.flush()
    record(session, actor, "company.create", "company", company.id,
           {k: [None, str(v) if v is not None else None] for k, v in values.items()})
    return company


def update_company(session: Session, actor: User, company: Company, values: dict) -> dict:
    """Change a company; what changed (before and after) goes into the audit trail."""
    _check_slug(session, values["slug"], company.id)
    changed = changes(company, {k: values[k] for k in FIELDS})
    if changed:
        record(session, actor, "company.update", "company", company.id, changed)
    session.flush()
    return changed
