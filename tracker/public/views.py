"""Home page, the page of each cycle, the checklist pages, and the about and methodology pages."""

from flask import Blueprint, abort, current_app, render_template

from tracker import clock
from tracker.benchmarks.registry import current_registry
from tracker.checklists.services import list_versions
from tracker.db import db
from tracker.domain.benchmark_results import Reporting, named_benchmarks, results_matrix
from tracker.domain.collation import sort_key
from tracker.domain.crosswalk import describe_tag
from tracker.domain.cycle_report import adoption, benchmarks
from tracker.domain.results import COMPARED_FIELDS
from tracker.domain.statuses import CREDIT, Status
from tracker.domain.workflow import DisclosureState
from tracker.i18n import current_language
from tracker.ledger import queries
from tracker.ledger.models import OVERALL
from tracker.ledger.reading import site_url
from tracker.pagination import ListPage
from tracker.params import page_number
from tracker.public import cycle_page, services
from tracker.sorting import table_sort

bp = Blueprint("public", __name__)

# The home page stays the same size whatever the roster: up to this many companies in the
# heatmap (all of them, by name, when they fit; else the latest published), and in the list of
# signatories (all of them alphabetically, else the latest to sign). The distribution of scores
# covers every company, and /companies/ lists them all, page by page.
HOME_HEATMAP_ROWS = 25
HOME_SIGNATORIES = 60


@bp.get("/")
def home():
    session = db.session
    cycles = cycle_page.every_cycle(session)
    cycle = services.current_of([listed.cycle for listed in cycles], clock.today())
    checklist = services.checklist_of(cycle) if cycle else None
    # The heatmap sorts the rows it shows (all of them, or the latest published).
    sort = table_sort(cycle_page.heatmap_columns(checklist), "name") if checklist else None
    summary = queries.score_summary(session, cycle) if cycle else None
    every_row = summary is not None and summary.published <= HOME_HEATMAP_ROWS
    signatory_count = services.count_public_signatories(session)
    if signatory_count <= HOME_SIGNATORIES:
        # All of them: in alphabetical order of the names as the reader reads them.
        language = current_language()
        signatories = sorted(
            services.public_signatories(session),
            key=lambda company: sort_key(company.name(language), language),
        )
    else:  # the latest to sign, in the order they signed
        signatories = services.public_signatories(session, latest=HOME_SIGNATORIES)
    return render_template(
        "public/home.html",
        cycle=cycle,
        cycles=cycles,
        checklist=checklist,
        sort=sort,
        progress=services.cycle_progress(session, cycle) if cycle else None,
        summary=summary,
        bands=queries.BANDS,
        OVERALL=OVERALL,
        published=(
            cycle_page.sort_heatmap(
                queries.scored_in_cycle(
                    session,
                    cycle,
                    limit=None if every_row else HOME_HEATMAP_ROWS,
                    newest_first=not every_row,
                ),
                sort.key,
                sort.descending,
            )
            if cycle and sort
            else []
        ),
        every_row=every_row,
        signatories=signatories,
        signatory_count=signatory_count,
        PUBLISHED=DisclosureState.PUBLISHED,
        states=list(DisclosureState),
        today=clock.today(),
    )


@bp.get("/cycles/<slug>/")
def cycle(slug: str):
    """A cycle's page: its figures, heatmap (a page of companies at a time, sorted by any
    column), the adoption of every item (filtered by commitment, sorted by any column), the
    benchmark matrix, who published and who did not, and links to its reports and data."""
    session = db.session
    found = cycle_page.cycle_by_slug(session, slug)
    if found is None:
        abort(404)
    checklist = found.checklist_version.checklist
    heat_sort = table_sort(cycle_page.heatmap_columns(checklist), "name")
    item_sort = table_sort(
        cycle_page.ADOPTION_COLUMNS,
        "item",
        param="items",
        order_param="items_order",
        page_param=None,
    )
    commitment = cycle_page.arg_commitment(checklist)
    number = page_number()
    roster = cycle_page.roster(session, found)
    summary = queries.score_summary(session, found)
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, -(-summary.published // size))
    if number > pages:
        abort(404)
    context: dict = {}
    if summary.published:
        published = cycle_page.published_summaries(session, found)
        rows = queries.scored_in_cycle(
            session,
            found,
            offset=(number - 1) * size,
            limit=size,
            sort_by=cycle_page.heatmap_score_key(heat_sort.key),
            descending=heat_sort.descending,
        )
        companies = [(p.slug, p.names) for p in published]
        context = {
            "rows": ListPage(rows, number, pages),
            "median": cycle_page.median_overall(published),
            "adoption": cycle_page.sort_adoption(
                adoption(checklist, [p.statuses for p in published]),
                item_sort.key,
                item_sort.descending,
                commitment,
            ),
            "matrix": results_matrix(
                current_registry().benchmarks,
                companies,
                {p.slug: named_benchmarks(p.structured) for p in published},
                queries.results_in_cycle(session, found),
            ),
            "named": benchmarks(checklist, [(p.slug, p.structured) for p in published]),
        }
    return render_template(
        "public/cycle.html",
        cycle=found,
        cycles=cycle_page.every_cycle(session),
        checklist=checklist,
        roster=roster,
        summary=summary,
        bands=queries.BANDS,
        OVERALL=OVERALL,
        heat_sort=heat_sort,
        item_sort=item_sort,
        commitment=commitment,
        positions={item.id: n for n, item in enumerate(checklist.items)},
        not_disclosed=cycle_page.not_disclosed,
        STATUS=Status,
        RESULTS=Reporting.RESULTS,
        NAMED=Reporting.NAMED,
        PUBLISHED=DisclosureState.PUBLISHED,
        states=list(DisclosureState),
        today=clock.today(),
        **context,
    )


@bp.get("/checklist/")
@bp.get("/checklist/<version>")
def checklist(version: str | None = None):
    versions = list_versions(db.session)
    if version is None:
        # The version companies are filing against now; the newest one if no cycle is open.
        cycle = services.current_cycle(db.session, clock.today())
        shown = cycle.checklist_version if cycle else (versions[0] if versions else None)
    else:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            abort(404)
    return render_template(
        "public/checklist.html",
        versions=versions,
        shown=shown,
        checklist=shown.checklist if shown else None,
        describe_tag=describe_tag,
    )


@bp.get("/about/")
def about():
    """Who runs the record, and what it is."""
    return render_template("public/about.html")


@bp.get("/methodology/")
def methodology():
    """How scores are computed, what the statuses and "adopted" mean, how benchmark results
    are compared and how to verify the record."""
    return render_template(
        "public/methodology.html",
        credit=[(status, CREDIT[status]) for status in Status if status in CREDIT],
        NOT_APPLICABLE=Status.NOT_APPLICABLE,
        compared=COMPARED_FIELDS,
        site=site_url(),
    )
