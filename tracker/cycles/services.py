"""Reporting cycles as administrators run them: create, open, extend a company's due date, close.

Opening gives every confirmed signatory its disclosure (a company confirmed later gets one when
its officers first open the cycle). A cycle's checklist version is frozen once a disclosure
exists: the answers were filed against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.audit.services import changes, record
from tracker.auth.models import User
from tracker.checklists.models import ChecklistVersion
from tracker.companies.models import Company
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import Session
from tracker.domain.refusals import Refusal
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, DueDateExtension

REASON_MAX_LENGTH = 2_000


class CycleError(Refusal):
    """The family of what cycle administration refuses (messages: tracker.cycles.messages)."""


class CycleSlugTaken(CycleError):
    code = "cycles.slug_taken"
    status = 422


class DatesOutOfOrder(CycleError):
    code = "cycles.dates_out_of_order"
    status = 422


class ChecklistFrozen(CycleError):
    code = "cycles.checklist_frozen"
    status = 409


class WrongPhase(CycleError):
    """Opening an open or closed cycle, closing one that is not open."""

    code = "cycles.wrong_phase"
    status = 409


class ExtensionRefused(CycleError):
    """A due date that cannot be given; ``why`` names the case ("reason_missing" …)."""

    WHY = (
        "reason_missing",
        "reason_too_long",
        "cycle_closed",
        "same_date",
        "before_opening",
        "after_closing",
    )
    codes = tuple(f"cycles.extension_{why}" for why in WHY)
    status = 422

    def __init__(self, why: str):
        self.why = why
        if why == "cycle_closed":
            self.status = 409  # not a bad value: no date is possible in this phase
        super().__init__(why, code=f"cycles.extension_{why}")


@dataclass(frozen=True)
class CycleValues:
    slug: str
    name_en: str
    name_zh: str
    checklist_version_id: int
    opens_on: date
    due_on: date
    closes_on: date | None


def _check(session: Session, values: CycleValues, cycle: Cycle | None) -> None:
    other = session.scalar(sa.select(Cycle.id).filter_by(slug=values.slug))
    if other is not None and (cycle is None or other != cycle.id):
        raise CycleSlugTaken()
    if values.opens_on > values.due_on or (
        values.closes_on is not None and values.due_on > values.closes_on
    ):
        raise DatesOutOfOrder()
    if session.get(ChecklistVersion, values.checklist_version_id) is None:
        raise LookupError(values.checklist_version_id)


def has_disclosures(session: Session, cycle: Cycle) -> bool:
    return session.scalars(sa.select(sa.exists().where(Disclosure.cycle_id == cycle.id))).one()


def create_cycle(session: Session, actor: User, values: CycleValues) -> Cycle:
    """A planned cycle; nobody files until it is opened."""
    _check(session, values, None)
    cycle = Cycle(**values.__dict__)
    session.add(cycle)
    session.flush()
    record(
        session,
        actor,
        "cycle.create",
        "cycle",
        cycle.id,
        {k: str(v) if isinstance(v, date) else v for k, v in values.__dict__.items()},
    )
    return cycle


def update_cycle(session: Session, actor: User, cycle: Cycle, values: CycleValues) -> dict:
    """Change names and dates; the checklist version only while no disclosure exists."""
    _check(session, values, cycle)
    if values.checklist_version_id != cycle.checklist_version_id and has_disclosures(
        session, cycle
    ):
        raise ChecklistFrozen()
    changed = changes(cycle, values.__dict__)
    if "checklist_version_id" in changed:
        session.flush()
        session.refresh(cycle, ["checklist_version"])
    if changed:
        record(session, actor, "cycle.update", "cycle", cycle.id, changed)
        session.flush()
    return changed


def open_cycle(session: Session, actor: User, cycle: Cycle, now: datetime) -> list[Disclosure]:
    """Open a planned cycle: a disclosure for every confirmed signatory that has none yet.
    Returns the disclosures created (their officers are to be told)."""
    if cycle.phase is not CyclePhase.PLANNED:
        raise WrongPhase()
    cycle.opened_at = now
    have = set(session.scalars(sa.select(Disclosure.company_id).filter_by(cycle_id=cycle.id)))
    created = []
    for company in session.scalars(
        sa.select(Company).where(Company.is_public_signatory).order_by(Company.name_en)
    ):
        if company.id in have:
            continue
        disclosure = Disclosure(
            company=company,
            cycle=cycle,
            checklist_version_id=cycle.checklist_version_id,
            state=DisclosureState.NOT_STARTED,
        )
        session.add(disclosure)
        created.append(disclosure)
    session.flush()
    record(session, actor, "cycle.open", "cycle", cycle.id, {"disclosures_created": len(created)})
    return created


def close_cycle(session: Session, actor: User, cycle: Cycle, now: datetime) -> None:
    """No more filing; disclosures already handed in can still be reviewed and published."""
    if cycle.phase is not CyclePhase.OPEN:
        raise WrongPhase()
    cycle.closed_at = now
    record(session, actor, "cycle.close", "cycle", cycle.id, {})
    session.flush()


def extend_due_date(
    session: Session, actor: User, disclosure: Disclosure, due_on: date, reason: str
) -> DueDateExtension:
    """Move one company's due date, keeping the previous one and the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionRefused("reason_missing")
    if len(reason) > REASON_MAX_LENGTH:
        raise ExtensionRefused("reason_too_long")
    cycle = disclosure.cycle
    if cycle.phase is CyclePhase.CLOSED:
        raise ExtensionRefused("cycle_closed")
    previous = disclosure.effective_due_on
    if due_on == previous:
        raise ExtensionRefused("same_date")
    if due_on < cycle.opens_on:
        raise ExtensionRefused("before_opening")
    if cycle.closes_on is not None and due_on > cycle.closes_on:
        raise ExtensionRefused("after_closing")
    extension = DueDateExtension(
        disclosure=disclosure,
        previous_due_on=previous,
        due_on=due_on,
        reason=reason,
        created_by=actor,
    )
    disclosure.due_on = due_on
    session.add(extension)
    record(
        session,
        actor,
        "disclosure.extend_due_date",
        "disclosure",
        disclosure.id,
        {
            "company": disclosure.company.slug,
            "cycle": cycle.slug,
            "due_on": [previous.isoformat(), due_on.isoformat()],
            "reason": reason,
        },
    )
    session.flush()
    return extension


def all_cycles(session: Session) -> list[Cycle]:
    return list(session.scalars(sa.select(Cycle).order_by(Cycle.opens_on.desc(), Cycle.id)))


def disclosure_counts(session: Session, cycle_ids: Iterable[int]) -> dict[int, int]:
    """Cycle id -> number of disclosures, in one query."""
    return dict(
        session.execute(
            sa.select(Disclosure.cycle_id, sa.func.count())
            .where(Disclosure.cycle_id.in_(list(cycle_ids)))
            .group_by(Disclosure.cycle_id)
        ).all()
    )


def disclosures_with_extensions(session: Session, cycle: Cycle):
    """(disclosures by company name, disclosure id -> its extensions, newest first)."""
    disclosures = session.scalars(
        sa.select(Disclosure)
        .join(Disclosure.company)
        .where(Disclosure.cycle_id == cycle.id)
        .options(joinedload(Disclosure.company))
        .order_by(Company.name_en)
    ).all()
    extensions: dict[int, list[DueDateExtension]] = {}
    for extension in session.scalars(
        sa.select(DueDateExtension)
        .where(DueDateExtension.disclosure_id.in_([d.id for d in disclosures]))
        .options(joinedload(DueDateExtension.created_by))
        .order_by(DueDateExtension.id.desc())
    ):
        extensions.setdefault(extension.disclosure_id, []).append(extension)
    return disclosures, extensions
