"""Staff pages: the queue, and one company's disclosure with everything staff may read."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from tracker.auth import permissions as can
from tracker.auth.login import actor, require
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.disclosures.services import attachments_of
from tracker.disclosures.views import find_disclosure
from tracker.domain.workflow import DisclosureState
from tracker.public.services import current_cycle
from tracker.review import services

bp = Blueprint("review", __name__, url_prefix="/review")


def _cycle(slug: str | None) -> Cycle:
    if slug:
        return db.first_or_404(sa.select(Cycle).filter_by(slug=slug))
    cycle = current_cycle(db.session, date.today())
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/")
@login_required
def queue():
    require(can.is_staff(actor()))
    cycle = _cycle(request.args.get("cycle"))
    state_arg = request.args.get("state")
    state = DisclosureState(state_arg) if state_arg in {s.value for s in DisclosureState} \
        else None
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else "company"
    rows, counts = services.queue(db.session, cycle, state, sort)
    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.opens_on.desc())).all()
    return render_template("review/queue.html", cycle=cycle, cycles=cycles, rows=rows,
                           counts=counts, state=state, sort=sort, today=date.today(),
                           states=list(DisclosureState))


@bp.get("/<cycle_slug>/<company_slug>")
@login_required
def disclosure(cycle_slug: str, company_slug: str):
    require(can.is_staff(actor()))
    cycle = _cycle(cycle_slug)
    company = db.first_or_404(sa.select(Company).filter_by(slug=company_slug))
    found = find_disclosure(company, cycle)
    return render_template(
        "review/disclosure.html", cycle=cycle, company=company, disclosure=found,
        checklist=cycle.checklist_version.checklist,
        responses={r.item_id: r for r in found.responses} if found else {},
        attachments=attachments_of(db.session, found) if found else {})
