"""What a badge shows, and how wide its text is.

A badge is two boxes side by side, each as wide as its text: there is no font to measure with
on the server, so each character is given an estimated width at the badge's 11 px (wide East
Asian characters the full em, narrow Latin letters about a third of it); the SVG then fits each
text to its box (``textLength``), so a wrong guess changes the spacing, never cuts the text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.ledger.models import OVERALL, Publication, PublicationScore

FONT_SIZE = 11
PADDING = 6  # on each side of a text
HEIGHT = 20
_NARROW = set("fijlrtI.,:;'!|()[]{} /")
_WIDE_LATIN = set("mwMW@%")


def char_width(char: str) -> float:
    """An estimate of the character's advance at FONT_SIZE, in pixels."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return FONT_SIZE  # CJK ideographs, kana, full-width forms: one em
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if char in _NARROW:
        return 3.6
    if char in _WIDE_LATIN:
        return 10
    if char.isupper() or char.isdigit():
        return 7.6
    return 6.6


def text_width(text: str) -> int:
    """The estimated width of ``text`` at FONT_SIZE, in whole pixels."""
    return round(sum(char_width(c) for c in text))


@dataclass(frozen=True)
class Box:
    text: str
    x: int  # left edge
    width: int  # the box's, padding included

    @property
    def text_length(self) -> int:
        return self.width - 2 * PADDING

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Layout:
    label: Box
    value: Box

    @property
    def width(self) -> int:
        return self.label.width + self.value.width


def layout(label: str, value: str) -> Layout:
    """The two boxes of a badge, each as wide as its text and padding."""
    label_width = text_width(label) + 2 * PADDING
    value_width = text_width(value) + 2 * PADDING
    return Layout(Box(label, 0, label_width), Box(value, label_width, value_width))


def latest_publication(
    session: Session, company: Company, cycle: Cycle | None
) -> tuple[Publication, int | None] | None:
    """The company's latest published version (in ``cycle``, else in its newest cycle) with its
    ledger entry and cycle, and the overall score stored at publication: one query."""
    query = (
        sa.select(Publication, PublicationScore.percent)
        .join(Cycle, Cycle.id == Publication.cycle_id)
        .outerjoin(
            PublicationScore,
            sa.and_(
                PublicationScore.publication_id == Publication.id,
                PublicationScore.commitment_id == OVERALL,
            ),
        )
        .where(Publication.company_id == company.id)
        .order_by(Cycle.opens_on.desc(), Cycle.id.desc(), Publication.version.desc())
        .limit(1)
        .options(joinedload(Publication.entry), joinedload(Publication.cycle))
    )
    if cycle is not None:
        query = query.where(Publication.cycle_id == cycle.id)
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None
