"""The reminders page for staff: who was reminded when, per cycle and company, and a reminder
sent now on request."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import require, signed_in, viewer
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.errors import refusal_message
from tracker.i18n import current_language
from tracker.links import external_url
from tracker.public.services import current_cycle
from tracker.reminders import services
from tracker.reminders.services import MIN_INTERVAL

bp = Blueprint("reminders", __name__, url_prefix="/review/reminders")


def _cycle(slug: str | None) -> Cycle | None:
    if slug:
        return db.first_or_404(sa.select(Cycle).filter_by(slug=slug))
    return current_cycle(db.session, clock.today())


def _page(cycle: Cycle | None, status: int = 200, **extra):
    today = clock.today()
    return render_template(
        "reminders/index.html",
        cycle=cycle,
        cycles=db.session.scalars(sa.select(Cycle).order_by(Cycle.opens_on.desc())).all(),
        rows=services.overview(db.session, cycle) if cycle else [],
        is_open=cycle is not None and cycle in services.open_cycles(db.session, today),
        today=today,
        min_hours=int(MIN_INTERVAL.total_seconds() // 3600),
        **extra,
    ), status


@bp.get("/")
@login_required
def index():
    require(can.is_staff(viewer()))
    return _page(_cycle(request.args.get("cycle")))


@bp.post("/<cycle_slug>/<company_slug>")
@login_required
def send(cycle_slug: str, company_slug: str):
    require(can.is_staff(viewer()))
    cycle = _cycle(cycle_slug)
    if cycle is None:
        abort(404)
    company = db.first_or_404(sa.select(Company).filter_by(slug=company_slug))
    try:
        reminder = services.send_now(
            db.session,
            signed_in(),
            cycle,
            company,
            clock.today(),
            clock.now(),
            external_url("filing.overview", cycle_slug=cycle.slug),
        )
    except services.ReminderRefused as exc:
        db.session.rollback()
        return _page(cycle, exc.status, refused=refusal_message(exc), refused_company=company.id)
    db.session.commit()
    flash(
        ngettext(
            "Reminder sent to %(num)d officer of %(company)s (in the outbox).",
            "Reminder sent to %(num)d officers of %(company)s (in the outbox).",
            reminder.recipients,
            company=company.name(current_language()),
        ),
        "success",
    )
    return redirect(url_for("reminders.index", cycle=cycle.slug) + f"#{company.slug}", 303)
