"""Reminders before the due date: once per company, cycle and threshold, safe to run often."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.workflow import OWED
from tracker.reminders.models import ReminderSent
from tracker.review.mail import notify_reminder
from tracker.review.services import queue


@dataclass(frozen=True)
class ReminderRun:
    companies: int
    messages: int


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
    cycles = session.scalars(
        sa.select(Cycle).where(
            Cycle.opened_at.is_not(None), Cycle.closed_at.is_(None), Cycle.opens_on <= today
        )
    ).all()
    companies = messages = 0
    for cycle in cycles:
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
                session, row.company.id, cycle, due_on, days_left, link_for(cycle)
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
