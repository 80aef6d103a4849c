"""Downloading reports: published versions (stored, cached) and drafts (officers and staff)."""

from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from urllib.parse import quote

import sqlalchemy as sa
from cachetools import LRUCache
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
)
from flask_login import login_required

from tracker import pagecache
from tracker.auth import permissions as can
from tracker.auth.login import officer_company, require, viewer
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.languages import CODES
from tracker.errors import explain, render_refusal, wants_json
from tracker.filing.queries import find_disclosure
from tracker.ledger.queries import find_publication
from tracker.params import arg_id
from tracker.reports import services
from tracker.reports.fonts import require_chinese_font
from tracker.reports.jobs import jobs
from tracker.reports.rendering import company_report_pdf
from tracker.storage.responses import send_blob
from tracker.storage.services import REPORTS, blobs

bp = Blueprint("reports", __name__)

YEAR = 365 * 24 * 3600


def _cycle(slug: str) -> Cycle:
    return db.first_or_404(sa.select(Cycle).filter_by(slug=slug))


def _language() -> str:
    language = request.args.get("lang", "en")
    if language not in CODES:
        abort(404)
    return language


def _filename(slug: str, cycle_slug: str, version: int | None, language: str) -> str:
    return f"{slug}-{cycle_slug}-{f'v{version}' if version else 'draft'}-{language}.pdf"


def _disposition(filename: str) -> str:
    return f"inline; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


@dataclass(frozen=True)
class Served:
    """What a download needs, looked up once: the stored file and how to name it."""

    sha256: str
    filename: str
    published_at: datetime
    named: bool  # a named version never changes; "the latest" may


def _lookups() -> LRUCache:
    """Per app: (public generation, company, cycle, version, language) -> Served, so that a
    download of a stored report reads no database at all. Any change of public data (a company
    taken off the roster, a publication, a stored report) is a new generation, so a lookup is
    never staler than the generation (tracker.pagecache: at most PUBLIC_GENERATION_INTERVAL)."""
    return current_app.extensions.setdefault(
        "tracker.report_lookups", (LRUCache(maxsize=4096), Lock())
    )


def _look_up(slug: str, cycle_slug: str | None, version: int | None, language: str) -> Served:
    company = db.session.scalar(sa.select(Company).filter_by(slug=slug))
    if company is None or not company.is_public_signatory:
        abort(404)
    publication = find_publication(db.session, company, cycle_slug, version)
    if publication is None:
        abort(404)
    stored = services.stored_report(db.session, publication, language)
    if stored is None:  # published before reports were stored, or its job has not run yet
        runner = jobs(current_app)
        if runner.mode == "off":  # nothing renders in the background: once, now
            stored = services.render_published(db.session, publication, language, blobs(REPORTS))
            db.session.commit()
        else:
            require_chinese_font()  # every report names companies in Chinese
            runner.build_publication(publication.id)
            stored = services.stored_report(db.session, publication, language)  # "inline"
    if stored is None:
        raise services.CompanyReportNotReady()
    return Served(
        stored.sha256,
        _filename(company.slug, publication.cycle.slug, publication.version, language),
        publication.published_at,
        version is not None,
    )


def not_ready_page(refusal: services.ReportNotReady):
    """503 while a report is being prepared: a page in the reader's language that says so,
    refreshes itself when Retry-After has passed and links to the same download (scripts
    asking for JSON get the refusal as JSON)."""
    if wants_json():
        return render_refusal(refusal)
    title, message = explain(refusal)
    retry = request.full_path.rstrip("?")
    response = make_response(
        render_template(
            "reports/not_ready.html",
            title=title,
            message=message,
            retry=retry,
            seconds=services.ReportNotReady.RETRY_AFTER,
        ),
        503,
    )
    response.headers.update(refusal.headers)
    return response


@bp.errorhandler(services.ReportNotReady)
def _not_ready(refusal: services.ReportNotReady):
    return not_ready_page(refusal)


@bp.get("/companies/<slug>/report.pdf")
def published(slug: str):
    """A published version's PDF (the latest of a cycle unless ``version`` names one); 503 with
    a page that retries while the background job renders it."""
    language = _language()
    version = arg_id("version")
    key = (slug, request.args.get("cycle") or None, version, language)
    generation = pagecache.current_generation().token
    cache, lock = _lookups()
    with lock:
        served = cache.get((generation, *key))
    if served is None:
        served = _look_up(*key)
        with lock:
            cache[(generation, *key)] = served
    response = send_blob(
        blobs(REPORTS),
        served.sha256,
        mimetype="application/pdf",
        conditional=True,
        etag=served.sha256,
        last_modified=served.published_at,
    )
    response.headers["Content-Disposition"] = _disposition(served.filename)
    response.headers["Cache-Control"] = (
        f"public, max-age={YEAR}, immutable" if served.named else "public, max-age=300"
    )
    return response


def _look_up_cycle_report(cycle_slug: str, language: str) -> Served:
    cycle = _cycle(cycle_slug)
    stored = services.stored_cycle_report(db.session, cycle, language)
    if stored is None:
        require_chinese_font()
        jobs(current_app).build_cycle(cycle.id)
        stored = services.stored_cycle_report(db.session, cycle, language)  # "inline" built it
    if stored is None:  # never kept: the next request looks again
        raise services.ReportNotReady()
    return Served(
        stored.sha256,
        f"{cycle.slug}-aggregate-{stored.ledger_sequence}-{language}.pdf",
        stored.created_at,
        named=False,
    )


@bp.get("/cycles/<cycle_slug>/report.pdf")
def cycle_report(cycle_slug: str):
    """The aggregate report of a cycle, as of its latest ledger entry. Built outside requests:
    when it is not ready yet, the answer is 503 with Retry-After while it is being built."""
    language = _language()
    key = (pagecache.current_generation().token, "cycle", cycle_slug, language)
    cache, lock = _lookups()
    with lock:
        served = cache.get(key)
    if served is None:
        served = _look_up_cycle_report(cycle_slug, language)
        with lock:
            cache[key] = served
    response = send_blob(
        blobs(REPORTS),
        served.sha256,
        mimetype="application/pdf",
        conditional=True,
        etag=served.sha256,
        max_age=300,
        last_modified=served.published_at,
    )
    response.headers["Content-Disposition"] = _disposition(served.filename)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _draft_response(disclosure, language: str) -> Response:
    pdf = company_report_pdf(services.draft_report(disclosure), language)
    response = Response(pdf.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = _disposition(
        _filename(disclosure.company.slug, disclosure.cycle.slug, None, language)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/filing/<cycle_slug>/report.pdf")
@login_required
def officer_draft(cycle_slug: str):
    """The officer's own company's current answers as a report marked as a draft."""
    language = _language()
    company = officer_company()
    disclosure = find_disclosure(db.session, company, _cycle(cycle_slug))
    if disclosure is None:
        abort(404)
    return _draft_response(disclosure, language)


@bp.get("/review/<cycle_slug>/<company_slug>/report.pdf")
@login_required
def staff_draft(cycle_slug: str, company_slug: str):
    """Any company's current answers as a draft report, for alliance staff."""
    require(can.is_staff(viewer()))
    language = _language()
    company = db.first_or_404(sa.select(Company).filter_by(slug=company_slug))
    disclosure = find_disclosure(db.session, company, _cycle(cycle_slug))
    if disclosure is None:
        abort(404)
    return _draft_response(disclosure, language)
