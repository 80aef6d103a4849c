"""Home page, the checklist pages, and the about and methodology pages."""

from flask import Blueprint, abort, render_template

from tracker import clock
from tracker.checklists.services import list_versions
from tracker.db import db
from tracker.domain.crosswalk import describe_tag
from tracker.domain.results import COMPARED_FIELDS
from tracker.domain.statuses import CREDIT, Status
from tracker.domain.workflow import DisclosureState
from tracker.ledger import queries
from tracker.ledger.models import OVERALL
from tracker.ledger.reading import site_url
from tracker.public import services

bp = Blueprint("public", __name__)

# The home page stays the same size whatever the roster: up to this many companies in the
# heatmap (all of them, by name, when they fit; else the latest published), and in the list of
# signatories (else the latest to sign). The distribution of scores covers every company, and
# /companies/ lists them all, page by page.
HOME_HEATMAP_ROWS = 25
HOME_SIGNATORIES = 60


@bp.get("/")
def home():
    session = db.session
    cycle = services.current_cycle(session, clock.today())
    summary = queries.score_summary(session, cycle) if cycle else None
    every_row = summary is not None and summary.published <= HOME_HEATMAP_ROWS
    signatory_count = services.count_public_signatories(session)
    signatories = services.public_signatories(
        session, latest=None if signatory_count <= HOME_SIGNATORIES else HOME_SIGNATORIES
    )
    return render_template(
        "public/home.html",
        cycle=cycle,
        checklist=services.checklist_of(cycle) if cycle else None,
        progress=services.cycle_progress(session, cycle) if cycle else None,
        summary=summary,
        bands=queries.BANDS,
        OVERALL=OVERALL,
        published=(
            queries.scored_in_cycle(
                session,
                cycle,
                limit=None if every_row else HOME_HEATMAP_ROWS,
                newest_first=not every_row,
            )
            if cycle
            else []
        ),
        every_row=every_row,
        signatories=signatories,
        signatory_count=signatory_count,
        PUBLISHED=DisclosureState.PUBLISHED,
        states=list(DisclosureState),
        today=clock.today(),
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
