"""Jinja filters and globals shared by every page (and later by the PDF reports)."""

from flask import Flask
from flask_babel import format_date, format_datetime
from markupsafe import Markup

from tracker.domain.answers import is_http_url
from tracker.domain.markdown import RenderOverrun, plain_paragraphs, render_within
from tracker.domain.scoring import Score
from tracker.labels import STATE_LABELS, STATUS_LABELS


def markdown_filter(text: str | None) -> Markup:
    """Sanitised HTML from untrusted Markdown; safe to insert without escaping.

    Rendered within the hard budget; a text that overruns it (saved before the budget existed)
    is shown escaped as plain paragraphs rather than holding the page.
    """
    try:
        html = render_within(text)
    except RenderOverrun:
        html = plain_paragraphs(text)
    return Markup(html)  # noqa: S704 - render_markdown sanitises with nh3, plain_paragraphs escapes


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
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals.update(
        score_band=score_band,
        STATUS_LABELS=STATUS_LABELS,
        STATE_LABELS=STATE_LABELS,
    )
    app.jinja_env.tests["http_url"] = http_url_test
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
