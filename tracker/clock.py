"""The one clock: the current time and today's date in the alliance's time zone.

Every view, service caller and command asks this module, never ``date.today()`` (the server's
zone) or a bare UTC date: a due date is a day in the alliance's calendar (``TIMEZONE``,
Asia/Shanghai by default), whatever zone the server runs in. ``now()`` is timezone-aware in that
zone, so ``now().date()`` is the alliance's date; stored timestamps are converted to UTC by the
column type (tracker.db.UTCDateTime) and ledger times are written in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app


@cache
def zone_named(name: str) -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as ``Asia/Shanghai``); ValueError if
    there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Shanghai"
        ) from exc


def zone() -> ZoneInfo:
    """The alliance's time zone, from the app's configuration."""
    return zone_named(current_app.config["TIMEZONE"])


def now() -> datetime:
    """The current time, timezone-aware, in the alliance's zone."""
    return datetime.now(zone())


def today() -> date:
    """Today's date in the alliance's calendar."""
    return now().date()


def day_of(moment: datetime) -> date:
    """The alliance's calendar day of an aware moment (e.g. a stored UTC timestamp)."""
    return moment.astimezone(zone()).date()
