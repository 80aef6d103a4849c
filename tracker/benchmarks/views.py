"""Public benchmark pages: every benchmark of the registry with who reports it, and a page per
benchmark showing which published results may be compared and why the others may not.

Both read only what was published: the results stored at publication (PublishedResult) of each
company's current version in a cycle, and the benchmarks named in the stored summaries.
"""

from flask import Blueprint, abort, render_template, request

from tracker.benchmarks.registry import current_registry
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.benchmark_results import (
    Reporting,
    analyse,
    named_benchmarks,
    results_matrix,
)
from tracker.domain.languages import Text
from tracker.domain.results import COMPARED_FIELDS
from tracker.ledger import queries
from tracker.pagination import paginate_list

bp = Blueprint("benchmarks", __name__, url_prefix="/benchmarks")


def _cycle() -> tuple[Cycle | None, list[Cycle]]:
    """The cycle asked for (``?cycle=<slug>``; 404 for one nobody published in), by default the
    latest one anybody published in, and every such cycle (for the filter)."""
    cycles = queries.published_cycles(db.session)
    wanted = request.args.get("cycle")
    if not wanted:
        return (cycles[0] if cycles else None), cycles
    chosen = next((c for c in cycles if c.slug == wanted), None)
    if chosen is None:
        abort(404)
    return chosen, cycles


def _named(cycle: Cycle) -> tuple[list[tuple[str, Text]], dict[str, set[str]]]:
    """The cycle's published companies (slug, name) and the benchmarks each names."""
    rows = queries.named_in_cycle(db.session, cycle)
    return (
        [(slug, name) for slug, name, _ in rows],
        {slug: named_benchmarks(structured) for slug, _, structured in rows},
    )


@bp.get("/")
def index():
    """Every registry benchmark, how many companies report results for it and how many only
    name it, and the cycle's matrix of companies × benchmarks."""
    registry = current_registry()
    cycle, cycles = _cycle()
    matrix = rows = None
    if cycle is not None:
        companies, named = _named(cycle)
        matrix = results_matrix(
            registry.benchmarks, companies, named, queries.results_in_cycle(db.session, cycle)
        )
        # The counts are of every company; the matrix shows a page of them at a time (2,200
        # signatories made a page of 2.4 MB).
        rows = paginate_list(matrix.companies)
    return render_template(
        "benchmarks/index.html",
        registry=registry,
        cycle=cycle,
        cycles=cycles,
        matrix=matrix,
        rows=rows,
        RESULTS=Reporting.RESULTS,
        NAMED=Reporting.NAMED,
    )


@bp.get("/<benchmark_id>")
def detail(benchmark_id: str):
    """One benchmark: its comparable groups charted, the results apart with what differs, and
    the registry's facts about it."""
    benchmark = current_registry().get(benchmark_id)
    if benchmark is None:
        abort(404)
    cycle, cycles = _cycle()
    page = named_only = None
    if cycle is not None:
        results = queries.results_in_cycle(db.session, cycle, benchmark.id)
        page = analyse(benchmark, results)
        reporting = set(page.companies)
        _, named = _named(cycle)
        named_only = sum(
            1 for slug, ids in named.items() if benchmark.id in ids and slug not in reporting
        )
    return render_template(
        "benchmarks/detail.html",
        benchmark=benchmark,
        cycle=cycle,
        cycles=cycles,
        page=page,
        named_only=named_only,
        COMPARED_FIELDS=COMPARED_FIELDS,
    )
