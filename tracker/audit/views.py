"""The audit trail page for administrators."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import login_required

from tracker.audit.models import AuditEvent
from tracker.auth import permissions as can
from tracker.auth.login import actor, require
from tracker.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@login_required
def index():
    require(can.can_view_audit(actor()))
    query = (sa.select(AuditEvent).options(sa.orm.joinedload(AuditEvent.actor))
             .order_by(AuditEvent.id.desc()))
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action[:60]))
    object_type = request.args.get("object_type", "").strip()
    object_id = request.args.get("object_id", type=int)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type[:40])
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    page = paginate(query)
    return render_template("audit/index.html", page=page, action=action,
                           object_type=object_type, object_id=object_id)
