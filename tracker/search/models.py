"""The search index: a document per searchable text and its terms (an inverted index that
both databases read alike through an ordinary index on the term)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Model, UTCDateTime

# Terms compare byte by byte on both databases (PostgreSQL's "C" collation, SQLite's
# default), so that a prefix is one range of the index: term >= 'bench' AND term < 'benci'.
TERM_TYPE = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


class DocumentKind(StrEnum):
    ANSWER = "answer"  # one item of a company's current published version in a cycle
    COMPANY = "company"  # a company's names, from the roster


class Field(StrEnum):
    """Where in a document a term occurs (ranking puts title and name matches first)."""

    TEXT = "text"  # an answer's narrative or not-applicable reason
    TITLE = "title"  # the answered item's title, in both languages
    NAME = "name"  # a company's names and short name


class SearchDocument(Model):
    """One searchable text. An answer's row says where it was published (publication,
    company, cycle, item, commitment, status) and keeps its plain text for the snippet."""

    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    publication_id: Mapped[int | None] = mapped_column(sa.ForeignKey("publications.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"))
    version: Mapped[int | None]
    item_id: Mapped[str | None] = mapped_column(sa.String(100))
    commitment_id: Mapped[str | None] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)  # the item's place in the checklist
    status: Mapped[str | None] = mapped_column(sa.String(30))
    language: Mapped[str | None] = mapped_column(sa.String(8))  # of the text: "en" or "zh"
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(sa.Text, default="")  # plain text, for the snippet

    company: Mapped[Company] = relationship()
    cycle: Mapped[Cycle | None] = relationship()

    __table_args__ = (sa.Index("ix_search_documents_cycle_id_kind", "cycle_id", "kind"),)


class SearchTerm(Model):
    """A term of a document, where it occurs in it and how often."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(TERM_TYPE, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    field: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    hits: Mapped[int] = mapped_column(default=1)
