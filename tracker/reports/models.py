"""PDF reports rendered once and kept: a published version's report per language."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import conv

from tracker.db import AppendOnly, Model, UTCDateTime, utcnow
from tracker.ledger.models import Publication

# Why a row of a later generation was made: its predecessor's file was gone, or its bytes no
# longer matched their SHA-256.
REBUILT_BECAUSE = ("missing", "damaged")


class StoredReport(AppendOnly, Model):
    """A rendered PDF: the file is stored in the report store by its SHA-256, which is also the
    download's ETag. A published version's report never changes, so it is rendered again only
    when its stored file is gone or damaged (`tracker reports rebuild`): a new row of the next
    generation, the old one kept; the current row is the highest generation."""

    __tablename__ = "stored_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"))
    language: Mapped[str] = mapped_column(sa.String(8))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    rebuilt_because: Mapped[str | None] = mapped_column(sa.String(16))  # REBUILT_BECAUSE

    publication: Mapped[Publication] = relationship()

    __table_args__ = (sa.UniqueConstraint("publication_id", "language", "generation"),)


class StoredCycleReport(AppendOnly, Model):
    """A cycle's aggregate PDF, built from the ledger up to the cycle's latest entry: when a
    new publication in the cycle moves that entry, a new report is built and stored beside."""

    __tablename__ = "stored_cycle_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    ledger_sequence: Mapped[int]  # 0: nothing published in the cycle yet
    language: Mapped[str] = mapped_column(sa.String(8))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    rebuilt_because: Mapped[str | None] = mapped_column(sa.String(16))  # REBUILT_BECAUSE

    __table_args__ = (
        # Named: the convention's name would pass PostgreSQL's 63 characters.
        sa.UniqueConstraint(
            "cycle_id",
            "ledger_sequence",
            "language",
            "generation",
            name=conv("uq_stored_cycle_reports_cycle_ledger_language_generation"),
        ),
    )
