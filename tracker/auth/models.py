"""People who act in the app. Credentials and sessions arrive with the accounts issue."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.companies.models import Company
from tracker.db import UTCDateTime, db, enum_column, utcnow


class Role(enum.StrEnum):
    OFFICER = "officer"
    STAFF = "staff"
    ADMIN = "admin"


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company | None] = relationship()

    __table_args__ = (
        # An officer always belongs to a company; staff and administrators never do.
        sa.CheckConstraint(
            "(role = 'officer' AND company_id IS NOT NULL) OR "
            "(role <> 'officer' AND company_id IS NULL)",
            name="officer_has_company",
        ),
    )

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
