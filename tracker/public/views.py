"""Home page and the checklist pages."""

from flask import Blueprint, abort, render_template

from tracker import clock
from tracker.checklists.services import list_versions
from tracker.db import db
from tracker.domain.crosswalk import describe_tag
from tracker.domain.workflow import DisclosureState
from tracker.ledger import queries
from tracker.public import services

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    session = db.session
    cycle = services.current_cycle(session, clock.today())
    return render_template(
        "public/home.html",
        cycle=cycle,
        checklist=services.checklist_of(cycle) if cycle else None,
        progress=services.cycle_progress(session, cycle) if cycle else None,
        published=queries.current_in_cycle(session, cycle) if cycle else [],
        signatories=services.public_signatories(session),
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
