"""The audit trail for administrators: a filtered page, and the same selection as CSV."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.audit import labels, services
from tracker.audit.models import AuditEvent
from tracker.auth import permissions as can
from tracker.auth.login import require, viewer
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session, db
from tracker.errors import refusal_message
from tracker.filing.models import Disclosure
from tracker.pagination import paginate
from tracker.params import BadParameter, parse_date, whole_number

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _filters() -> tuple[services.AuditFilters, list[str]]:
    """The filters from the query string, and a message for each value that made no sense."""
    args, errors = request.args, []

    def day(name: str, label: str) -> date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return parse_date(label, raw)
        except BadParameter as exc:  # not a date, or one no filter can mean (9999-12-31)
            errors.append(refusal_message(exc))
            return None

    object_id = None
    if raw_id := args.get("object_id", "").strip():
        object_id = whole_number(raw_id)
        if object_id is None:
            errors.append(_("The object number must be a whole number."))
    filters = services.AuditFilters(
        action=args.get("action", "").strip()[:60],
        actor=args.get("actor", "").strip()[:254],
        object_type=args.get("object_type", "").strip()[:40],
        object_id=object_id,
        since=day("since", _("From")),
        until=day("until", _("Until")),
        zone=clock.zone(),
    )
    if filters.since and filters.until and filters.since > filters.until:
        errors.append(_("“From” is after “Until”."))
    return filters, errors


def objects_of(session: Session, events: list[AuditEvent]) -> dict[tuple[str, int], Any]:
    """(object type, id) -> what the events act on, so that the page names it: a disclosure
    as its (company, cycle), a company, a cycle, a user. One query per kind of object on the
    page, whatever the number of events; objects since deleted are left out. (In the view:
    the audit trail's core sits below every feature it records, tests/test_layering.py.)"""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_id is not None:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found: dict[tuple[str, int], Any] = {}
    if ids := wanted.get("disclosure"):
        for disclosure_id, company, cycle in session.execute(
            sa.select(Disclosure.id, Company, Cycle)
            .join(Company, Company.id == Disclosure.company_id)
            .join(Cycle, Cycle.id == Disclosure.cycle_id)
            .where(Disclosure.id.in_(ids))
        ):
            found["disclosure", disclosure_id] = (company, cycle)
    kinds: tuple[tuple[str, type[Company] | type[Cycle] | type[User]], ...] = (
        ("company", Company),
        ("cycle", Cycle),
        ("user", User),
    )
    for kind, model in kinds:
        if ids := wanted.get(kind):
            query = sa.select(model.id, model).where(model.id.in_(ids))
            for object_id, obj in session.execute(query):
                found[kind, object_id] = obj
    return found


@bp.get("/")
@login_required
def index():
    require(can.can_view_audit(viewer()))
    filters, errors = _filters()
    page = paginate(services.filtered(filters))
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        errors=errors,
        object_types=services.object_types(db.session),
        objects=objects_of(db.session, page.items),
        labels=labels,
        export_args=request.args.to_dict(),
    ), 400 if errors else 200


@bp.get("/export.csv")
@login_required
def export():
    require(can.can_view_audit(viewer()))
    filters, errors = _filters()
    if errors:
        raise services.NothingExported(errors)
    lines = services.csv_lines(db.session, services.filtered(filters))
    filename = f"audit-trail-{clock.now():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
