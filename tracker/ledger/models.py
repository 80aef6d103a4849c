"""Published snapshots and the ledger entries that date and chain them. Append-only."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import AppendOnly, JSONType, Model, UTCDateTime, enum_column
from tracker.domain.ledger import Entry, EntryKind
from tracker.filing.models import Disclosure


class Publication(AppendOnly, Model):
    """A published version of a company's disclosure for a cycle: its public content, frozen."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSONType)
    snapshot_sha256: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("publications.id"))

    disclosure: Mapped[Disclosure] = relationship()
    company: Mapped[Company] = relationship()
    cycle: Mapped[Cycle] = relationship()
    published_by: Mapped[User | None] = relationship()
    entry: Mapped["LedgerEntry"] = relationship(back_populates="publication", uselist=False)

    __table_args__ = (sa.UniqueConstraint("company_id", "cycle_id", "version"),)


class LedgerEntry(AppendOnly, Model):
    """One line of the public ledger. The hashed fields are stored exactly as hashed."""

    __tablename__ = "ledger_entries"

    sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "ledger_entry_kind"))
    company_slug: Mapped[str] = mapped_column(sa.String(80))
    cycle_slug: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int]
    published_at: Mapped[str] = mapped_column(sa.String(32))  # ISO 8601 text, as hashed
    snapshot_sha256: Mapped[str] = mapped_column(sa.String(64))
    supersedes: Mapped[int | None]
    previous_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"), unique=True)

    publication: Mapped[Publication] = relationship(back_populates="entry")

    def to_entry(self) -> Entry:
        return Entry(
            sequence=self.sequence,
            kind=self.kind,
            company=self.company_slug,
            cycle=self.cycle_slug,
            version=self.version,
            published_at=self.published_at,
            snapshot_sha256=self.snapshot_sha256,
            supersedes=self.supersedes,
            previous_hash=self.previous_hash,
            entry_hash=self.entry_hash,
        )
