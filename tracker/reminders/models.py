"""The record of reminders sent: the daily run's, so that none is sent twice, and staff's."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import Model, UTCDateTime, utcnow


class ReminderSent(Model):
    """A reminder of the due date: the daily run sends one per company, cycle and threshold
    (``days_before``); one staff sent from the reminders page has no threshold and names them
    (``sent_by``)."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    days_before: Mapped[int | None]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int]
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    sent_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("company_id", "cycle_id", "days_before"),)
