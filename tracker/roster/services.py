"""The roster: administrators add and change companies; every change is audited.

Functions receive the session and the acting user, flush, and record what they change in the
audit trail; the caller commits.
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.audit.services import changes, record
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.db import Session
from tracker.domain.refusals import Refusal

FIELDS = (
    "slug",
    "name_en",
    "name_zh",
    "website",
    "is_signatory",
    "signatory_since",
    "signatory_source",
    "signatory_confirmed",
)


class CompanySlugTaken(Refusal):
    """Another company already uses this short name (messages: tracker.roster.messages)."""

    code = "roster.slug_taken"
    status = 422

    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(slug)


def _check_slug(session: Session, slug: str, company_id: int | None) -> None:
    other = session.scalar(sa.select(Company.id).filter_by(slug=slug))
    if other is not None and other != company_id:
        raise CompanySlugTaken(slug)


def _flush_unique_slug(session: Session, slug: str) -> None:
    """Flush; CompanySlugTaken when a company saved at the same moment took the short name
    (the check before read before it existed: the unique constraint decides). The caller
    rolls back."""
    try:
        session.flush()
    except IntegrityError:
        raise CompanySlugTaken(slug) from None


def create_company(session: Session, actor: User, values: dict) -> Company:
    """Add a company to the roster; every field is recorded in the audit trail."""
    values = {k: values[k] for k in FIELDS}
    _check_slug(session, values["slug"], None)
    company = Company(**values)
    session.add(company)
    _flush_unique_slug(session, values["slug"])
    record(
        session,
        actor,
        "company.create",
        "company",
        company.id,
        {k: [None, str(v) if v is not None else None] for k, v in values.items()},
    )
    return company


def update_company(session: Session, actor: User, company: Company, values: dict) -> dict:
    """Change a company; what changed (before and after) goes into the audit trail."""
    _check_slug(session, values["slug"], company.id)
    changed = changes(company, {k: values[k] for k in FIELDS})
    _flush_unique_slug(session, values["slug"])
    if changed:
        record(session, actor, "company.update", "company", company.id, changed)
    session.flush()
    return changed
