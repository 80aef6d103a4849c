"""A reporting cycle, such as the 2025 annual disclosure."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.checklists.models import ChecklistVersion
from tracker.db import Model, UTCDateTime, utcnow
from tracker.domain.languages import Text


class CyclePhase(StrEnum):
    PLANNED = "planned"  # created, not opened yet
    OPEN = "open"
    CLOSED = "closed"


class Cycle(Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    checklist_version_id: Mapped[int] = mapped_column(sa.ForeignKey("checklist_versions.id"))
    opens_on: Mapped[date]
    due_on: Mapped[date]
    closes_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an administrator opens the cycle (every signatory gets its disclosure) and when
    # they close it (no more filing; corrections of published disclosures still go through).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    checklist_version: Mapped[ChecklistVersion] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("opens_on <= due_on", name="opens_before_due"),
        sa.CheckConstraint("closes_on IS NULL OR due_on <= closes_on", name="due_before_close"),
    )

    @property
    def names(self) -> Text:
        """The cycle's name in both languages."""
        return Text(en=self.name_en, zh=self.name_zh)

    def name(self, language: object) -> str:
        """The cycle's name in a language (a Language, code or locale; English unless Chinese)."""
        return self.names.get(language)

    @property
    def phase(self) -> "CyclePhase":
        if self.closed_at is not None:
            return CyclePhase.CLOSED
        return CyclePhase.OPEN if self.opened_at is not None else CyclePhase.PLANNED

    def days_left(self, today: date) -> int:
        """Days until the due date (negative once it has passed)."""
        return (self.due_on - today).days

    def __repr__(self) -> str:
        return f"<Cycle {self.slug}>"
