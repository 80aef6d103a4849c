"""Blobs kept in the database (the ``database`` backend): one row per blob, its bytes in chunks."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Model, UTCDateTime, utcnow


class StoredBlob(Model):
    """A blob of a namespace, named by its SHA-256. While it is being written (inside the
    writer's transaction, so nobody else sees it) ``sha256`` is a ``pending-…`` placeholder."""

    __tablename__ = "blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(sa.String(32))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("namespace", "sha256"),)


class BlobChunk(Model):
    """``CHUNK_SIZE`` bytes of a blob (the last chunk may be shorter; an empty blob has none):
    chunk ``seq`` starts at byte ``seq * CHUNK_SIZE``."""

    __tablename__ = "blob_chunks"

    blob_id: Mapped[int] = mapped_column(
        sa.ForeignKey("blobs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
