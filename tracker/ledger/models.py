"""Published snapshots and the ledger entries that date and chain them. Append-only."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import AppendOnly, JSONType, Model, UTCDateTime, enum_column
from tracker.domain.ledger import Entry, EntryKind
from tracker.domain.scoring import Score, Scorecard
from tracker.filing.models import Disclosure


class Publication(AppendOnly, Model):
    """A published version of a company's disclosure for a cycle: its public content, frozen."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    version: Mapped[int]
    # The whole public content (tens of kB): read only where a page shows it; lists read the
    # scores and the summary computed from it at publication.
    snapshot: Mapped[dict] = mapped_column(JSONType, deferred=True)
    snapshot_sha256: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("publications.id"))
    # Per item its status and its structured answers, from the snapshot (a few kB): what the
    # cycle's matrix aggregates, without reading every snapshot (tracker.ledger.services.summarise).
    summary: Mapped[dict | None] = mapped_column(JSONType, deferred=True)

    disclosure: Mapped[Disclosure] = relationship()
    company: Mapped[Company] = relationship()
    cycle: Mapped[Cycle] = relationship()
    published_by: Mapped[User | None] = relationship()
    entry: Mapped["LedgerEntry"] = relationship(back_populates="publication", uselist=False)
    scores: Mapped[list["PublicationScore"]] = relationship(
        back_populates="publication", order_by="PublicationScore.commitment_id"
    )

    __table_args__ = (sa.UniqueConstraint("company_id", "cycle_id", "version"),)


# PublicationScore.commitment_id of the overall score.
OVERALL = ""


class PublicationScore(AppendOnly, Model):
    """A published version's score on one commitment (``OVERALL``: on the whole checklist),
    computed once at publication so that lists and aggregates never score snapshots again."""

    __tablename__ = "publication_scores"

    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"), primary_key=True)
    commitment_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    earned: Mapped[float] = mapped_column(sa.Float)
    possible: Mapped[float] = mapped_column(sa.Float)
    counted: Mapped[int]
    not_applicable: Mapped[int]
    percent: Mapped[int | None]  # Score.percent, stored so that SQL can group and average it

    publication: Mapped[Publication] = relationship(back_populates="scores")

    @property
    def score(self) -> Score:
        return Score(
            earned=self.earned,
            possible=self.possible,
            counted=self.counted,
            not_applicable=self.not_applicable,
        )


def scorecard_of(rows: list[PublicationScore], commitment_ids: list[str]) -> Scorecard:
    """The scorecard of one publication from its stored score rows, commitments in the
    checklist's order (``commitment_ids``)."""
    scores = {r.commitment_id: r.score for r in rows}
    return Scorecard(
        overall=scores[OVERALL], by_commitment={cid: scores[cid] for cid in commitment_ids}
    )


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
