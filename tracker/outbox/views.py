"""The outbox for administrators: what was sent, what waits, what failed, and why."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import require, viewer
from tracker.db import db
from tracker.outbox import services
from tracker.outbox.models import MessageStatus, OutboxMessage
from tracker.pagination import paginate

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@login_required
def index():
    require(can.can_view_outbox(viewer()))
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = request.args.get("status")
    if status in {s.value for s in MessageStatus}:
        query = query.where(OutboxMessage.status == MessageStatus(status))
    page = paginate(query)
    return render_template(
        "outbox/index.html",
        page=page,
        status=status,
        counts=services.count_by_status(db.session),
        statuses=list(MessageStatus),
        mail_configured=bool(current_app.config.get("MAIL_SERVER")),
    )


@bp.get("/<int:message_id>")
@login_required
def detail(message_id: int):
    require(can.can_view_outbox(viewer()))
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("outbox/detail.html", message=message)


@bp.post("/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    require(can.can_view_outbox(viewer()))
    if services.retry_failed(db.session, message_id, clock.now()) is None:
        abort(404)
    db.session.commit()
    flash(_("The message is queued again."), "success")
    return redirect(url_for("outbox.detail", message_id=message_id))
