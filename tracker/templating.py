"""Jinja filters and globals shared by every page (and later by the PDF reports)."""

from collections.abc import Iterable

from flask import Flask, current_app, g
from markupsafe import Markup

from tracker.dates import format_day, format_moment
from tracker.domain.answers import is_http_url
from tracker.domain.dates import day_text
from tracker.domain.diff import Chunk, DiffBudget, text_diff
from tracker.domain.markdown import RenderOverrun, plain_paragraphs, render_within
from tracker.domain.scoring import Score
from tracker.domain.text_language import narrative_language
from tracker.labels import STATE_LABELS, STATUS_LABELS

# Where the HTML of narratives comes from: a function of many texts returning text -> HTML,
# set by the app factory to the narratives store (tracker.narratives.services.html_for).
NARRATIVE_SOURCE = "tracker.narrative_html"
# app.extensions: (before, after) pairs -> their text_diff chunks, stored (tracker.app).
DIFF_SOURCE = "tracker.narrative_diffs"


def _bounded_html(texts: list[str]) -> dict[str, str]:
    """Without a store: each text rendered within the hard budget, else as plain paragraphs."""
    found = {}
    for text in texts:
        try:
            found[text] = render_within(text)
        except RenderOverrun:
            found[text] = plain_paragraphs(text)
    return found


def _request_narratives() -> dict[str, str]:
    if "narrative_html" not in g:
        g.narrative_html = {}
    return g.narrative_html


def _page_diffs(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list[Chunk]]:
    """Without a store: each difference worked out, within one budget for the page."""
    budget = DiffBudget()
    return {pair: text_diff(*pair, budget=budget) for pair in pairs}


def text_diffs(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Chunk]]:
    """(before, after) -> the chunks of every pair's difference, for one page at once (stored:
    read in one query, each worked out only the first time)."""
    source = current_app.extensions.get(DIFF_SOURCE, _page_diffs)
    return source(list(dict.fromkeys(pairs)))


def preload_markdown(texts: Iterable[str | None]) -> None:
    """Fetch the HTML of all these narratives for this request at once (one query for a page
    that shows many), so that the ``markdown`` filter only reads."""
    known = _request_narratives()
    wanted = list({t for t in texts if t and t.strip() and t not in known})
    if wanted:
        source = current_app.extensions.get(NARRATIVE_SOURCE, _bounded_html)
        known.update(source(wanted))


def markdown_filter(text: str | None) -> Markup:
    """Sanitised HTML from untrusted Markdown; safe to insert without escaping.

    Read from what the view preloaded; a text it did not preload is fetched (and, if never
    rendered, rendered within the hard budget and stored) on its own.
    """
    if not text or not text.strip():
        return Markup("")
    known = _request_narratives()
    if text not in known:
        preload_markdown([text])
    # The store holds only render_markdown's nh3-sanitised HTML or plain_paragraphs' escaped text.
    return Markup(known[text])  # noqa: S704


def diff_html_filter(html: str | None) -> Markup:
    """A stored difference of two narratives (tracker.domain.htmldiff.html_diff), safe to
    insert: made only of sanitised HTML and sanitised again."""
    return Markup(html or "")  # noqa: S704


def filesize(size: int) -> str:
    """Bytes in the unit people read: 900 B, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def http_url_test(value: object) -> bool:
    """True for an absolute http(s) URL: the only links from user data that pages render."""
    return isinstance(value, str) and is_http_url(value)


def score_band(score: Score | None) -> str:
    """A CSS class for a score: ``band-na`` for none, else ``band-0`` … ``band-10`` in tenths."""
    if score is None or score.value is None:
        return "band-na"
    return f"band-{round(score.value * 10)}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["diff_html"] = diff_html_filter
    # one date style per language, with the zone named (tracker.domain.dates)
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.globals.update(
        score_band=score_band,
        # a day in a named language, for mail written in both ("zh" / "en")
        day_in=day_text,
        STATUS_LABELS=STATUS_LABELS,
        STATE_LABELS=STATE_LABELS,
        # narrative_language(text, chosen).html: the lang attribute of a live answer's narrative
        narrative_language=narrative_language,
    )
    app.jinja_env.tests["http_url"] = http_url_test
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
