"""The ledger page's list: which entries it shows (company, cycle, kind) and in which order.

Everything is read from query parameters, so that a filtered or sorted list is a link that
works without JavaScript and is cached like any public page. A parameter is either absent or
empty (no filter, the default order) or one of the values the page offers; anything else is
a :class:`BadFilter` (400, a sentence naming the parameter and what it takes), never a
silently different list. The page reads a constant number of queries whatever the filters:
the companies and cycles the ledger names (one query each, which also name the rows), the
count and the page of entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.ledger import EntryKind
from tracker.domain.refusals import Refusal
from tracker.ledger.models import LedgerEntry

# sort parameter -> ORDER BY; the first is the default. A company's order is its slug's (the
# slugs are its name in Latin letters, pinyin for a Chinese name), then the ledger's.
SORTS: dict[str, tuple[sa.ColumnElement, ...]] = {
    "-sequence": (LedgerEntry.sequence.desc(),),
    "sequence": (LedgerEntry.sequence.asc(),),
    "company": (LedgerEntry.company_slug.asc(), LedgerEntry.sequence.asc()),
    "-company": (LedgerEntry.company_slug.desc(), LedgerEntry.sequence.asc()),
}
DEFAULT_SORT = "-sequence"
KINDS = tuple(kind.value for kind in EntryKind)
_SHOWN = 20  # characters of a refused value repeated in the message


class BadFilter(Refusal):
    """A filter or sort parameter of the ledger page that is not one the page offers."""

    code = "ledger.bad_filter"
    status = 400

    def __init__(self, name: str, value: str, allowed: tuple[str, ...]):
        super().__init__(name)
        self.name, self.allowed = name, allowed
        self.value = value[:_SHOWN] + ("…" if len(value) > _SHOWN else "")


@dataclass(frozen=True)
class Named:
    """A company or cycle the ledger names: its slug, and its row when it has one (None for a
    slug no row has any longer, which the page shows as it is)."""

    slug: str
    row: Company | Cycle | None


@dataclass(frozen=True)
class Filters:
    """What the list shows: "" for every company, cycle or kind."""

    company: str = ""
    cycle: str = ""
    kind: str = ""
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the order is not a filter)."""
        return bool(self.company or self.cycle or self.kind)

    def args(self, **changes: str) -> dict[str, str]:
        """The query parameters of this list with ``changes``, defaults left out (for links)."""
        wanted = replace(self, **changes)
        args = {
            name: value for name in ("company", "cycle", "kind") if (value := getattr(wanted, name))
        }
        if wanted.sort != DEFAULT_SORT:
            args["sort"] = wanted.sort
        return args

    def toggled(self, column: str) -> dict[str, str]:
        """The parameters of this list sorted by ``column`` (sequence or company): the other
        direction when it is sorted by it already; newest first, or A to Z, when it is not."""
        if self.sort == column:
            return self.args(sort="-" + column)
        if self.sort == "-" + column:
            return self.args(sort=column)
        return self.args(sort="-sequence" if column == "sequence" else column)

    def direction(self, column: str) -> str:
        """The ``aria-sort`` of ``column``'s header: ascending, descending or none."""
        if self.sort == column:
            return "ascending"
        if self.sort == "-" + column:
            return "descending"
        return "none"


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = args.get(name, "")
    if raw == "":
        return default
    if raw not in allowed:
        raise BadFilter(name, raw, allowed)
    return raw


def companies_named(session: Session) -> list[Named]:
    """Every company slug the ledger names, with its company (one query)."""
    slugs = sa.select(LedgerEntry.company_slug.label("slug")).distinct().subquery()
    rows = session.execute(
        sa.select(slugs.c.slug, Company).outerjoin(Company, Company.slug == slugs.c.slug)
    )
    return sorted((Named(slug, company) for slug, company in rows), key=lambda n: n.slug)


def cycles_named(session: Session) -> list[Named]:
    """Every cycle slug the ledger names, with its cycle, latest first (one query)."""
    slugs = sa.select(LedgerEntry.cycle_slug.label("slug")).distinct().subquery()
    rows = session.execute(
        sa.select(slugs.c.slug, Cycle)
        .outerjoin(Cycle, Cycle.slug == slugs.c.slug)
        .order_by(Cycle.opens_on.desc(), slugs.c.slug)
    )
    return [Named(slug, cycle) for slug, cycle in rows]


def read_filters(args: Mapping[str, str], companies: list[Named], cycles: list[Named]) -> Filters:
    """The list the query parameters ask for; BadFilter when one is not what the page offers
    (a company or cycle the ledger does not name, a kind or sort it does not know)."""
    return Filters(
        company=_choice(args, "company", tuple(n.slug for n in companies), ""),
        cycle=_choice(args, "cycle", tuple(n.slug for n in cycles), ""),
        kind=_choice(args, "kind", KINDS, ""),
        sort=_choice(args, "sort", tuple(SORTS), DEFAULT_SORT),
    )


def entries(filters: Filters) -> sa.Select:
    """The entries the list shows, in its order (to paginate)."""
    query = sa.select(LedgerEntry)
    if filters.company:
        query = query.where(LedgerEntry.company_slug == filters.company)
    if filters.cycle:
        query = query.where(LedgerEntry.cycle_slug == filters.cycle)
    if filters.kind:
        query = query.where(LedgerEntry.kind == EntryKind(filters.kind))
    return query.order_by(*SORTS[filters.sort])
