"""Comments on a disclosure, by staff and by its officers."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import Model, UTCDateTime, utcnow
from tracker.filing.models import Disclosure


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
