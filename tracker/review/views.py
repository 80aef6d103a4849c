"""Staff pages: the queue, and one company's disclosure with everything staff may read."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import require, signed_in, viewer
from tracker.benchmarks.registry import current_registry
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.workflow import (
    Action,
    DisclosureState,
    Side,
    TransitionNotAllowed,
    allowed_actions,
)
from tracker.errors import refusal_message, wants_json
from tracker.filing.queries import find_disclosure
from tracker.filing.services import attachments_of, results_of
from tracker.filing.workflow import AlreadyMoved, refuse_if_already_moved
from tracker.labels import ACTION_LABELS
from tracker.ledger import queries as ledger_queries
from tracker.ledger.services import publish
from tracker.links import external_url
from tracker.public.services import current_cycle
from tracker.reports.jobs import jobs as report_jobs
from tracker.review import mail as review_mail
from tracker.review import services
from tracker.templating import preload_markdown, text_diffs

bp = Blueprint("review", __name__, url_prefix="/review")


def _cycle(slug: str | None) -> Cycle:
    if slug:
        return db.first_or_404(sa.select(Cycle).filter_by(slug=slug))
    cycle = current_cycle(db.session, clock.today())
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/")
@login_required
def queue():
    require(can.is_staff(viewer()))
    slug = request.args.get("cycle")
    if not slug and current_cycle(db.session, clock.today()) is None:
        # Staff land here after signing in: before the first cycle, say so rather than 404.
        return render_template("review/queue.html", cycle=None)
    cycle = _cycle(slug)
    state_arg = request.args.get("state")
    state = DisclosureState(state_arg) if state_arg in {s.value for s in DisclosureState} else None
    sort = request.args.get("sort", "")
    if sort not in services.SORTS:
        sort = "company"
    search = request.args.get("q", "")[:200]
    rows, counts = services.queue(db.session, cycle, state, sort, search)
    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.opens_on.desc())).all()
    return render_template(
        "review/queue.html",
        cycle=cycle,
        cycles=cycles,
        rows=rows,
        counts=counts,
        state=state,
        sort=sort,
        search=search,
        today=clock.today(),
        states=list(DisclosureState),
    )


def _target(cycle_slug: str, company_slug: str):
    require(can.is_staff(viewer()))
    cycle = _cycle(cycle_slug)
    company = db.first_or_404(sa.select(Company).filter_by(slug=company_slug))
    return cycle, company, find_disclosure(db.session, company, cycle)


def _started_target(cycle_slug: str, company_slug: str):
    """As _target, for actions that need the disclosure to exist (404 when not started)."""
    cycle, company, found = _target(cycle_slug, company_slug)
    if found is None:
        abort(404)
    return cycle, company, found


# The review page's item filter (?show=…): every item, or only those changed since the company
# was asked for changes, or only those with comments.
SHOW = ("all", "changed", "commented")


def _page(cycle, company, found, status: int = 200, **extra):
    transitions = services.transitions_of(db.session, found) if found else []
    comments = services.comments_by_item(db.session, found) if found else {}
    changes = services.changes_since_returned(db.session, transitions) if found else None
    changed = changes.items if changes else {}
    commented = {item_id for item_id in comments if item_id is not None}
    show = request.args.get("show", "all")
    if show not in SHOW:
        show = "all"
    every = {item.id for item in cycle.checklist_version.checklist.items}
    shown = {"all": every, "changed": set(changed), "commented": commented}[show]
    if found:
        preload_markdown(
            text for r in found.responses for text in (r.narrative, r.narrative_translation)
        )
    # Every word difference on the page in one go (stored ones read in one query).
    diffs = text_diffs(
        (str(f.before), str(f.after)) for item in changed.values() for f in item.fields if f.is_text
    )
    return render_template(
        "review/disclosure.html",
        cycle=cycle,
        company=company,
        disclosure=found,
        checklist=cycle.checklist_version.checklist,
        responses={r.item_id: r for r in found.responses} if found else {},
        attachments=attachments_of(db.session, found) if found else {},
        comments=comments,
        actions=allowed_actions(found.state, Side.STAFF) if found else frozenset(),
        transitions=transitions,
        changes=changes,
        changed=changed,
        commented=commented,
        show=show,
        shown=shown,
        text_diff=lambda before, after: diffs[(str(before), str(after))],
        published=ledger_queries.versions_of(db.session, found)
        if found and found.published_at
        else [],
        Action=Action,
        ACTION_LABELS=ACTION_LABELS,
        # Every field of each benchmark result, the confidential note too: staff review them.
        results={r.item_id: results_of(r) for r in found.responses if r.benchmark_results}
        if found
        else {},
        registry=current_registry(),
        **extra,
    ), status


@bp.get("/<cycle_slug>/<company_slug>")
@login_required
def disclosure(cycle_slug: str, company_slug: str):
    return _page(*_target(cycle_slug, company_slug))


def _back(cycle, company, anchor: str = "") -> str:
    return url_for("review.disclosure", cycle_slug=cycle.slug, company_slug=company.slug) + (
        f"#{anchor}" if anchor else ""
    )


@bp.post("/<cycle_slug>/<company_slug>/comments")
@login_required
def comment(cycle_slug: str, company_slug: str):
    cycle, company, found = _started_target(cycle_slug, company_slug)
    item_id = request.form.get("item_id") or None
    try:
        comment = services.add_comment(
            db.session, signed_in(), found, item_id, request.form.get("body", ""), clock.now()
        )
    except services.CommentRefused as exc:
        db.session.rollback()
        return _page(
            cycle,
            company,
            found,
            422,
            comment_error=refusal_message(exc),
            comment_item=item_id,
            comment_draft=request.form.get("body", ""),
        )
    review_mail.notify_comment(
        db.session, found, signed_in(), comment.body, _officer_link(cycle, found, item_id)
    )
    db.session.commit()
    flash(_("Comment posted."), "success")
    return redirect(_back(cycle, company, item_id or "comments"), 303)


@bp.post("/<cycle_slug>/<company_slug>/decision")
@login_required
def decide(cycle_slug: str, company_slug: str):
    cycle, company, found = _started_target(cycle_slug, company_slug)
    try:
        action = Action(request.form.get("action", ""))
    except ValueError:
        # No decision is preselected: a form sent without one keeps the reason typed.
        return _page(
            cycle,
            company,
            found,
            422,
            decision_error=_("Choose a decision: request changes or accept."),
            decision_unchosen=True,
            decision_reason=request.form.get("reason"),
        )
    try:
        transition = services.decide(
            db.session, signed_in(), found, action, request.form.get("reason", ""), clock.now()
        )
    except (services.ReasonMissing, services.CommentRefused) as exc:
        db.session.rollback()
        return _page(
            cycle,
            company,
            found,
            422,
            decision_error=refusal_message(exc),
            decision_action=action,
            decision_reason=request.form.get("reason"),
        )
    if action in (Action.REQUEST_CHANGES, Action.REOPEN):
        review_mail.notify_changes_requested(
            db.session, found, transition.reason or "", _officer_link(cycle, found, None)
        )
    db.session.commit()
    flash(
        {
            Action.REQUEST_CHANGES: _(
                "Changes requested: the disclosure is back with the company."
            ),
            Action.ACCEPT: _("Accepted."),
            Action.REOPEN: _(
                "Reopened for a correction: the company can change its answers; "
                "the public keeps reading the published version until the "
                "correction is published."
            ),
        }[action],
        "success",
    )
    return redirect(_back(cycle, company), 303)


@bp.get("/<cycle_slug>/<company_slug>/publish")
@login_required
def confirm_publish(cycle_slug: str, company_slug: str):
    """What publishing will do (company, cycle, the version number it gets, that it cannot be
    undone), and the one button that does it; nothing changes here."""
    cycle, company, found = _started_target(cycle_slug, company_slug)
    if Action.PUBLISH not in allowed_actions(found.state, Side.STAFF):
        try:  # published meanwhile (AlreadyMoved): say by whom, on the review page
            refuse_if_already_moved(db.session, found, Action.PUBLISH, Side.STAFF)
        except AlreadyMoved as exc:
            flash(refusal_message(exc), "warning")
            return redirect(_back(cycle, company))
        raise TransitionNotAllowed(found.state, Action.PUBLISH, Side.STAFF)
    versions = ledger_queries.versions_of(db.session, found)
    return render_template(
        "review/confirm_publish.html",
        cycle=cycle,
        company=company,
        version=versions[0].version + 1 if versions else 1,
        corrects=versions[0] if versions else None,
    )


@bp.post("/<cycle_slug>/<company_slug>/publish")
@login_required
def publish_disclosure(cycle_slug: str, company_slug: str):
    cycle, company, found = _started_target(cycle_slug, company_slug)
    try:
        publication = publish(db.session, viewer(), found, clock.now())
    except AlreadyMoved as exc:
        # A second click, or a colleague at the same moment: the first publication stands and
        # nothing of this one was written. Said on the review page, not as an error.
        db.session.rollback()
        if exc.action is not Action.PUBLISH or wants_json():
            raise
        flash(refusal_message(exc), "warning")
        return redirect(_back(cycle, company), 303)
    review_mail.notify_published(
        db.session,
        found,
        publication.version,
        external_url("companies.detail", slug=company.slug, cycle=cycle.slug),
    )
    db.session.commit()
    jobs = report_jobs(current_app)
    if current_app.config["RENDER_REPORTS_ON_PUBLISH"]:
        jobs.build_publication(publication.id)  # its PDFs, in the background
    jobs.build_cycle(cycle.id)  # then the aggregate
    flash(
        _(
            "Published as version %(version)d, ledger entry #%(n)d. Its PDF reports are being "
            "prepared and can be downloaded in a minute.",
            version=publication.version,
            n=publication.entry.sequence,
        ),
        "success",
    )
    return redirect(_back(cycle, company), 303)


def _officer_link(cycle, found, item_id: str | None) -> str:
    """Where officers answer: the item on its commitment page, or the disclosure overview."""
    if item_id:
        item = found.checklist_version.checklist.item(item_id)
        return (
            external_url(
                "filing.commitment", cycle_slug=cycle.slug, commitment_id=item.commitment_id
            )
            + f"#{item.id}"
        )
    return external_url("filing.overview", cycle_slug=cycle.slug)
