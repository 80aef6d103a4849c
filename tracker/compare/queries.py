"""What a comparison reads: the companies and cycles it names, the published versions it puts
side by side, and the choices its picker offers. Every function is one query, whatever the
size of the roster."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.languages import Text
from tracker.ledger import queries
from tracker.ledger.models import Publication

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")  # no company's short name is otherwise


@dataclass(frozen=True)
class Column:
    """One side of a comparison: a company in a cycle, and what it published there (None: it
    did not publish in that cycle)."""

    company: Company
    cycle: Cycle
    shown: queries.PublishedVersion | None


@dataclass(frozen=True)
class Choice:
    """A company the picker offers."""

    slug: str
    name: Text


def public_companies(session: Session, slugs: Sequence[str]) -> dict[str, Company]:
    """The public signatories among these short names, by short name (a company that is not
    a confirmed signatory is not found)."""
    wanted = [slug for slug in slugs if _SLUG.fullmatch(slug)]  # never NUL & co. to the database
    if not wanted:
        return {}
    found = session.scalars(
        sa.select(Company).where(Company.slug.in_(wanted), Company.is_public_signatory)
    )
    return {company.slug: company for company in found}


def published_in(session: Session, cycle: Cycle) -> list[Choice]:
    """The companies with a published version in the cycle, by name (names only)."""
    rows = session.execute(
        queries.current_query(cycle.id)
        .with_only_columns(Company.slug, Company.name_en, Company.name_zh)
        .order_by(Company.name_en, Company.id)
    )
    return [Choice(slug, Text(en=en, zh=zh)) for slug, en, zh in rows]


def ever_published(session: Session) -> list[Choice]:
    """The public signatories with a published version in any cycle, by name."""
    rows = session.execute(
        sa.select(Company.slug, Company.name_en, Company.name_zh)
        .where(
            Company.is_public_signatory,
            Company.id.in_(sa.select(Publication.company_id).distinct()),
        )
        .order_by(Company.name_en, Company.id)
    )
    return [Choice(slug, Text(en=en, zh=zh)) for slug, en, zh in rows]


def companies_in_cycle(session: Session, cycle: Cycle, companies: list[Company]) -> list[Column]:
    """Each company's current published version in the cycle, in the order given."""
    found = {
        v.publication.company_id: v
        for v in queries.current_versions(session, cycle, [c.id for c in companies])
    }
    return [Column(company, cycle, found.get(company.id)) for company in companies]


def company_across(session: Session, company: Company, cycles: list[Cycle]) -> list[Column]:
    """The company's latest published version in each cycle, in the order given."""
    found = {
        v.publication.cycle_id: v
        for v in queries.latest_in_cycles(session, company, [c.id for c in cycles])
    }
    return [Column(company, cycle, found.get(cycle.id)) for cycle in cycles]
