"""The stored HTML of a narrative, one row per (text, renderer version)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import JSONType, Model, UTCDateTime, utcnow


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


class NarrativeDiff(Model):
    """The word-level difference between two texts, as tracker.domain.diff.text_diff gave it,
    keyed by the SHA-256 of the pair and the diff version: worked out once, read on every
    later view of an answer's history or a year-over-year comparison."""

    __tablename__ = "narrative_diffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_sha256: Mapped[str] = mapped_column(sa.String(64))  # tracker.narratives.services.pair_key
    diff_version: Mapped[int]
    chunks: Mapped[list] = mapped_column(JSONType)  # [[kind, text, before], ...]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("pair_sha256", "diff_version"),)


class RenderedDiff(Model):
    """The difference between two narratives shown on their rendered text: the newer one's
    sanitised HTML with ``<ins>`` and ``<del>`` marks (tracker.domain.htmldiff.html_diff),
    keyed by the SHA-256 of the pair of Markdown texts, the diff version and the renderer
    version. Worked out at publication for the year-over-year comparison; pages and PDFs read
    it."""

    __tablename__ = "rendered_diffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_sha256: Mapped[str] = mapped_column(sa.String(64))  # tracker.narratives.services.pair_key
    diff_version: Mapped[int]
    renderer_version: Mapped[int]
    html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("pair_sha256", "diff_version", "renderer_version"),)
