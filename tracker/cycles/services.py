"""Reporting cycles as administrators run them: create, open, extend a company's due date, close,
and reopen a closed cycle (with a reason).

Opening gives every confirmed signatory its disclosure (a company confirmed later gets one when
its officers first open the cycle). A cycle's checklist version is frozen once a disclosure
exists: the answers were filed against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.audit.models import AuditEvent
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


class CycleAlreadyMoved(CycleError):
    """Another administrator opened, closed or reopened the cycle first (``what``: "open",
    "close" or "reopen"),
    at ``at``, by ``by`` (a display name, None when unknown). Nothing was written."""

    code = "cycles.already_moved"
    status = 409

    def __init__(self, what: str, at: datetime, by: str | None):
        self.what, self.at, self.by = what, at, by
        super().__init__(f"already {what} at {at.isoformat()} by {by or 'someone'}")


class DueDateChanged(CycleError):
    """Another administrator changed the company's due date since the page was read (to
    ``due_on``, by ``by``); nothing was written."""

    code = "cycles.due_date_changed"
    status = 409

    def __init__(self, due_on: date, by: str | None):
        self.due_on, self.by = due_on, by
        super().__init__(f"the due date is now {due_on.isoformat()}")


class ReopenRefused(CycleError):
    """A closed cycle that cannot be reopened as asked; ``why`` names the case: no reason
    given, a reason too long, a cycle that is not closed (planned, or open and never closed),
    or one whose closing date has passed (officers could still not file: move it first)."""

    WHY = ("reason_missing", "reason_too_long", "not_closed", "closing_date_passed")
    codes = tuple(f"cycles.reopen_{why}" for why in WHY)
    status = 422

    def __init__(self, why: str, closes_on: date | None = None):
        self.why, self.closes_on = why, closes_on
        if why in ("not_closed", "closing_date_passed"):
            self.status = 409  # not a bad value: the cycle's state does not allow it
        super().__init__(why, code=f"cycles.reopen_{why}")


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


def _flush_unique_slug(session: Session) -> None:
    """Flush; CycleSlugTaken when a cycle saved at the same moment took the short name (the
    check in _check read before it existed). The caller rolls back."""
    try:
        session.flush()
    except IntegrityError:
        raise CycleSlugTaken() from None


def create_cycle(session: Session, actor: User, values: CycleValues) -> Cycle:
    """A planned cycle; nobody files until it is opened."""
    _check(session, values, None)
    cycle = Cycle(**values.__dict__)
    session.add(cycle)
    _flush_unique_slug(session)
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
    # The UPDATE holds the cycle's row (PostgreSQL) or the write lock (SQLite): asked again
    # under it, no cycle opened at the same moment has disclosures filed on the old version.
    _flush_unique_slug(session)
    if "checklist_version_id" in changed:
        if has_disclosures(session, cycle):
            raise ChecklistFrozen()
        session.refresh(cycle, ["checklist_version"])
    if changed:
        record(session, actor, "cycle.update", "cycle", cycle.id, changed)
        session.flush()
    return changed


def _last_actor(session: Session, cycle: Cycle, action: str) -> str | None:
    """The display name of who last did ``action`` (an audit action) to the cycle."""
    event = session.scalar(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "cycle",
            AuditEvent.object_id == cycle.id,
            AuditEvent.action == action,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .options(joinedload(AuditEvent.actor))
    )
    return event.actor.display_name if event is not None and event.actor else None


def _last_event(session: Session, cycle: Cycle, actions: tuple[str, ...]) -> AuditEvent | None:
    """The latest audit event of the cycle among ``actions``, with its actor."""
    return session.scalar(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "cycle",
            AuditEvent.object_id == cycle.id,
            AuditEvent.action.in_(actions),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .options(joinedload(AuditEvent.actor))
    )


def _already(session: Session, cycle: Cycle, what: str) -> None:
    """CycleAlreadyMoved when the cycle is already past ``what`` ("open", "close", "reopen"):
    someone did it, and says when and who; else nothing."""
    if what == "reopen":
        if cycle.phase is CyclePhase.OPEN:
            last = _last_event(session, cycle, ("cycle.close", "cycle.reopen"))
            if last is not None and last.action == "cycle.reopen":
                by = last.actor.display_name if last.actor else None
                raise CycleAlreadyMoved("reopen", last.at, by)
        return
    if what == "open" and cycle.opened_at is not None:
        raise CycleAlreadyMoved("open", cycle.opened_at, _last_actor(session, cycle, "cycle.open"))
    if what == "close" and cycle.closed_at is not None:
        raise CycleAlreadyMoved(
            "close", cycle.closed_at, _last_actor(session, cycle, "cycle.close")
        )


def _claim_phase(session: Session, cycle: Cycle, what: str, now: datetime) -> None:
    """The phase change itself, one UPDATE on condition that the cycle is still in the phase
    read (planned to open, open to closed). Of two administrators doing it at once, the second
    matches no row (PostgreSQL: after waiting for the first one's row lock; SQLite: once the
    first has committed) and is refused with CycleAlreadyMoved before it writes anything."""
    column = "opened_at" if what == "open" else "closed_at"
    condition = (
        sa.and_(Cycle.opened_at.is_(None), Cycle.closed_at.is_(None))
        if what == "open"
        else sa.and_(Cycle.opened_at.is_not(None), Cycle.closed_at.is_(None))
    )
    result = session.execute(
        sa.update(Cycle)
        .where(Cycle.id == cycle.id, condition)
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(cycle, ["opened_at", "closed_at"])
        _already(session, cycle, what)
        raise WrongPhase()
    set_committed_value(cycle, column, now)


def open_cycle(session: Session, actor: User, cycle: Cycle, now: datetime) -> list[Disclosure]:
    """Open a planned cycle: a disclosure for every confirmed signatory that has none yet.
    Returns the disclosures created (their officers are to be told). CycleAlreadyMoved when
    another administrator opened it first."""
    _already(session, cycle, "open")
    if cycle.phase is not CyclePhase.PLANNED:
        raise WrongPhase()
    _claim_phase(session, cycle, "open", now)
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
    """No more filing; disclosures already handed in can still be reviewed and published.
    CycleAlreadyMoved when another administrator closed it first."""
    _already(session, cycle, "close")
    if cycle.phase is not CyclePhase.OPEN:
        raise WrongPhase()
    _claim_phase(session, cycle, "close", now)
    record(session, actor, "cycle.close", "cycle", cycle.id, {})
    session.flush()


def reopen_cycle(session: Session, actor: User, cycle: Cycle, reason: str, today: date) -> None:
    """Reopen a closed cycle: officers can file again (until its closing date, if it has one).
    The reason is required and recorded in the audit trail with the closing time it undoes.

    Refused (ReopenRefused) without a reason, with one too long, for a cycle that is not
    closed, and for one whose closing date has passed (filing would stay shut: the date is to
    be moved first); CycleAlreadyMoved when another administrator reopened it first.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReopenRefused("reason_missing")
    if len(reason) > REASON_MAX_LENGTH:
        raise ReopenRefused("reason_too_long")
    _already(session, cycle, "reopen")
    if cycle.phase is not CyclePhase.CLOSED:
        raise ReopenRefused("not_closed")
    if cycle.closes_on is not None and cycle.closes_on < today:
        raise ReopenRefused("closing_date_passed", cycle.closes_on)
    closed_at = cycle.closed_at
    _claim_reopen(session, cycle)
    record(
        session,
        actor,
        "cycle.reopen",
        "cycle",
        cycle.id,
        {"reason": reason, "closed_at": closed_at.isoformat() if closed_at else None},
    )
    session.flush()


def _claim_reopen(session: Session, cycle: Cycle) -> None:
    """Clear the closing time with one UPDATE on condition that the cycle is still closed: of
    two reopenings at once, the second matches no row and is refused (CycleAlreadyMoved)
    before it writes anything."""
    result = session.execute(
        sa.update(Cycle)
        .where(Cycle.id == cycle.id, Cycle.closed_at.is_not(None))
        .values(closed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(cycle, ["opened_at", "closed_at"])
        _already(session, cycle, "reopen")
        raise ReopenRefused("not_closed")
    set_committed_value(cycle, "closed_at", None)


@dataclass(frozen=True)
class Outstanding:
    """A company that has not handed its disclosure in: its state, due date and days left."""

    disclosure: Disclosure
    due_on: date
    days_left: int


@dataclass(frozen=True)
class ClosePreview:
    """What closing the cycle now would cut short, for the confirmation page."""

    outstanding: list[Outstanding]  # not handed in, by company name
    drafts: int  # of those, how many have answers started (a draft, or changes requested)
    days_left: int  # until the cycle's due date (negative once passed)
    later_due: int  # companies whose own (extended) due date is still ahead

    @property
    def handed_in(self) -> bool:
        return not self.outstanding


# Not handed in: closing ends these companies' chance to file.
NOT_HANDED_IN = (
    DisclosureState.NOT_STARTED,
    DisclosureState.DRAFT,
    DisclosureState.CHANGES_REQUESTED,
)


def close_preview(session: Session, cycle: Cycle, today: date) -> ClosePreview:
    """The companies that have not handed in, their open drafts and days left, as of today."""
    disclosures, _extensions = disclosures_with_extensions(session, cycle)
    outstanding = [
        Outstanding(d, d.effective_due_on, (d.effective_due_on - today).days)
        for d in disclosures
        if d.state in NOT_HANDED_IN
    ]
    return ClosePreview(
        outstanding=outstanding,
        drafts=sum(1 for o in outstanding if o.disclosure.state is not DisclosureState.NOT_STARTED),
        days_left=cycle.days_left(today),
        later_due=sum(1 for o in outstanding if o.days_left >= 0),
    )


def _claim_due_date(session: Session, disclosure: Disclosure, due_on: date) -> bool:
    """Set the company's own due date with one UPDATE, on condition that it is still the one
    read; False (nothing changed) when another administrator changed it first, so that the
    second of two extensions at once is not recorded as moving a date that was gone."""
    read = disclosure.due_on
    result = session.execute(
        sa.update(Disclosure)
        .where(
            Disclosure.id == disclosure.id,
            Disclosure.due_on.is_(None) if read is None else Disclosure.due_on == read,
        )
        .values(due_on=due_on)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(disclosure, "due_on", due_on)
    return True


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
    if not _claim_due_date(session, disclosure, due_on):
        session.refresh(disclosure, ["due_on"])
        latest = session.scalar(
            sa.select(DueDateExtension)
            .where(DueDateExtension.disclosure_id == disclosure.id)
            .order_by(DueDateExtension.id.desc())
            .limit(1)
            .options(joinedload(DueDateExtension.created_by))
        )
        by = latest.created_by.display_name if latest and latest.created_by else None
        raise DueDateChanged(disclosure.effective_due_on, by)
    extension = DueDateExtension(
        disclosure=disclosure,
        previous_due_on=previous,
        due_on=due_on,
        reason=reason,
        created_by=actor,
    )
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
