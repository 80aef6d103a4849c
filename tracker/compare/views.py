"""/compare: two to four published disclosures side by side, item by item.

Addresses (every one public, cached per public generation like every public page):

- ``/compare?companies=a,b[,c,d][&cycle=<slug>]``: companies side by side in one cycle (by
  default the current cycle if anyone published in it, else the latest anyone published in;
  the page is then redirected to the address with that cycle named, so that a comparison kept
  or shared always shows the same cycle);
- ``/compare?companies=a&cycles=<slug>,<slug>[,…]``: one company across two to four cycles;
- ``&commitment=c2`` shows one commitment, ``&commitment=c2.red-team-internal`` one item.

One comparison has one address: companies and cycles in the reader's order, comma-separated,
the parameters in that order; anything else (the picker's repeated fields, spaces, empty
values, parameters the page does not read) is redirected there. With fewer than two columns
the page is the picker alone, a GET form that builds the address without JavaScript.
"""

import dataclasses
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, url_for

from tracker import clock
from tracker.compare import queries
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.comparison import (
    MAX_COLUMNS,
    CompareRefusal,
    Selection,
    align,
    parse_selection,
)
from tracker.errors import refusal_message
from tracker.ledger.queries import published_cycles
from tracker.public.services import current_cycle
from tracker.templating import preload_markdown

bp = Blueprint("compare", __name__)


def address(selection: Selection) -> str:
    """The stable address of a comparison (or of the picker with what it names)."""
    return url_for("compare.index") + "?" + urlencode(selection.query(), safe=",")


def _default_cycle(cycles: list[Cycle]) -> Cycle:
    """The current cycle if anyone published in it, else the latest anyone published in."""
    current = current_cycle(db.session, clock.today())
    return next((c for c in cycles if current is not None and c.id == current.id), cycles[0])


def _picker(
    selection: Selection,
    cycles: list[Cycle],
    cycle: Cycle | None,
    refusal: CompareRefusal | None = None,
):
    """The picker alone: the forms that build a comparison's address, filled in with what the
    request named, and what was wrong with it."""
    session = db.session
    return render_template(
        "compare/index.html",
        selection=selection,
        cycles=cycles,
        cycle=cycle,
        choices=queries.published_in(session, cycle) if cycle is not None else [],
        ever=queries.ever_published(session) if cycles else [],
        columns=None,
        problem=refusal_message(refusal) if refusal else None,
        MAX_COLUMNS=MAX_COLUMNS,
    ), (refusal.status if refusal else 200)


@bp.get("/compare")
def index():
    session = db.session
    args = request.args
    cycles = published_cycles(session)
    default = _default_cycle(cycles) if cycles else None
    try:
        selection = parse_selection(
            args.getlist("companies"), args.get("cycle"), args.getlist("cycles"),
            args.get("commitment"),
        )  # fmt: skip
    except CompareRefusal as refusal:
        return _picker(Selection(), cycles, default, refusal)
    if not cycles:
        return _picker(selection, cycles, None)
    by_slug = {c.slug: c for c in cycles}
    try:
        wanted = selection.cycles if selection.across_cycles else (selection.cycle,)
        for slug in wanted:
            if slug is not None and slug not in by_slug:
                raise CompareRefusal("compare.unknown_cycle", slug, status=404)
        companies = queries.public_companies(session, selection.companies)
        for slug in selection.companies:
            if slug not in companies:
                raise CompareRefusal("compare.unknown_company", slug, status=404)
    except CompareRefusal as refusal:
        return _picker(Selection(), cycles, default, refusal)
    cycle = by_slug[selection.cycle] if selection.cycle else default
    assert cycle is not None
    if not selection.is_comparison:
        return _picker(selection, cycles, cycle)
    if selection.across_cycles:
        company = companies[selection.companies[0]]
        columns = queries.company_across(session, company, [by_slug[s] for s in selection.cycles])
    else:
        columns = queries.companies_in_cycle(
            session, cycle, [companies[s] for s in selection.companies]
        )
    reports = [column.shown.report if column.shown else None for column in columns]
    try:
        rows = align(reports, selection.commitment)
    except CompareRefusal as refusal:
        return _picker(selection, cycles, cycle, refusal)
    stable = (
        selection
        if selection.across_cycles or selection.cycle
        else Selection(selection.companies, cycle.slug, (), selection.commitment)
    )
    if request.query_string.decode("utf-8", "replace") != urlencode(stable.query(), safe=","):
        return redirect(address(stable), 302)
    preload_markdown(  # both texts: the reader's language is shown, the other is folded
        text
        for report in reports
        if report
        for answer in report.answers.values()
        for text in (answer.narrative, answer.narrative_translation)
    )
    return render_template(
        "compare/index.html",
        selection=selection,
        cycles=cycles,
        cycle=cycle,
        choices=queries.published_in(session, cycle),
        ever=queries.ever_published(session),
        columns=columns,
        rows=rows,
        outline=align(reports) if selection.commitment else rows,
        without=[address(_without(selection, index)) for index in range(len(columns))],
        unfiltered=address(dataclasses.replace(selection, commitment=None)),
        problem=None,
        MAX_COLUMNS=MAX_COLUMNS,
    )


def _without(selection: Selection, index: int) -> Selection:
    """The selection less its column ``index`` (a company, or a cycle)."""
    if selection.across_cycles:
        cycles = selection.cycles[:index] + selection.cycles[index + 1 :]
        return dataclasses.replace(selection, cycles=cycles)
    companies = selection.companies[:index] + selection.companies[index + 1 :]
    return dataclasses.replace(selection, companies=companies)
