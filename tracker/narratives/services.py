"""Rendering narratives once: read the stored HTML of many texts in one query, render and
store only the texts never rendered by this renderer version.

Functions receive the session; they flush, and the caller commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.db import Session
from tracker.domain.markdown import RENDERER_VERSION, RenderOverrun, plain_paragraphs, render_within
from tracker.narratives.models import RenderedNarrative


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


def _store(session: Session, rows: list[RenderedNarrative]) -> None:
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:
        # Another request stored some of them first (same text, same HTML): store the rest.
        for row in rows:
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue
