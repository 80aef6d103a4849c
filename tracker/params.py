"""Numbers and dates from the request, parsed in one place: ASCII digits only, within a range.

``int()`` and ``str.isdigit()`` disagree (``"²".isdigit()`` is true and ``int("²")`` fails;
``int("١٢")`` is 12), and Python's integers have no upper bound while the databases stop (an
OFFSET at 2**63 - 1, an id column on PostgreSQL at 2**31 - 1): a page of 10**20 used to reach
SQL as an offset and answer 500. Every view reads its
numeric query parameters through :func:`arg_int`, its page through :func:`page_number`, and
every ``<int:…>`` in a route goes through :class:`IdConverter`, which create_app registers as
the map's ``int`` converter. A value that is not a number, or out of range, is a
:class:`BadParameter` (400, a sentence naming the parameter and the range); an id out of range
is simply not found (404).
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map

from tracker.domain.refusals import Refusal
from tracker.errors import Said

# The largest id or version: the models' integer columns are 32-bit on PostgreSQL (INTEGER,
# SERIAL), and a larger number in a query is an error there, not "not found".
MAX_ID = 2**31 - 1
MAX_PER_PAGE = 200  # the largest page anyone may ask for (the API's per_page)
# Far beyond any real page, and small enough that (page - 1) × MAX_PER_PAGE fits an offset.
MAX_PAGE = 1_000_000
# The dates a filter may name; 9999-12-31 plus the day an "until" filter adds is past date.max.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: re's \d and str.isdigit() take '١' and '²'
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOWN = 20  # characters of a refused value repeated in the message


class BadParameter(Refusal):
    """A query parameter or form field that should hold a number or a date and does not."""

    codes = ("request.bad_number", "request.bad_date")
    status = 400

    def __init__(self, name: str, value: str, low: object, high: object, *, code: str):
        super().__init__(name, code=code)
        self.name, self.low, self.high = name, low, high
        self.value = value[:_SHOWN] + ("…" if len(value) > _SHOWN else "")


REFUSALS = {
    "request.bad_number": Said(
        lambda r: _(
            "%(name)s must be a whole number from %(low)s to %(high)s, not “%(value)s”.",
            name=r.name,
            low=r.low,
            high=r.high,
            value=r.value,
        ),
        title=_l("Bad request"),
    ),
    "request.bad_date": Said(
        lambda r: _(
            "%(name)s must be a date (YYYY-MM-DD) from %(low)s to %(high)s, not “%(value)s”.",
            name=r.name,
            low=r.low,
            high=r.high,
            value=r.value,
        ),
        title=_l("Bad request"),
    ),
}


def whole_number(raw: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """``raw`` as an integer if it is ASCII digits only and within [low, high], else None."""
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_int(name: str, raw: str, low: int = 0, high: int = MAX_ID) -> int:
    """``raw`` as a whole number in [low, high]; BadParameter (400) naming ``name`` if not."""
    value = whole_number(raw, low, high)
    if value is None:
        raise BadParameter(name, raw, low, high, code="request.bad_number")
    return value


def arg_int(name: str, default: int | None = None, low: int = 0, high: int = MAX_ID) -> int | None:
    """The query parameter ``name`` as a whole number in [low, high]; ``default`` when it is
    absent or empty; BadParameter (400) when it is anything else."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    return parse_int(name, raw, low, high)


def arg_id(name: str) -> int | None:
    """The query parameter ``name`` naming a record (an id, a version): None when absent or
    empty; a 404 when it is not a whole number from 1 to MAX_ID, as no record has that number."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    value = whole_number(raw, 1, MAX_ID)
    if value is None:
        abort(404)
    return value


def page_number() -> int:
    """The ``page`` query parameter: 1 when absent, 1 to MAX_PAGE, else BadParameter (400)."""
    page = arg_int("page", 1, 1, MAX_PAGE)
    assert page is not None
    return page


def parse_date(name: str, raw: str, low: date = FIRST_DAY, high: date = LAST_DAY) -> date:
    """``raw`` as an ISO date (ASCII YYYY-MM-DD) from ``low`` to ``high``; BadParameter (400)
    naming ``name`` if it is not one."""
    value = None
    if _ISO_DATE.fullmatch(raw):
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            value = None
    if value is None or not low <= value <= high:
        raise BadParameter(name, raw, low.isoformat(), high.isoformat(), code="request.bad_date")
    return value


def digits_at_most(top: int) -> str:
    """A regular expression for the decimal numbers 0 to ``top`` (leading zeros allowed below
    ``top``'s length): ``digits_at_most(2147483647)`` refuses 2147483648 by its digits."""
    text = str(top)
    shorter = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    same_length = []
    for i, digit in enumerate(text):
        rest = len(text) - i - 1
        if digit != "0":
            below = "0" if digit == "1" else f"[0-{int(digit) - 1}]"
            same_length.append(text[:i] + below + (f"[0-9]{{{rest}}}" if rest else ""))
    return "|".join([*shorter, *same_length, text])


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits, at most MAX_ID; anything else is not found.
    The bound is in the regular expression, not only in ``to_python``: a value past it then
    matches no route at all, so that a GET and a POST route on the same path both answer 404
    (werkzeug answers 405 when the converter refuses after another method's route matched)."""

    regex = f"(?:{digits_at_most(MAX_ID)})"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        # werkzeug's parameter names shadow the builtins here: a route's own max, if any,
        # may only lower the bound.
        top = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, top, signed)


def init_app(app: Flask) -> None:
    """Make IdConverter the map's ``int`` (before any blueprint adds its routes)."""
    app.url_map.converters["int"] = IdConverter
