"""What the feeds list: the latest publications of public signatories, newest first.

One query per feed, whatever the number of publications: each publication with its company,
cycle, ledger entry and stored overall score, and none of its snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.ledger.models import OVERALL, Publication, PublicationScore

# A feed holds the latest this many publications (feed readers keep what they have seen).
FEED_SIZE = 50


@dataclass(frozen=True)
class FeedEntry:
    """A publication as a feed entry shows it."""

    publication: Publication
    overall: int | None  # the overall score stored at publication (None: nothing applicable)

    @property
    def is_correction(self) -> bool:
        return self.publication.supersedes_id is not None


def latest_publications(
    session: Session,
    *,
    company: Company | None = None,
    cycle: Cycle | None = None,
    corrections_only: bool = False,
    limit: int = FEED_SIZE,
) -> list[FeedEntry]:
    """The latest ``limit`` publications of public signatories (of one company, or one cycle),
    newest first; ``corrections_only``: only versions that replaced an earlier one."""
    overall = sa.orm.aliased(PublicationScore)
    query = (
        sa.select(Publication, overall.percent)
        .join(Company, Company.id == Publication.company_id)
        .outerjoin(
            overall,
            sa.and_(overall.publication_id == Publication.id, overall.commitment_id == OVERALL),
        )
        .where(Company.is_public_signatory)
        .order_by(Publication.published_at.desc(), Publication.id.desc())
        .limit(limit)
        .options(
            load_only(
                Publication.id,
                Publication.company_id,
                Publication.cycle_id,
                Publication.version,
                Publication.snapshot_sha256,
                Publication.published_at,
                Publication.supersedes_id,
            ),
            joinedload(Publication.company),
            joinedload(Publication.cycle),
            joinedload(Publication.entry),
        )
    )
    if company is not None:
        query = query.where(Publication.company_id == company.id)
    if cycle is not None:
        query = query.where(Publication.cycle_id == cycle.id)
    if corrections_only:
        query = query.where(Publication.supersedes_id.is_not(None))
    return [FeedEntry(p, percent) for p, percent in session.execute(query)]


def newest(entries: list[FeedEntry], otherwise: datetime) -> datetime:
    """When the feed last changed: its newest entry's publication, else ``otherwise``."""
    return entries[0].publication.published_at if entries else otherwise
