"""Reminders before the due date: once per company, cycle and threshold, safe to run often; and
one sent now by staff from the reminders page, refused when one has just gone out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.languages import Text
from tracker.domain.refusals import Refusal
from tracker.domain.workflow import OWED
from tracker.reminders.models import ReminderSent
from tracker.review.mail import notify_reminder
from tracker.review.services import QueueRow, queue

# A reminder sent less than this long ago (by the daily run or by staff) is not followed by
# another on request: officers would get the same mail twice in a morning.
MIN_INTERVAL = timedelta(hours=12)


@dataclass(frozen=True)
class ReminderRun:
    companies: int
    messages: int


def open_cycles(session: Session, today: date) -> list[Cycle]:
    """The cycles officers are filing in: opened by an administrator, not closed, started."""
    return list(
        session.scalars(
            sa.select(Cycle).where(
                Cycle.opened_at.is_not(None), Cycle.closed_at.is_(None), Cycle.opens_on <= today
            )
        )
    )


def send_reminders(
    session: Session,
    today: date,
    thresholds: list[int],
    now: datetime,
    link_for: Callable[[Cycle], str],
) -> ReminderRun:
    """Remind the officers of every company that still owes its disclosure in an open cycle.

    A threshold applies from ``due - days`` to the due date; each (company, cycle, threshold)
    is reminded once, recorded before the mail is queued in the same transaction, so running
    twice (or from two cron jobs) sends nothing twice: the unique constraint stops a second row.
    """
    companies = messages = 0
    for cycle in open_cycles(session, today):
        already = {
            (company_id, days)
            for company_id, days in session.execute(
                sa.select(ReminderSent.company_id, ReminderSent.days_before).filter_by(
                    cycle_id=cycle.id
                )
            )
        }
        rows, _counts = queue(session, cycle)
        for row in rows:
            # Each company's own due date: the cycle's, or the one an administrator extended.
            due_on = row.due_on(cycle)
            days_left = (due_on - today).days
            due_thresholds = sorted(t for t in thresholds if 0 <= days_left <= t)
            if row.state not in OWED or not due_thresholds:
                continue
            threshold = due_thresholds[0]  # the nearest one: one mail, not one per threshold
            if (row.company.id, threshold) in already:
                continue
            sent = notify_reminder(
                session, row.company.id, cycle, due_on, days_left, link_for(cycle), row.state
            )
            session.add(
                ReminderSent(
                    company_id=row.company.id,
                    cycle_id=cycle.id,
                    days_before=threshold,
                    sent_at=now,
                    recipients=sent,
                )
            )
            companies += 1
            messages += sent
    session.flush()
    return ReminderRun(companies, messages)


# --- the reminders page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRow:
    """A company of the cycle, where its disclosure stands, and the reminders it was sent."""

    queued: QueueRow
    sent: list[ReminderSent] = field(default_factory=list)  # newest first

    @property
    def owes(self) -> bool:
        return self.queued.state in OWED


def overview(session: Session, cycle: Cycle) -> list[ReminderRow]:
    """Every company of the review queue with the reminders of this cycle it was sent (two
    queries beyond the queue's, whatever the number of companies and reminders)."""
    rows, _counts = queue(session, cycle)
    sent: dict[int, list[ReminderSent]] = {}
    for reminder in session.scalars(
        sa.select(ReminderSent)
        .filter_by(cycle_id=cycle.id)
        .options(selectinload(ReminderSent.sent_by))
        .order_by(ReminderSent.sent_at.desc(), ReminderSent.id.desc())
    ):
        sent.setdefault(reminder.company_id, []).append(reminder)
    return [ReminderRow(row, sent.get(row.company.id, [])) for row in rows]


class ReminderRefused(Refusal):
    """A reminder staff asked for that is not sent: the cycle is not open ("cycle_not_open"),
    the company owes nothing ("not_owed"), one went out less than MIN_INTERVAL ago
    ("just_sent", with ``last`` its time), or no officer of the company can sign in
    ("no_officer"). Messages: tracker.reminders.messages."""

    WHY = ("cycle_not_open", "not_owed", "just_sent", "no_officer")
    codes = tuple(f"reminders.{why}" for why in WHY)

    def __init__(self, why: str, company: Text, last: datetime | None = None):
        self.why, self.company, self.last = why, company, last
        # A reminder just sent: wait and try later (429); the others are not possible now.
        self.status = 429 if why == "just_sent" else 409
        super().__init__(why, company, code=f"reminders.{why}")


def send_now(
    session: Session,
    actor: User,
    cycle: Cycle,
    company: Company,
    today: date,
    now: datetime,
    link: str,
) -> ReminderSent:
    """Remind a company's officers of its due date now, on staff's request; ReminderRefused
    when that makes no sense. The company's row is locked first, so that two staff clicking
    at once send one mail, not two."""
    session.execute(sa.select(Company.id).where(Company.id == company.id).with_for_update())
    if cycle not in open_cycles(session, today):
        raise ReminderRefused("cycle_not_open", company.names)
    rows, _counts = queue(session, cycle)
    row = next((r for r in rows if r.company.id == company.id), None)
    if row is None or row.state not in OWED:
        raise ReminderRefused("not_owed", company.names)
    last = session.scalar(
        sa.select(ReminderSent.sent_at)
        .filter_by(company_id=company.id, cycle_id=cycle.id)
        .order_by(ReminderSent.sent_at.desc())
        .limit(1)
    )
    if last is not None and now - last < MIN_INTERVAL:
        raise ReminderRefused("just_sent", company.names, last)
    due_on = row.due_on(cycle)
    sent = notify_reminder(
        session, company.id, cycle, due_on, (due_on - today).days, link, row.state
    )
    if not sent:
        raise ReminderRefused("no_officer", company.names)
    reminder = ReminderSent(
        company_id=company.id,
        cycle_id=cycle.id,
        days_before=None,
        sent_at=now,
        recipients=sent,
        sent_by=actor,
    )
    session.add(reminder)
    record(
        session,
        actor,
        "reminder.send",
        "company",
        company.id,
        {"cycle": cycle.slug, "state": row.state.value, "recipients": sent},
    )
    session.flush()
    return reminder
