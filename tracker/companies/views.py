"""Company pages: the public list and pages, and the roster kept by administrators."""

from flask import Blueprint, abort, render_template, request

from tracker import clock
from tracker.companies import services
from tracker.db import db
from tracker.ledger import queries, reading
from tracker.pagination import paginate
from tracker.params import arg_id
from tracker.public import companies_list
from tracker.public.services import current_cycle
from tracker.sorting import arg_choice, table_sort
from tracker.templating import preload_markdown

bp = Blueprint("companies", __name__, url_prefix="/companies")


@bp.get("/")
def index():
    """Every public signatory, a page at a time: sorted by name, date signed or overall score
    in the current cycle (``?sort=…&order=asc|desc``), and filtered to those that published
    in it or not (``?published=yes|no``); a value the list does not know is a 400."""
    session = db.session
    sort = table_sort(companies_list.COLUMNS, "name")
    published_filter = arg_choice("published", companies_list.PUBLISHED_FILTER)
    cycle = current_cycle(session, clock.today())
    page = paginate(
        companies_list.sorted_companies_query(
            sort.key, sort.descending, cycle.id if cycle else None, published_filter
        )
    )
    published = queries.scored_in_cycle(session, cycle, [c.id for c in page.items]) if cycle else []
    return render_template(
        "companies/index.html",
        page=page,
        cycle=cycle,
        sort=sort,
        published_filter=published_filter,
        scored={p.publication.company_id: p for p in published},
    )


@bp.get("/<slug>")
def detail(slug: str):
    """A company's published disclosure: the latest version of a cycle, or an earlier one."""
    session = db.session
    company = services.company_by_slug(session, slug)
    if company is None or not company.is_public_signatory:
        abort(404)
    history = queries.company_history(session, company)
    wanted_cycle = request.args.get("cycle")
    versions = (
        next((g for g in history if g[0].cycle.slug == wanted_cycle), None)
        if wanted_cycle
        else (history[0] if history else None)
    )
    if wanted_cycle and versions is None:
        abort(404)
    shown = record = None
    if versions:
        wanted_version = arg_id("version")
        publication = (
            next((p for p in versions if p.version == wanted_version), None)
            if wanted_version is not None
            else versions[0]
        )
        if publication is None:
            abort(404)
        shown = queries.read(
            publication,
            queries.superseding(versions, publication),
            queries.earlier_cycle_version(session, publication),
            stored_scores=True,
        )
        preload_markdown(
            text
            for answer in shown.report.answers.values()
            for text in (answer.narrative, answer.narrative_translation)
        )
        record = reading.record_of(session, publication)
    return render_template(
        "companies/detail.html",
        company=company,
        history=history,
        versions=versions or [],
        shown=shown,
        record=record,
        trend=queries.trend_of(history) if history else None,
    )
