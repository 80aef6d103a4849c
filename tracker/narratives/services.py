"""Rendering narratives once: read the stored HTML of many texts in one query, render and
store only the texts never rendered by this renderer version. Differences between two texts
likewise: read in one query, worked out and stored only when missing.

Functions receive the session; they flush, and the caller commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.db import Session
from tracker.domain.diff import (
    DIFF_VERSION,
    MAX_PAGE_PAIRS,
    MAX_TOTAL_PAIRS,
    Chunk,
    DiffBudget,
    text_diff,
    unchecked,
)
from tracker.domain.htmldiff import HTML_DIFF_VERSION, html_diff
from tracker.domain.markdown import RENDERER_VERSION, RenderOverrun, plain_paragraphs, render_within
from tracker.narratives.models import NarrativeDiff, RenderedDiff, RenderedNarrative

# session.info: this session stored renders or differences (a GET commits them after a
# successful response: tracker.app).
STORED = "tracker.narratives_stored"

# Differences a page may work out (each within MAX_TOTAL_PAIRS): the rest of a long history
# shows as "changed" this once, and is worked out by the next views.
FRESH_DIFFS_PER_PAGE = MAX_PAGE_PAIRS // MAX_TOTAL_PAIRS


def text_key(text: str) -> str:
    """The SHA-256 of the text (UTF-8), as the store knows it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _wanted(texts: Iterable[str | None]) -> dict[str, str]:
    return {text_key(t): t for t in texts if t and t.strip()}


def stored_html(session: Session, texts: Iterable[str | None]) -> dict[str, str]:
    """Text -> stored HTML for those of ``texts`` rendered before, in one query."""
    wanted = _wanted(texts)
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(RenderedNarrative.text_sha256, RenderedNarrative.html).where(
            RenderedNarrative.renderer_version == RENDERER_VERSION,
            RenderedNarrative.text_sha256.in_(wanted),
        )
    )
    return {wanted[key]: html for key, html in rows}


def html_for(
    session: Session, texts: Iterable[str | None], *, refuse_overrun: bool = False
) -> dict[str, str]:
    """Text -> sanitised HTML for every non-blank text: one query for what is stored, a render
    (within the hard budget) and a stored row for each text that is not.

    A render that overruns stores the text as escaped paragraphs, so that it is never tried
    again on a page; with ``refuse_overrun`` (saving) RenderOverrun is raised instead and
    nothing is stored.
    """
    given = [t for t in texts if t and t.strip()]
    found = stored_html(session, given)
    missing = {text_key(t): t for t in given if t not in found}
    rows = []
    for key, text in missing.items():
        try:
            html, complete = render_within(text), True
        except RenderOverrun:
            if refuse_overrun:
                raise
            html, complete = plain_paragraphs(text), False
        found[text] = html
        rows.append(
            RenderedNarrative(
                text_sha256=key, renderer_version=RENDERER_VERSION, html=html, complete=complete
            )
        )
    if rows:
        _store(session, rows)
    return found


def pair_key(before: str, after: str) -> str:
    """The SHA-256 that names the difference from ``before`` to ``after``."""
    return hashlib.sha256(f"{text_key(before)}:{text_key(after)}".encode()).hexdigest()


def diffs_for(
    session: Session,
    pairs: Iterable[tuple[str, str]],
    fresh_limit: int | None = FRESH_DIFFS_PER_PAGE,
) -> dict[tuple[str, str], list[Chunk]]:
    """(before, after) -> the chunks of text_diff for every pair: one query for the stored
    ones; up to ``fresh_limit`` of the others worked out and stored (None: all of them, each
    within MAX_TOTAL_PAIRS), the rest unchecked (shown whole as "changed", not stored)."""
    wanted = {pair_key(b or "", a or ""): (b or "", a or "") for b, a in pairs}
    found: dict[tuple[str, str], list[Chunk]] = {}
    if wanted:
        rows = session.execute(
            sa.select(NarrativeDiff.pair_sha256, NarrativeDiff.chunks).where(
                NarrativeDiff.diff_version == DIFF_VERSION,
                NarrativeDiff.pair_sha256.in_(wanted),
            )
        )
        found = {wanted[key]: [Chunk(*c) for c in chunks] for key, chunks in rows}
    fresh: list[NarrativeDiff] = []
    for key, pair in wanted.items():
        if pair in found:
            continue
        if fresh_limit is None or len(fresh) < fresh_limit:
            found[pair] = text_diff(*pair)
            fresh.append(
                NarrativeDiff(
                    pair_sha256=key,
                    diff_version=DIFF_VERSION,
                    chunks=[c.as_list() for c in found[pair]],
                )
            )
        else:
            found[pair] = unchecked(*pair)
    if fresh:
        _store(session, fresh)
    return found


def rendered_diffs_for(
    session: Session, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(before, after) Markdown -> the difference shown on their rendered text (sanitised HTML
    with ``<ins>`` and ``<del>``), for every pair: one query for the stored ones; the others
    worked out from the texts' stored HTML (rendered and stored if missing) within one
    DiffBudget, and stored. Publication works out a new version's; a page that finds one
    missing (a version published before they were kept) works it out once."""
    wanted = {pair_key(b or "", a or ""): (b or "", a or "") for b, a in pairs}
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(RenderedDiff.pair_sha256, RenderedDiff.html).where(
            RenderedDiff.diff_version == HTML_DIFF_VERSION,
            RenderedDiff.renderer_version == RENDERER_VERSION,
            RenderedDiff.pair_sha256.in_(wanted),
        )
    )
    found = {wanted[key]: html for key, html in rows}
    missing = {key: pair for key, pair in wanted.items() if pair not in found}
    if missing:
        rendered = html_for(session, (t for pair in missing.values() for t in pair))
        budget = DiffBudget()
        fresh = []
        for key, (before, after) in missing.items():
            found[(before, after)] = html_diff(
                rendered.get(before, ""), rendered.get(after, ""), budget
            )
            fresh.append(
                RenderedDiff(
                    pair_sha256=key,
                    diff_version=HTML_DIFF_VERSION,
                    renderer_version=RENDERER_VERSION,
                    html=found[(before, after)],
                )
            )
        _store(session, fresh)
    return found


def _store(
    session: Session, rows: list[RenderedNarrative] | list[NarrativeDiff] | list[RenderedDiff]
) -> None:
    session.info[STORED] = True
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:
        # Another request stored some of them first (the same key, the same content): store
        # the rest.
        for row in rows:
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue
