"""The read-only JSON API under /api/v1/: published content only, paginated, described by the
OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from tracker.api import serialize
from tracker.api.openapi import DEFAULT_PER_PAGE, DISCLOSURES_PER_PAGE, document
from tracker.benchmarks.registry import current_registry
from tracker.checklists.services import list_versions
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain import eee
from tracker.domain.cycle_report import adoption, benchmarks
from tracker.ledger import log, reading
from tracker.ledger.models import Checkpoint, LedgerEntry
from tracker.ledger.policy import log_policy
from tracker.ledger.queries import (
    company_history,
    count_current,
    current_in_cycle,
    read,
    scored_in_cycle,
    summaries_in_cycle,
    superseding,
)
from tracker.opendata.services import ResultFilters, count_results, published_results
from tracker.params import MAX_PER_PAGE, arg_int, page_number
from tracker.reports.services import cycle_head, invited_count
from tracker.verify import b64encode

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def open_to_every_site(response):
    """Open data: any web page may read it (GET only; no cookies are involved)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    """Errors as JSON, with the status and a message people can act on."""
    # Flask hands an exception without a code (a routing redirect) back unhandled.
    assert error.code is not None
    response = jsonify({"error": {"status": error.code, "message": error.description}})
    response.status_code = error.code
    return response


def _paging(default: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """``page`` and ``per_page``, or a 400 naming the one that is not a number in range."""
    page = page_number()
    per_page = arg_int("per_page", default, 1, MAX_PER_PAGE)
    assert per_page is not None
    return page, per_page


def _page(query: sa.Select, shape, endpoint: str, **args):
    """One page of ``query`` as {"data", "page", "per_page", "total", "links"}."""
    page, per_page = _paging()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    if page > 1 and not result.items:
        raise NotFound(f"page {page} is past the last page ({max(result.pages, 1)})")

    def link(number: int | None) -> str | None:
        return url_for(endpoint, page=number, per_page=per_page, **args) if number else None

    return jsonify(
        {
            "data": [shape(row) for row in result.items],
            "page": page,
            "per_page": per_page,
            "total": result.total,
            "links": {
                "self": link(page),
                "next": link(result.next_num if result.has_next else None),
                "prev": link(result.prev_num if result.has_prev else None),
            },
        }
    )


def _cycle(slug: str) -> Cycle:
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=slug))
    if cycle is None:
        raise NotFound(f"no cycle {slug!r}")
    return cycle


def _company(slug: str) -> Company:
    company = db.session.scalar(sa.select(Company).filter_by(slug=slug))
    if company is None or not company.is_public_signatory:
        raise NotFound(f"no company {slug!r}")
    return company


@bp.get("/")
def index():
    return jsonify(
        {
            "openapi": url_for(".openapi"),
            "checklists": url_for(".checklists"),
            "companies": url_for(".companies"),
            "cycles": url_for(".cycles"),
            "ledger": url_for(".ledger"),
            "checkpoint": url_for(".ledger_checkpoint"),
            "policy": url_for(".ledger_policy"),
            "benchmark_results": url_for(".benchmark_results"),
            "benchmark_results_eee": url_for(".benchmark_results_eee"),
        }
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/checklists")
def checklists():
    return jsonify(
        {"data": [serialize.checklist_summary(v.checklist) for v in list_versions(db.session)]}
    )


@bp.get("/checklists/<checklist_id>/<version>")
def checklist(checklist_id: str, version: str):
    found = next(
        (
            v
            for v in list_versions(db.session)
            if v.checklist.id == checklist_id and v.version == version
        ),
        None,
    )
    if found is None:
        raise NotFound(f"no checklist {checklist_id!r} version {version!r}")
    return jsonify(serialize.checklist(found.checklist))


@bp.get("/companies")
def companies():
    query = sa.select(Company).where(Company.is_public_signatory).order_by(Company.slug)
    return _page(query, serialize.company, ".companies")


@bp.get("/companies/<slug>")
def company(slug: str):
    found = _company(slug)
    publications = []
    for versions in company_history(db.session, found):
        publications += [
            serialize.publication_summary(p, superseding(versions, p)) for p in versions
        ]
    return jsonify(serialize.company(found) | {"publications": publications})


@bp.get("/cycles")
def cycles():
    query = sa.select(Cycle).order_by(Cycle.opens_on.desc(), Cycle.slug)
    return _page(query, serialize.cycle, ".cycles")


@bp.get("/cycles/<slug>")
def cycle(slug: str):
    return jsonify(serialize.cycle(_cycle(slug)))


def _cycle_page(
    cycle: Cycle, endpoint: str, default: int = DEFAULT_PER_PAGE
) -> tuple[int, int, int, dict]:
    """(page, per_page, total, links) of a list of the cycle's current published versions,
    counted in the database; a page past the last is a 404."""
    page, per_page = _paging(default)
    total = count_current(db.session, cycle)
    if page > 1 and (page - 1) * per_page >= total:
        raise NotFound(f"page {page} is past the last page ({max(-(-total // per_page), 1)})")

    def link(number: int) -> str:
        return url_for(endpoint, slug=cycle.slug, page=number, per_page=per_page)

    links = {
        "self": link(page),
        "next": link(page + 1) if page * per_page < total else None,
        "prev": link(page - 1) if page > 1 else None,
    }
    return page, per_page, total, links


@bp.get("/cycles/<slug>/disclosures")
def cycle_disclosures(slug: str):
    """The current (latest) published version of each company's disclosure in the cycle: only
    the page's snapshots are read."""
    found = _cycle(slug)
    page, per_page, total, links = _cycle_page(found, ".cycle_disclosures", DISCLOSURES_PER_PAGE)
    chunk = current_in_cycle(db.session, found, offset=(page - 1) * per_page, limit=per_page)
    return jsonify(
        {
            "data": [serialize.disclosure(p.publication, p.report) for p in chunk],
            "page": page,
            "per_page": per_page,
            "total": total,
            "links": links,
        }
    )


@bp.get("/cycles/<slug>/matrix")
def cycle_matrix(slug: str):
    """A page of companies with their stored scores, and the adoption of every item and the
    benchmark counts over every company of the cycle (from the summaries stored at
    publication: no snapshot is read)."""
    found = _cycle(slug)
    page, per_page, total, links = _cycle_page(found, ".cycle_matrix")
    checklist = found.checklist_version.checklist
    summaries = summaries_in_cycle(db.session, found)
    head = cycle_head(db.session, found)
    return jsonify(
        serialize.matrix(
            cycle=found,
            checklist=checklist,
            ledger_head=head,
            published=total,
            invited=invited_count(db.session, found),
            rows=scored_in_cycle(db.session, found, offset=(page - 1) * per_page, limit=per_page),
            adoption=adoption(checklist, [s.statuses for s in summaries]),
            benchmarks=benchmarks(checklist, [(s.company_slug, s.structured) for s in summaries]),
        )
        | {"page": page, "per_page": per_page, "total": total, "links": links}
    )


@bp.get("/disclosures/<company_slug>/<cycle_slug>/<int:version>")
def disclosure(company_slug: str, cycle_slug: str, version: int):
    """Any published version, current or superseded."""
    found = _company(company_slug)
    history = next(
        (g for g in company_history(db.session, found) if g[0].cycle.slug == cycle_slug), []
    )
    publication = next((p for p in history if p.version == version), None)
    if publication is None:
        raise NotFound(f"{company_slug!r} published no version {version} in {cycle_slug!r}")
    later = superseding(history, publication)
    return jsonify(serialize.disclosure(publication, read(publication, later).report, later))


# --- benchmark results ---------------------------------------------------------------------------

RESULT_FILTER_LENGTH = 100


def _result_filters() -> ResultFilters:
    """The benchmark, cycle and company filters, or a 400 naming one that is too long or
    holds a character no id has."""
    values = {}
    for name in ("benchmark", "cycle", "company"):
        raw = request.args.get(name, "")
        if len(raw) > RESULT_FILTER_LENGTH or not all(c.isalnum() or c in "-_." for c in raw):
            raise BadRequest(
                f"{name} must be an id of at most {RESULT_FILTER_LENGTH} letters, digits, "
                "'-', '_' or '.'"
            )
        values[name] = raw
    filters = ResultFilters(**values)
    if filters.cycle:
        _cycle(filters.cycle)  # an unknown cycle or company is a 404, not an empty list
    if filters.company:
        _company(filters.company)
    return filters


@bp.get("/benchmark-results")
def benchmark_results():
    """The current published benchmark results, a page at a time: two queries, whatever the
    number of results."""
    filters = _result_filters()
    page, per_page = _paging()
    total = count_results(db.session, filters)
    if page > 1 and (page - 1) * per_page >= total:
        raise NotFound(f"page {page} is past the last page ({max(-(-total // per_page), 1)})")
    rows = published_results(db.session, filters, offset=(page - 1) * per_page, limit=per_page)
    args = {k: v for k, v in vars(filters).items() if v}

    def link(number: int) -> str:
        return url_for(".benchmark_results", page=number, per_page=per_page, **args)

    return jsonify(
        {
            "data": [serialize.benchmark_result(row.result, row.published) for row in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
            "links": {
                "self": link(page),
                "next": link(page + 1) if page * per_page < total else None,
                "prev": link(page - 1) if page > 1 else None,
            },
        }
    )


@bp.get("/benchmark-results/eee")
def benchmark_results_eee():
    """Every current published benchmark result as an Every Eval Ever record (schema 0.3.0),
    in one JSON array."""
    registry = current_registry()
    return jsonify(
        [
            eee.to_record(row.result, row.published, registry.get(row.result.benchmark))
            for row in published_results(db.session)
        ]
    )


@bp.get("/ledger")
def ledger():
    return _page(
        sa.select(LedgerEntry).order_by(LedgerEntry.sequence), serialize.ledger_entry, ".ledger"
    )


# --- the log: what /ledger/ serves as files, as JSON ------------------------------------------


def _checkpoint(found: Checkpoint):
    session, policy = db.session, log_policy().policy
    witnessed = log.witnessed_by(session, found.size, policy)
    note = log.cosigned_note(session, found, policy)
    return jsonify(serialize.checkpoint(found, note, policy.satisfied(witnessed), witnessed))


@bp.get("/ledger/checkpoint")
def ledger_checkpoint():
    """The latest cosigned checkpoint; until one is, the latest signed (``cosigned`` false)."""
    session = db.session
    found = log.latest_cosigned(session, log_policy().policy) or log.latest_checkpoint(session)
    if found is None:
        raise NotFound("the log has not signed a checkpoint yet")
    return _checkpoint(found)


@bp.get("/ledger/checkpoints/<int:size>")
def ledger_checkpoint_of_size(size: int):
    found = log.checkpoint_of_size(db.session, size)
    if found is None:
        raise NotFound(f"the log signed no checkpoint of size {size}")
    return _checkpoint(found)


@bp.get("/ledger/policy")
def ledger_policy():
    return jsonify(serialize.log_policy(log_policy(), reading.log_identity()))


def _entry(sequence: int):
    found = log.entry_at(db.session, sequence)
    if found is None:
        raise NotFound(f"no ledger entry {sequence}")
    return found


@bp.get("/ledger/entries/<int:sequence>")
def ledger_entry(sequence: int):
    """One entry, with where its files are."""
    found = _entry(sequence)
    published = found.publication_id is not None
    return jsonify(
        serialize.ledger_entry(found)
        | {
            "links": {
                "leaf": url_for("ledger.entry", sequence=sequence),
                "snapshot": url_for("ledger.snapshot", sequence=sequence) if published else None,
                "proof": url_for("ledger.proof", sequence=sequence),
                "bundle": url_for("ledger.bundle", sequence=sequence) if published else None,
            }
        }
    )


@bp.get("/ledger/proof/<int:sequence>")
def ledger_proof(sequence: int):
    """The entry's inclusion proof in the latest cosigned checkpoint (and the tlog-proof file)."""
    session, policy = db.session, log_policy().policy
    _entry(sequence)
    cosigned = log.latest_cosigned(session, policy)
    if cosigned is None or sequence > cosigned.size:
        raise NotFound(f"entry {sequence} is in no cosigned checkpoint yet")
    note = log.cosigned_note(session, cosigned, policy)
    hashes = log.inclusion_proof(session, sequence, cosigned.size)
    return jsonify(
        {
            "sequence": sequence,
            "index": sequence - 1,
            "tree_size": cosigned.size,
            "hashes": [b64encode(h) for h in hashes],
            "checkpoint": note.decode("utf-8"),
            "tlog_proof": log.tlog_proof(session, sequence, cosigned, note).decode("utf-8"),
        }
    )


@bp.get("/ledger/consistency")
def ledger_consistency():
    """The consistency proof between two signed tree sizes, ``from`` ≤ ``to``."""
    old, new = (
        reading.signed_size(db.session, name, request.args.get(name, "")) for name in ("from", "to")
    )
    if old > new:
        raise log.BadRange()
    hashes = log.consistency_proof(db.session, old, new) if new else []
    return jsonify({"from": old, "to": new, "hashes": [b64encode(h) for h in hashes]})
