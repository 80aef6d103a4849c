"""One recorded action."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import AppendOnly, JSONType, Model, UTCDateTime, utcnow


class AuditEvent(AppendOnly, Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))  # e.g. company.update
    object_type: Mapped[str] = mapped_column(sa.String(40))  # e.g. company
    object_id: Mapped[int | None]
    # What changed: {"field": [before, after]}, or other facts about the action.
    details: Mapped[dict] = mapped_column(JSONType, default=dict)

    actor: Mapped[User | None] = relationship()
