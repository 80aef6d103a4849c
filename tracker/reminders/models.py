"""The record of reminders sent, so that none is sent twice."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Model, UTCDateTime, utcnow


class ReminderSent(Model):
    """A reminder of the due date, sent once per company, cycle and threshold."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int]

    __table_args__ = (sa.UniqueConstraint("company_id", "cycle_id", "days_before"),)
