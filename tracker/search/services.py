"""The search index, kept at publication, and the one query that reads it.

What is indexed is only what the public may read: each company's **current** published version
per cycle (one document per answered item: its narrative or not-applicable reason as plain
text, its status, the item's title from the checklist) and each company's names from the
roster. A correction replaces the documents of the version it supersedes, in the publishing
transaction; drafts, confidential notes and superseded versions are never in the index.
Whether a company is shown to the public at all is read when searching (a company whose
membership is not confirmed has documents nobody finds).

Functions receive the session and flush nothing themselves beyond their statements; the
caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import contains_eager

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.checklist import Checklist
from tracker.domain.search import Query, language_of_text, plain_text, prefix_end, terms
from tracker.narratives.services import html_for
from tracker.search.models import DocumentKind, Field, SearchDocument, SearchTerm

# Rows written per statement when the index is built in bulk.
BATCH = 2000


@dataclass(frozen=True)
class Published:
    """A published version to index: its record and snapshot, and the checklist it answers."""

    publication_id: int
    company_id: int
    cycle_id: int
    version: int
    published_at: datetime
    snapshot: dict
    checklist: Checklist


def _title_terms(checklist: Checklist, item_id: str, memo: dict) -> dict[str, int]:
    key = (checklist.content_hash, item_id)
    if key not in memo:
        title = checklist.item(item_id).title
        memo[key] = dict(terms(f"{title.en}\n{title.zh}"))
    return memo[key]


def _answer_rows(
    published: Published, html: dict[str, str], memo: dict
) -> list[tuple[dict[str, Any], list[tuple[str, str, int]]]]:
    """(document values, [(term, field, hits)]) for each answered item of a version."""
    rows = []
    items = {item.id: (position, item) for position, item in enumerate(published.checklist.items)}
    for entry in published.snapshot["items"]:
        if entry["id"] not in items or (entry["status"] is None and not entry["narrative"]):
            continue
        position, item = items[entry["id"]]
        narrative = entry["narrative"] or ""
        text = plain_text(html.get(narrative, "")) if narrative.strip() else ""
        reason = " ".join((entry.get("not_applicable_reason") or "").split())
        text = " ".join(part for part in (text, reason) if part)
        language = language_of_text(text) if text else None  # the original's
        # The company's version in the other language (snapshots since migration 0022) is
        # searchable with the original: a reader finds the answer in either language.
        translation = entry.get("narrative_translation") or ""
        if translation.strip():
            text = " ".join(part for part in (text, plain_text(html.get(translation, ""))) if part)
        document = {
            "kind": DocumentKind.ANSWER.value,
            "company_id": published.company_id,
            "publication_id": published.publication_id,
            "cycle_id": published.cycle_id,
            "version": published.version,
            "item_id": item.id,
            "commitment_id": item.commitment_id,
            "position": position,
            "status": entry["status"],
            "language": language,
            "published_at": published.published_at,
            "text": text,
        }
        found = [(t, Field.TEXT.value, n) for t, n in terms(text).items()]
        found += [
            (t, Field.TITLE.value, n)
            for t, n in _title_terms(published.checklist, item.id, memo).items()
        ]
        rows.append((document, found))
    return rows


def _insert(session_or_connection, rows: list[tuple[dict[str, Any], list]]) -> int:
    """Insert documents and their terms in a few statements; returns how many documents."""
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        ids = session_or_connection.execute(
            sa.insert(SearchDocument).returning(SearchDocument.id, sort_by_parameter_order=True),
            [document for document, _ in chunk],
        ).scalars()
        term_rows = [
            {"term": term, "document_id": document_id, "field": field, "hits": hits}
            for document_id, (_, found) in zip(ids, chunk, strict=True)
            for term, field, hits in found
        ]
        for at in range(0, len(term_rows), BATCH * 10):
            session_or_connection.execute(sa.insert(SearchTerm), term_rows[at : at + BATCH * 10])
    return len(rows)


def _delete(session_or_connection, documents: sa.Select) -> None:
    ids = documents.with_only_columns(SearchDocument.id).scalar_subquery()
    session_or_connection.execute(sa.delete(SearchTerm).where(SearchTerm.document_id.in_(ids)))
    session_or_connection.execute(sa.delete(SearchDocument).where(SearchDocument.id.in_(ids)))


def index_publications(session: Session, versions: Sequence[Published]) -> int:
    """Make each of ``versions`` its company's searchable version in its cycle: the documents
    of any earlier version of the same company and cycle go. Renders (or reads the stored
    renders of) their narratives. Returns how many documents were written."""
    if not versions:
        return 0
    narratives = [
        text
        for v in versions
        for entry in v.snapshot["items"]
        for text in (entry["narrative"], entry.get("narrative_translation"))
        if text
    ]
    html: dict[str, str] = {}
    for start in range(0, len(narratives), 500):
        html.update(html_for(session, narratives[start : start + 500]))
    by_cycle: dict[int, set[int]] = {}
    for v in versions:
        by_cycle.setdefault(v.cycle_id, set()).add(v.company_id)
    for cycle_id, company_ids in by_cycle.items():
        ordered = sorted(company_ids)
        for start in range(0, len(ordered), 500):
            _delete(
                session,
                sa.select(SearchDocument).where(
                    SearchDocument.kind == DocumentKind.ANSWER.value,
                    SearchDocument.cycle_id == cycle_id,
                    SearchDocument.company_id.in_(ordered[start : start + 500]),
                ),
            )
    memo: dict = {}
    return _insert(session, [row for v in versions for row in _answer_rows(v, html, memo)])


def company_rows(companies: Iterable[tuple[int, str, str, str]]) -> list[tuple[dict, list]]:
    """(document values, terms) of companies given as (id, slug, English name, Chinese name)."""
    return [
        (
            {
                "kind": DocumentKind.COMPANY.value,
                "company_id": company_id,
                "position": 0,
                "text": f"{name_en} · {name_zh}",
            },
            [(t, Field.NAME.value, n) for t, n in terms(f"{name_en}\n{name_zh}\n{slug}").items()],
        )
        for company_id, slug, name_en, name_zh in companies
    ]


def index_companies(connection, companies: list[tuple[int, str, str, str]]) -> None:
    """Replace the name documents of the given companies ((id, slug, name_en, name_zh))."""
    ids = [company_id for company_id, *_ in companies]
    for start in range(0, len(ids), 500):
        _delete(
            connection,
            sa.select(SearchDocument).where(
                SearchDocument.kind == DocumentKind.COMPANY.value,
                SearchDocument.company_id.in_(ids[start : start + 500]),
            ),
        )
    _insert(connection, company_rows(companies))


_NAMES = ("slug", "name_en", "name_zh")


@event.listens_for(sa.orm.Session, "after_flush")
def _index_changed_companies(session: sa.orm.Session, _flush_context) -> None:
    """A company added or renamed through the ORM (the roster, the demo) is searchable by its
    new names in the same transaction."""
    changed = [
        c
        for c in (*session.new, *session.dirty)
        if isinstance(c, Company)
        and (
            c in session.new
            or any(sa.inspect(c).attrs[name].history.has_changes() for name in _NAMES)
        )
    ]
    if changed:
        index_companies(
            session.connection(), [(c.id, c.slug, c.name_en, c.name_zh) for c in changed]
        )


def clear(session: Session) -> None:
    """Empty the index."""
    session.execute(sa.delete(SearchTerm))
    session.execute(sa.delete(SearchDocument))


# --- searching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to (None: anything)."""

    cycle_id: int | None = None
    commitment_id: str | None = None
    status: str | None = None
    company_id: int | None = None

    @property
    def answers_only(self) -> bool:
        """A filter that only answers have: company names drop out of the results."""
        return any(v is not None for v in (self.cycle_id, self.commitment_id, self.status))


def search_query(query: Query, filters: Filters) -> sa.Select:
    """The documents the public may read that hold every term of ``query``, in one statement
    (to paginate), best first: documents whose title or name holds more of the query's terms,
    company names before answers, then those where the terms occur more often, then the newest.

    Each term read is one range of the index on ``search_terms.term`` (an exact term or a
    prefix); a document matches when as many distinct query terms matched it as the query has.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    cases: list[tuple[sa.ColumnElement[bool], int]] = []
    for index, term in enumerate(query.exact):
        condition = SearchTerm.term == term
        conditions.append(condition)
        cases.append((condition, index))
    for index, prefix in enumerate(query.prefixes, start=len(query.exact)):
        condition = sa.and_(SearchTerm.term >= prefix, SearchTerm.term < prefix_end(prefix))
        conditions.append(condition)
        cases.append((condition, index))
    which = sa.case(*cases)
    in_title = sa.case((SearchTerm.field != Field.TEXT.value, which))
    matched = (
        sa.select(
            SearchTerm.document_id,
            sa.func.count(sa.distinct(in_title)).label("in_title"),
            sa.func.sum(SearchTerm.hits).label("hits"),
        )
        .where(sa.or_(*conditions))
        .group_by(SearchTerm.document_id)
        .having(sa.func.count(sa.distinct(which)) == query.size)
        .subquery()
    )
    statement = (
        sa.select(SearchDocument)
        .join(matched, matched.c.document_id == SearchDocument.id)
        .join(Company, Company.id == SearchDocument.company_id)
        .outerjoin(Cycle, Cycle.id == SearchDocument.cycle_id)
        .where(Company.is_public_signatory)
        .options(contains_eager(SearchDocument.company), contains_eager(SearchDocument.cycle))
    )
    if filters.answers_only:
        statement = statement.where(SearchDocument.kind == DocumentKind.ANSWER.value)
    if filters.cycle_id is not None:
        statement = statement.where(SearchDocument.cycle_id == filters.cycle_id)
    if filters.commitment_id is not None:
        statement = statement.where(SearchDocument.commitment_id == filters.commitment_id)
    if filters.status is not None:
        statement = statement.where(SearchDocument.status == filters.status)
    if filters.company_id is not None:
        statement = statement.where(SearchDocument.company_id == filters.company_id)
    return statement.order_by(
        matched.c.in_title.desc(),
        sa.case((SearchDocument.kind == DocumentKind.COMPANY.value, 0), else_=1),
        matched.c.hits.desc(),
        SearchDocument.published_at.desc(),
        Company.name_en,
        SearchDocument.position,
        SearchDocument.id,
    )


def run(session: Session, query: Query, filters: Filters, limit: int = 50, offset: int = 0):
    """The documents of one page of results (for callers outside a request)."""
    return list(session.scalars(search_query(query, filters).limit(limit).offset(offset)))
