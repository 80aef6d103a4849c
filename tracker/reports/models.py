"""PDF reports rendered once and kept: a published version's report per language."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import AppendOnly, Model, UTCDateTime, utcnow
from tracker.ledger.models import Publication


class StoredReport(AppendOnly, Model):
    """A rendered PDF: the file is stored under REPORT_DIR by its SHA-256, which is also the
    download's ETag. A published version's report never changes, so it is never re-rendered."""

    __tablename__ = "stored_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"))
    language: Mapped[str] = mapped_column(sa.String(8))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    publication: Mapped[Publication] = relationship()

    __table_args__ = (sa.UniqueConstraint("publication_id", "language"),)


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

    __table_args__ = (sa.UniqueConstraint("cycle_id", "ledger_sequence", "language"),)
