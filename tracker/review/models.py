"""Comments on a disclosure, and every move of a disclosure between workflow states."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import AppendOnly, Model, UTCDateTime, enum_column, utcnow
from tracker.disclosures.models import Disclosure
from tracker.domain.workflow import Action, DisclosureState


class Comment(Model):
    """A remark by staff or an officer, on one item or (``item_id`` None) the whole disclosure."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str | None] = mapped_column(sa.String(120))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    disclosure: Mapped[Disclosure] = relationship()

    __table_args__ = (sa.CheckConstraint("length(body) > 0", name="body_not_empty"),)


class Transition(AppendOnly, Model):
    """One workflow step: who moved the disclosure from which state to which, when and why."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[Action] = mapped_column(enum_column(Action, "workflow_action"))
    from_state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "transition_from_state")
    )
    to_state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "transition_to_state")
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


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
