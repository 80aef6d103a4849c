"""Sorting and filtering public tables from query parameters, without JavaScript.

A sortable table's column headers are links such as ``?sort=overall&order=desc``; a filter is a
link such as ``?commitment=c3``. The values are checked here, in one place: a value the table
does not know is a :class:`BadChoice` (400, a sentence naming the parameter and the values it
takes), never silently replaced by the default. A refused address is not stored by the page
cache (only 200 answers are), so made-up values cannot fill it with copies of the default
page. ``tracker/static/js/tables.js`` sorts a table whose rows are all on the page in the
browser, from the same links, and puts the link's address in the location bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.domain.refusals import Refusal
from tracker.errors import Said

ASCENDING, DESCENDING = "asc", "desc"
_SHOWN = 20  # characters of a refused value repeated in the message


class BadChoice(Refusal):
    """A query parameter that must be one of a few values and is not."""

    code = "request.bad_choice"
    status = 400

    def __init__(self, name: str, value: str, choices: list[str]):
        super().__init__(name)
        self.name, self.choices = name, choices
        self.value = value[:_SHOWN] + ("…" if len(value) > _SHOWN else "")


REFUSALS = {
    "request.bad_choice": Said(
        lambda r: _(
            "%(name)s must be one of %(choices)s, not “%(value)s”.",
            name=r.name,
            choices=", ".join(r.choices),
            value=r.value,
        ),
        title=_l("Bad request"),
    ),
}


def arg_choice(name: str, choices: list[str], default: str | None = None) -> str | None:
    """The query parameter ``name``, one of ``choices``; ``default`` when absent or empty;
    BadChoice (400) when it is anything else."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if raw not in choices:
        raise BadChoice(name, raw, choices)
    return raw


@dataclass(frozen=True)
class TableSort:
    """How a table is sorted, and the links its headers carry.

    ``first`` maps each column key to the order a first click sorts it in (``DESCENDING`` for
    scores: highest first; ``ASCENDING`` for names); clicking the sorted column again reverses
    it. ``param`` and ``order_param`` name the query parameters (two tables on one page use
    different ones); ``page_param`` is dropped from a header link (a new order starts at page 1).
    """

    key: str
    order: str
    first: Mapping[str, str]
    default: str
    param: str = "sort"
    order_param: str = "order"
    page_param: str | None = "page"

    @property
    def descending(self) -> bool:
        return self.order == DESCENDING

    @property
    def is_default(self) -> bool:
        return self.key == self.default and self.order == self.first[self.default]

    def aria(self, key: str) -> str | None:
        """The ``aria-sort`` of a column header: only the sorted column has one."""
        if key != self.key:
            return None
        return "descending" if self.descending else "ascending"

    def order_after_click(self, key: str) -> str:
        if key == self.key:
            return ASCENDING if self.descending else DESCENDING
        return self.first[key]

    def link_args(self, key: str) -> dict[str, str | None]:
        """The query parameters of the header link of column ``key`` (None: dropped)."""
        args: dict[str, str | None] = {
            self.param: key,
            self.order_param: self.order_after_click(key),
        }
        if self.page_param:
            args[self.page_param] = None
        return args


def table_sort(
    first: Mapping[str, str],
    default: str,
    *,
    param: str = "sort",
    order_param: str = "order",
    page_param: str | None = "page",
) -> TableSort:
    """The table's sort from the request: ``param`` one of ``first``'s keys (else BadChoice),
    ``order_param`` asc or desc (else BadChoice); by default ``default`` in its first order."""
    key = arg_choice(param, list(first), default)
    assert key is not None
    order = arg_choice(order_param, [ASCENDING, DESCENDING], first[key])
    assert order is not None
    return TableSort(key, order, first, default, param, order_param, page_param)


def table_url(anchor: str | None = None, **changes: str | None) -> str:
    """This page's address with some query parameters changed (None: removed), the others
    kept, and the page's own route arguments; ``anchor``: a fragment to land on."""
    args: dict[str, Any] = dict(request.view_args or {})
    args |= {k: v for k, v in request.args.items() if k not in changes}
    args |= {k: v for k, v in changes.items() if v is not None}
    assert request.endpoint is not None
    return url_for(request.endpoint, **args) + (f"#{anchor}" if anchor else "")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(table_url=table_url)
