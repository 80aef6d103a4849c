"""Dates and moments as the request's language writes them, in the alliance's time zone: the
``date`` and ``datetime`` template filters and every message that names a time
(tracker.domain.dates holds the style)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_locale

from tracker import clock
from tracker.domain.dates import day_text, moment_text


def _locale() -> str:
    return str(get_locale() or "en")


# The filters used to be Flask-Babel's, which take a format ("short", "long"): one given is
# ignored, as there is one style (a template written against the old filters still renders).


def format_day(value: date | datetime | None, _format: str | None = None) -> str:
    """A day ("22 Dec 2026" / "2026年12月22日"); a moment gives its day in the alliance's zone;
    None gives ""."""
    if value is None:
        return ""
    return day_text(value, _locale(), clock.zone())


def format_moment(value: datetime | None, _format: str | None = None) -> str:
    """A moment ("22 Dec 2026, 17:00 (UTC+8)" / "2026年12月22日 17:00（UTC+8）"); None gives ""."""
    if value is None:
        return ""
    return moment_text(value, _locale(), clock.zone())
