"""The job queue for administrators: what is running, queued, waiting for a retry and failed."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from redis.exceptions import RedisError

from tracker.auth import permissions as can
from tracker.auth.login import require, viewer
from tracker.jobs import queues, services

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")
SHOWN = 50  # per state: the page is a look at the queue, not its archive


@bp.get("/")
@login_required
def index():
    require(can.can_view_jobs(viewer()))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sections: list[tuple[str, list[services.JobRow], int]] = []
    unreachable = False
    if queues.configured(app):
        try:
            for state in services.STATES:
                rows, total = services.list_jobs(app, state, SHOWN)
                sections.append((state, rows, total))
        except RedisError:
            current_app.logger.exception("Could not read the job queue")
            unreachable, sections = True, []
    return render_template(
        "jobs/index.html",
        configured=queues.configured(app),
        unreachable=unreachable,
        sections=sections,
        shown=SHOWN,
    )


@bp.post("/<job_id>/retry")
@login_required
def retry(job_id: str):
    require(can.can_view_jobs(viewer()))
    try:
        services.retry_failed(current_app._get_current_object(), job_id)  # type: ignore[attr-defined]
    except services.NotRetryable:
        abort(404)
    flash(_("The job is queued again."), "success")
    return redirect(url_for("jobs.index"), 303)
