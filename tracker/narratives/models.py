"""The stored HTML of a narrative, one row per (text, renderer version)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Model, UTCDateTime, utcnow


class RenderedNarrative(Model):
    """Sanitised HTML of one Markdown text, keyed by the SHA-256 of the text and the renderer
    version that made it (tracker.domain.markdown.RENDERER_VERSION): a new renderer renders
    again, an unchanged text never does."""

    __tablename__ = "rendered_narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_sha256: Mapped[str] = mapped_column(sa.String(64))
    renderer_version: Mapped[int]
    html: Mapped[str] = mapped_column(sa.Text)
    # False: the render overran its budget and ``html`` is the text as escaped paragraphs.
    complete: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("text_sha256", "renderer_version"),)
