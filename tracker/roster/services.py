"""The roster: administrators add and change companies; every change is audited.

Functions receive the session and the acting user, flush, and record what they change in the
audit trail; the caller commits.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.audit.services import changes, record
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.db import Session
from tracker.domain.refusals import Refusal
from tracker.domain.roster_file import RosterEntry

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


# --- importing a roster file (`tracker companies import`) ------------------------------------


@dataclass(frozen=True)
class PlannedCreate:
    """A company the file adds: the values it is created with (never confirmed)."""

    values: dict


@dataclass(frozen=True)
class PlannedUpdate:
    """A company the file changes: field -> (now, after), and the values it is saved with."""

    company: Company
    changed: dict[str, tuple[Any, Any]]
    values: dict

    @property
    def unconfirms(self) -> bool:
        """The change takes the company's confirmation away (its source or status changed)."""
        return "signatory_confirmed" in self.changed


@dataclass(frozen=True)
class ImportPlan:
    """What importing a roster file would do, in the file's order."""

    creates: list[PlannedCreate]
    updates: list[PlannedUpdate]
    unchanged: list[Company]

    @property
    def changes_anything(self) -> bool:
        return bool(self.creates or self.updates)


def _values_of(company: Company) -> dict:
    return {field: getattr(company, field) for field in FIELDS}


def _imported_values(entry: RosterEntry, company: Company | None) -> dict:
    """The company's values after the entry: what the file gives, the rest as it is. A company
    the file adds, and one whose signatory status or source the file changes, is unconfirmed:
    an administrator confirms it in the roster from the new source. Other changes (names,
    website) keep a confirmation."""
    values = (
        _values_of(company)
        if company is not None
        else dict.fromkeys(FIELDS) | {"is_signatory": False, "signatory_confirmed": False}
    )
    values |= {"slug": entry.slug, "name_en": entry.name_en, "name_zh": entry.name_zh}
    if "website" in entry.given:
        values["website"] = entry.website
    if "signatory" in entry.given:
        values["is_signatory"] = entry.signatory
    if "source" in entry.given:
        values["signatory_source"] = entry.source
    if company is None or (
        values["is_signatory"] != company.is_signatory
        or values["signatory_source"] != company.signatory_source
    ):
        values["signatory_confirmed"] = False
    return values


def plan_import(session: Session, entries: list[RosterEntry]) -> ImportPlan:
    """What importing ``entries`` would add, change (field by field) and leave as it is; entries
    are matched to the roster by slug. Reads only."""
    existing = {
        company.slug: company
        for company in session.scalars(
            sa.select(Company).where(Company.slug.in_([e.slug for e in entries]))
        )
    }
    creates, updates, unchanged = [], [], []
    for entry in entries:
        company = existing.get(entry.slug)
        values = _imported_values(entry, company)
        if company is None:
            creates.append(PlannedCreate(values))
            continue
        before = _values_of(company)
        changed = {k: (before[k], values[k]) for k in FIELDS if before[k] != values[k]}
        if changed:
            updates.append(PlannedUpdate(company, changed, values))
        else:
            unchanged.append(company)
    return ImportPlan(creates, updates, unchanged)


def apply_import(session: Session, actor: User, plan: ImportPlan) -> list[Company]:
    """Carry the plan out through create_company and update_company (each change audited as
    the roster page's is); the caller commits once, or rolls everything back. Returns the
    companies added and changed. CompanySlugTaken when a company with one of the new short
    names was added meanwhile."""
    done = [create_company(session, actor, planned.values) for planned in plan.creates]
    for planned in plan.updates:
        update_company(session, actor, planned.company, planned.values)
        done.append(planned.company)
    return done
