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
    results: Mapped[list["PublishedResult"]] = relationship(
        back_populates="publication",
        order_by="(PublishedResult.item_id, PublishedResult.position)",
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


class PublishedResult(AppendOnly, Model):
    """One benchmark result of a published version, as its snapshot holds it (public fields
    only), stored at publication with the columns the benchmark pages select and group by, so
    that they never read snapshots (tracker.ledger.services.result_values)."""

    __tablename__ = "published_results"

    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    position: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=False
    )  # 0, 1, … in the item
    benchmark: Mapped[str] = mapped_column(sa.String(300), index=True)
    version: Mapped[str] = mapped_column(sa.String(300))
    configuration: Mapped[str] = mapped_column(sa.String(300))
    language: Mapped[str] = mapped_column(sa.String(300))
    metric: Mapped[str] = mapped_column(sa.String(300))
    value: Mapped[float | None] = mapped_column(sa.Float)  # on a number scale
    level: Mapped[str | None] = mapped_column(sa.String(300))  # on a graded scale
    subject: Mapped[str] = mapped_column(sa.String(300))
    # "relationship" is the column's name; the attribute's avoids SQLAlchemy's function.
    relation: Mapped[str] = mapped_column("relationship", sa.String(300))
    run_on: Mapped[str] = mapped_column(sa.String(300))
    result: Mapped[dict] = mapped_column(JSONType)  # tracker.domain.results.result_to_dict

    publication: Mapped[Publication] = relationship(back_populates="results")


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
    # NULL for report entries: a report entry renders a publication entry (``renders``).
    publication_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("publications.id"), unique=True
    )
    # Report entries only (None otherwise, and then left out of the hash: tracker.domain.ledger).
    renders: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entries.sequence"))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # SHA-256(0x00 || leaf data) in hex: the entry's leaf in the Merkle log, so that proofs read
    # one narrow column (``tracker ledger verify`` recomputes it).
    leaf_hash: Mapped[str] = mapped_column(sa.String(64))

    publication: Mapped[Publication | None] = relationship(back_populates="entry")
    # A report entry's publication entry (load it with the query where a list shows it).
    rendered: Mapped["LedgerEntry | None"] = relationship(remote_side=[sequence])

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
            renders=self.renders,
            language=self.language,
            document_sha256=self.document_sha256,
        )

    @classmethod
    def values_of(cls, entry: Entry) -> dict:
        """The column values of a domain entry (its leaf hash included)."""
        return {
            "sequence": entry.sequence,
            "kind": entry.kind,
            "company_slug": entry.company,
            "cycle_slug": entry.cycle,
            "version": entry.version,
            "published_at": entry.published_at,
            "snapshot_sha256": entry.snapshot_sha256,
            "supersedes": entry.supersedes,
            "previous_hash": entry.previous_hash,
            "entry_hash": entry.entry_hash,
            "renders": entry.renders,
            "language": entry.language,
            "document_sha256": entry.document_sha256,
            "leaf_hash": entry.leaf_hash().hex(),
        }


class Checkpoint(AppendOnly, Model):
    """A signed checkpoint of the log (c2sp.org/tlog-checkpoint): one per tree size, every one
    ever issued kept. ``note`` is the signed note as the log signed it (text, blank line, the
    log's signature line); cosignatures are kept beside it."""

    __tablename__ = "ledger_checkpoints"

    size: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(sa.String(64))  # hex
    note: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Cosignature(AppendOnly, Model):
    """A witness's cosignature of a checkpoint (c2sp.org/tlog-cosignature), verified with the
    witness's key from the policy before it was stored."""

    __tablename__ = "ledger_cosignatures"

    checkpoint_size: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("ledger_checkpoints.size"), primary_key=True
    )
    witness: Mapped[str] = mapped_column(sa.String(255), primary_key=True)  # its key name
    key_id: Mapped[str] = mapped_column(sa.String(8), primary_key=True)  # hex
    line: Mapped[str] = mapped_column(sa.Text)  # "— <name> <base64>" without the newline
    timestamp: Mapped[int] = mapped_column(sa.BigInteger)  # POSIX seconds, as cosigned
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WitnessState(Model):
    """Delivery to one witness (by its key name): the largest checkpoint it has cosigned for
    this log, and when to try again after a failure. The outbox of witness delivery."""

    __tablename__ = "ledger_witness_state"

    witness: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    cosigned_size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(default=0)  # failures in a row
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
