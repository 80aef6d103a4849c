"""Filing: the officer's dashboard, one page per commitment, saving, files, history, submit."""

from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import officer_company, require, signed_in, viewer
from tracker.benchmarks.registry import current_registry
from tracker.cycles.models import Cycle
from tracker.dates import format_moment
from tracker.db import db
from tracker.domain.answers import Limits, missing_for_submission, progress
from tracker.domain.diff import text_diff
from tracker.domain.markdown import RenderOverrun, render_within
from tracker.domain.results import REQUIRED_FIELDS, Result, result_from_form, result_problems
from tracker.domain.workflow import Action, DisclosureState, Side
from tracker.errors import refusal_message, wants_json
from tracker.filing import forms, queries, services, storage
from tracker.filing.forms import AnswerForm, UploadForm, fill_from_response
from tracker.filing.messages import (
    answer_problem_message,
    missing_message,
    readiness_messages,
    result_problem_message,
    results_problems_message,
)
from tracker.filing.models import Attachment, Disclosure
from tracker.i18n import current_language, localized
from tracker.ledger import queries as ledger_queries
from tracker.links import external_url
from tracker.params import BadParameter
from tracker.public.services import current_cycle
from tracker.review import mail as review_mail
from tracker.review import services as review_services
from tracker.storage.base import BlobNotFound
from tracker.storage.responses import send_blob
from tracker.storage.services import UPLOADS, blobs
from tracker.templating import markdown_filter, preload_markdown, text_diffs

bp = Blueprint("filing", __name__, url_prefix="/filing")


@bp.context_processor
def filing_context() -> dict:
    return {
        "missing_message": missing_message,
        "readiness_messages": readiness_messages,
        "NOT_STARTED": DisclosureState.NOT_STARTED,
        "State": DisclosureState,
    }


def limits() -> Limits:
    config = current_app.config
    return Limits(
        narrative=config["NARRATIVE_MAX_LENGTH"],
        note=config["NOTE_MAX_LENGTH"],
        links=config["LINKS_PER_ITEM"],
    )


def cycle_or_404(slug: str) -> Cycle:
    return db.first_or_404(sa.select(Cycle).filter_by(slug=slug))


# --- dashboard and overview ---------------------------------------------------------------------


@bp.get("/")
@login_required
def dashboard():
    company = officer_company()
    cycle = current_cycle(db.session, clock.today())
    disclosure = queries.find_disclosure(db.session, company, cycle) if cycle else None
    earlier = db.session.scalars(
        sa.select(Disclosure)
        .join(Disclosure.cycle)
        .where(
            Disclosure.company_id == company.id,
            Disclosure.cycle_id != (cycle.id if cycle else None),
        )
        .options(sa.orm.joinedload(Disclosure.cycle))
        .order_by(Cycle.opens_on.desc())
    ).all()
    return render_template(
        "filing/dashboard.html",
        company=company,
        cycle=cycle,
        disclosure=disclosure,
        earlier=earlier,
        today=clock.today(),
        to_fix=_items_to_fix(disclosure),
        **_progress_context(cycle, disclosure),
    )


def _progress_context(cycle: Cycle | None, disclosure: Disclosure | None) -> dict:
    if cycle is None:
        return {}
    checklist = cycle.checklist_version.checklist
    answers = services.answers_of(disclosure) if disclosure else {}
    return {
        "checklist": checklist,
        "progress": progress(checklist, answers),
        "missing": missing_for_submission(checklist, answers),
    }


@bp.get("/<cycle_slug>/")
@login_required
def overview(cycle_slug: str):
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    return _render_overview(company, cycle, disclosure)


def _render_overview(company, cycle: Cycle, disclosure: Disclosure | None, **extra):
    empty = disclosure is None or not disclosure.responses
    previous = services.previous_disclosure(db.session, company.id, cycle) if empty else None
    transitions = review_services.transitions_of(db.session, disclosure) if disclosure else []
    # Returned to the company: the reason staff gave when they last asked for changes.
    returned = next((t for t in reversed(transitions) if t.action is Action.REQUEST_CHANGES), None)
    return render_template(
        "filing/overview.html",
        company=company,
        cycle=cycle,
        disclosure=disclosure,
        previous=previous,
        today=clock.today(),
        editable=_editable(cycle, disclosure),
        comments=review_services.comments_by_item(db.session, disclosure) if disclosure else {},
        to_fix=_items_to_fix(disclosure),
        returned=returned if disclosure and disclosure.is_returned else None,
        published=ledger_queries.versions_of(db.session, disclosure)
        if disclosure and disclosure.published_at
        else [],
        **_progress_context(cycle, disclosure),
        **extra,
    )


# --- one commitment's items ---------------------------------------------------------------------


@bp.get("/<cycle_slug>/<commitment_id>")
@login_required
def commitment(cycle_slug: str, commitment_id: str):
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    checklist = cycle.checklist_version.checklist
    found = next((c for c in checklist.commitments if c.id == commitment_id), None)
    if found is None:
        abort(404)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    responses = {r.item_id: r for r in disclosure.responses} if disclosure else {}
    preload_markdown(
        text for r in responses.values() for text in (r.narrative, r.narrative_translation)
    )
    editable = _editable(cycle, disclosure)
    forms = {}
    for item in found.items:
        form = AnswerForm.for_item(item, formdata=None)
        fill_from_response(form, responses.get(item.id), link_rows=1 if editable else 0)
        forms[item.id] = form
    return render_template(
        "filing/commitment.html",
        company=company,
        cycle=cycle,
        checklist=checklist,
        commitment=found,
        disclosure=disclosure,
        forms=forms,
        responses=responses,
        comments=review_services.comments_by_item(db.session, disclosure) if disclosure else {},
        to_fix=_items_to_fix(disclosure),
        readiness=services.readiness_of(found.items, responses),
        commitment_progress_counts=progress(
            checklist, services.answers_of(disclosure) if disclosure else {}
        )[found.id],
        attachments=services.attachments_of(db.session, disclosure) if disclosure else {},
        editable=editable,
        upload_form=UploadForm(),
        limits=limits(),
        results={
            item.id: services.results_of(responses.get(item.id))
            for item in found.items
            if item.results
        },
        registry=current_registry(),
    )


def _items_to_fix(disclosure: Disclosure | None) -> set[str]:
    """When staff returned the disclosure, the items they commented on since it was submitted."""
    if disclosure is None or disclosure.state is not DisclosureState.CHANGES_REQUESTED:
        return set()
    return review_services.commented_items_since_submission(db.session, disclosure)


def _editable(cycle: Cycle, disclosure: Disclosure | None) -> bool:
    if disclosure is None:
        return services.cycle_is_open(cycle, clock.today())
    return services.can_edit(disclosure, clock.today())


def _item_or_404(cycle: Cycle, item_id: str):
    try:
        return cycle.checklist_version.checklist.item(item_id)
    except KeyError:
        abort(404)


def officer_item(cycle_slug: str, item_id: str):
    """(company, cycle, item) for an officer's request about one item of their disclosure."""
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    return company, cycle, _item_or_404(cycle, item_id)


def item_page(cycle: Cycle, item) -> str:
    """The commitment page, scrolled to the item."""
    return (
        url_for("filing.commitment", cycle_slug=cycle.slug, commitment_id=item.commitment_id)
        + f"#{item.id}"
    )


@bp.post("/<cycle_slug>/items/<item_id>")
@login_required
def save(cycle_slug: str, item_id: str):
    """Save one item (a form post, or the page's autosave asking for JSON)."""
    company, cycle, item = officer_item(cycle_slug, item_id)
    form = AnswerForm.for_item(item)
    if not form.validate():
        return _refuse(form, cycle, item, [_("The form could not be read. Reload the page.")])
    try:
        expected_version = form.expected_version()
    except BadParameter as exc:  # answered with the form as it was sent: nothing typed is lost
        return _refuse(form, cycle, item, [refusal_message(exc)], status=400)
    disclosure = services.disclosure_for(db.session, company, cycle)
    try:
        response = services.save_answer(
            db.session,
            signed_in(),
            disclosure,
            item,
            form.answer(),
            expected_version,
            limits(),
            clock.now(),
        )
    except services.InvalidAnswer as exc:
        db.session.rollback()
        return _refuse(
            form, cycle, item, [answer_problem_message(p, exc.limits) for _f, p in exc.problems]
        )
    except services.EditConflict as exc:
        db.session.rollback()
        return _conflict(form, cycle, item, exc)
    except services.NarrativeTooComplex as exc:
        db.session.rollback()
        return _refuse(form, cycle, item, [refusal_message(exc)])
    db.session.commit()
    if wants_json():
        return jsonify(
            saved=True,
            version=response.version,
            saved_at=format_moment(response.updated_at),
            preview=markdown_filter(response.narrative),
            translation_preview=markdown_filter(response.narrative_translation),
        )
    flash(_("Saved."), "success")
    return redirect(item_page(cycle, item))


def _refuse(form: AnswerForm, cycle: Cycle, item, errors: list[str], status: int = 422):
    """422 (or ``status``): what is wrong, with everything typed still in the form."""
    if wants_json():
        return jsonify(saved=False, errors=errors), status
    return render_template(
        "filing/item_refused.html", cycle=cycle, item=item, form=form, errors=errors
    ), status


def _conflict(form: AnswerForm, cycle: Cycle, item, conflict: services.EditConflict):
    """409: someone saved first. Show both versions; the officer chooses."""
    company = officer_company()
    disclosure = queries.find_disclosure(db.session, company, cycle)
    theirs = (
        next((r for r in disclosure.responses if r.item_id == item.id), None)
        if disclosure
        else None
    )
    if theirs is None:  # the form named a version of an answer that does not exist
        return _refuse(form, cycle, item, [refusal_message(conflict)])
    mine = form.answer()
    # The two versions and their differences, for this answer only; the autosave shows them
    # under the item's form, the page without JavaScript around a copy of it.
    versions = {
        "cycle": cycle,
        "item": item,
        "theirs": theirs,
        "mine": mine,
        "diff": text_diff(theirs.narrative or "", mine.narrative),
        "translation_diff": text_diff(
            theirs.narrative_translation or "", mine.narrative_translation
        ),
    }
    if wants_json():
        return jsonify(
            saved=False,
            conflict=True,
            version=theirs.version,
            theirs=services.snapshot(theirs),
            by=theirs.updated_by.display_name if theirs.updated_by else None,
            at=format_moment(theirs.updated_at),
            versions_html=render_template("filing/_conflict_versions.html", hl=3, **versions),
        ), 409
    form.version.data = str(theirs.version)  # "keep mine" overwrites what was seen here
    return render_template("filing/conflict.html", form=form, **versions), 409


# --- history ------------------------------------------------------------------------------------

# The texts of an answer whose revisions the history page shows word by word.
HISTORY_TEXTS = ("not_applicable_reason", "narrative", "narrative_translation", "confidential_note")


@bp.get("/<cycle_slug>/items/<item_id>/history")
@login_required
def history(cycle_slug: str, item_id: str):
    company, cycle, item = officer_item(cycle_slug, item_id)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    response = (
        next((r for r in disclosure.responses if r.item_id == item.id), None)
        if disclosure
        else None
    )
    revisions = response.revisions if response else []
    # Every text difference on the page, read (or worked out once and kept) in one go.
    diffs = text_diffs(
        (
            (rev.before.get(key) or "", rev.after.get(key) or "")
            for rev in revisions
            for key in HISTORY_TEXTS
            if (rev.before.get(key) or "") != (rev.after.get(key) or "")
        ),
    )
    files = services.file_events(db.session, disclosure, item.id) if disclosure else []
    return render_template(
        "filing/history.html",
        cycle=cycle,
        item=item,
        entries=services.item_history(revisions, files),
        text_diff=lambda before, after: diffs[(before, after)],
    )


# --- files --------------------------------------------------------------------------------------


@bp.post("/<cycle_slug>/items/<item_id>/attachments")
@login_required
def upload(cycle_slug: str, item_id: str):
    company, cycle, item = officer_item(cycle_slug, item_id)
    form = UploadForm()
    back = item_page(cycle, item)
    if not form.validate():
        flash(_("Choose a file to upload."), "error")
        return redirect(back), 303
    config = current_app.config
    disclosure = services.disclosure_for(db.session, company, cycle)
    services.ensure_editable(disclosure, clock.today())
    upload_file = form.file.data
    stored = None
    try:
        # The count is known before the bytes: refuse early rather than store and discard.
        services.check_room_on_item(db.session, disclosure, item, config["ATTACHMENTS_PER_ITEM"])
        stored = storage.store_upload(
            upload_file.stream,
            upload_file.filename,
            blobs(UPLOADS),
            config["ATTACHMENT_MAX_SIZE"],
            tuple(config["ATTACHMENT_TYPES"]),
        )
        services.add_attachment(
            db.session,
            signed_in(),
            disclosure,
            item,
            stored,
            config["ATTACHMENTS_PER_ITEM"],
            config["ATTACHMENTS_TOTAL_SIZE"],
            clock.now(),
        )
    except (storage.UploadRefused, services.AttachmentLimit) as exc:
        # A page of its own: the answers typed on the item's page are not affected.
        db.session.rollback()
        if stored is not None and not services.file_in_use(db.session, stored.sha256):
            blobs(UPLOADS).delete(stored.sha256)  # (in the database: gone with the rollback)
        return _upload_refused(cycle, item, refusal_message(exc), back)
    db.session.commit()
    flash(_("%(name)s is attached.", name=stored.filename), "success")
    return redirect(back, 303)


def _upload_refused(cycle: Cycle, item, message: str, back: str):
    return render_template(
        "filing/upload_refused.html", cycle=cycle, item=item, message=message, back=back
    ), 422


def _attachment_or_404(attachment_id: int) -> Attachment:
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.removed_at is not None:
        abort(404)
    return attachment


@bp.post("/<cycle_slug>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(cycle_slug: str, attachment_id: int):
    company = officer_company()
    attachment = _attachment_or_404(attachment_id)
    if attachment.disclosure.company_id != company.id:
        abort(404)  # another company's file: do not even confirm it exists
    services.remove_attachment(db.session, signed_in(), attachment, clock.now())
    db.session.commit()
    flash(_("%(name)s is no longer attached.", name=attachment.filename), "success")
    cycle = attachment.disclosure.cycle
    item = cycle.checklist_version.checklist.item(attachment.item_id)
    return redirect(item_page(cycle, item), 303)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    """The file, always as a download: never rendered inline in the app's origin."""
    attachment = _attachment_or_404(attachment_id)
    if not can.can_view_company_private(viewer(), attachment.disclosure.company):
        abort(404)
    try:
        response = send_blob(
            blobs(UPLOADS),
            attachment.sha256,
            mimetype=attachment.content_type,
            as_attachment=True,
            download_name=attachment.filename,
            conditional=True,
            max_age=0,
        )
    except BlobNotFound:
        current_app.logger.error("attachment %s: its stored file is missing", attachment.id)
        raise
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(attachment.filename)}"
    )
    return response


# --- submitting and starting from the previous cycle --------------------------------------------


@bp.post("/<cycle_slug>/submit")
@login_required
def submit(cycle_slug: str):
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    disclosure = services.disclosure_for(db.session, company, cycle)
    try:
        services.submit(db.session, signed_in(), disclosure, clock.now())
    except services.Incomplete as exc:
        db.session.rollback()
        return _render_overview(
            company,
            cycle,
            queries.find_disclosure(db.session, company, cycle),
            submit_missing=exc.missing,
        ), 422
    review_mail.notify_submitted(
        db.session,
        disclosure,
        external_url("review.disclosure", cycle_slug=cycle.slug, company_slug=company.slug),
    )
    db.session.commit()
    flash(
        _("Submitted. The alliance will review your disclosure; it is read-only until then."),
        "success",
    )
    return redirect(url_for("filing.overview", cycle_slug=cycle.slug), 303)


@bp.post("/<cycle_slug>/copy-forward")
@login_required
def copy_forward(cycle_slug: str):
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    disclosure = services.disclosure_for(db.session, company, cycle)
    previous = services.previous_disclosure(db.session, company.id, cycle)
    if previous is None:
        abort(404)
    copied = services.copy_forward(db.session, signed_in(), disclosure, previous, clock.now())
    db.session.commit()
    flash(
        _(
            "%(n)d answers were copied from %(cycle)s. Each is marked “carried over” until you "
            "confirm or change it.",
            n=copied,
            cycle=previous.cycle.name(current_language()),
        ),
        "success",
    )
    return redirect(url_for("filing.overview", cycle_slug=cycle.slug), 303)


@bp.post("/<cycle_slug>/correction")
@login_required
def start_correction(cycle_slug: str):
    """Reopen the company's published disclosure to correct it (a reason is required)."""
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    if disclosure is None:
        abort(404)
    try:
        review_services.decide(
            db.session,
            signed_in(),
            disclosure,
            Action.REOPEN,
            request.form.get("reason", ""),
            clock.now(),
            who=Side.OFFICER,
        )
    except (review_services.ReasonMissing, review_services.CommentRefused) as exc:
        db.session.rollback()
        return _render_overview(
            company,
            cycle,
            disclosure,
            correction_error=refusal_message(exc),
            correction_reason=request.form.get("reason", ""),
        ), 422
    db.session.commit()
    flash(
        _(
            "Correction started. Change the answers that were wrong and submit again; the "
            "public keeps reading the published version until the correction is published."
        ),
        "success",
    )
    return redirect(url_for("filing.overview", cycle_slug=cycle.slug), 303)


@bp.post("/<cycle_slug>/comments")
@login_required
def comment(cycle_slug: str):
    """An officer's comment on an item or on the whole disclosure (answers to staff)."""
    company = officer_company()
    cycle = cycle_or_404(cycle_slug)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    if disclosure is None:
        abort(404)
    item_id = request.form.get("item_id") or None
    review_services.add_comment(
        db.session, signed_in(), disclosure, item_id, request.form.get("body", ""), clock.now()
    )
    db.session.commit()
    flash(_("Comment posted."), "success")
    if item_id:
        return redirect(item_page(cycle, cycle.checklist_version.checklist.item(item_id)), 303)
    return redirect(url_for("filing.overview", cycle_slug=cycle.slug) + "#comments", 303)


@bp.post("/preview")
@login_required
def preview():
    """Markdown as the public will see it, for the editor's preview."""
    me = viewer()
    require(me is not None and (can.can_file(me, me.company) or can.is_staff(me)))
    text = request.form.get("text", "")
    if len(text) > limits().narrative:
        return jsonify(html="", error=_("The text is too long to preview.")), 413
    try:
        return jsonify(html=render_within(text))
    except RenderOverrun:
        return jsonify(html="", error=refusal_message(services.NarrativeTooComplex())), 422


# --- benchmark results --------------------------------------------------------------------------
#
# An item that takes results (Item.results) lists them on its commitment page; each is added,
# changed or removed on a page of its own. Every change replaces the item's list through
# services.save_results, naming the answer's version the page was loaded with: a colleague's
# change in between is a conflict, shown with what was typed, never overwritten.


def _results_item(cycle_slug: str, item_id: str):
    """(company, cycle, item) for a request about an item's results; 404 unless it takes them."""
    company, cycle, item = officer_item(cycle_slug, item_id)
    if not item.results:
        abort(404)
    return company, cycle, item


def _response_for(disclosure: Disclosure | None, item):
    if disclosure is None:
        return None
    return next((r for r in disclosure.responses if r.item_id == item.id), None)


def _results_anchor(cycle: Cycle, item) -> str:
    return item_page(cycle, item).replace(f"#{item.id}", f"#results-{item.id}")


def _choices() -> dict:
    return forms.registry_choices(current_registry(), current_language().locale, localized)


def _result_page(
    cycle: Cycle,
    item,
    typed: dict,
    answer_version: int | None,
    action: str,
    *,
    position: int | None = None,
    problems: list | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    **extra,
):
    """The result form with what was typed; each problem (field, ResultProblem) beside its
    field, ``errors`` above the form."""
    registry = current_registry()
    benchmark = registry.get(typed.get("benchmark", ""))
    metric = benchmark.metric(typed.get("metric", "")) if benchmark else None
    by_field: dict[str, list[str]] = {}
    for field_name, problem in problems or []:
        by_field.setdefault(field_name, []).append(
            result_problem_message(field_name, problem, services.RESULT_LIMITS, metric)
        )
    # The rows typed, and a few empty ones for more (the empty rows sent are not kept).
    breakdown = [row for row in typed.get("breakdown") or [] if row["name"] or row["value"]]
    room = services.RESULT_LIMITS.categories - len(breakdown)
    breakdown += [{"name": "", "value": ""} for _ in range(max(0, min(3, room)))]
    return render_template(
        "filing/result_form.html",
        cycle=cycle,
        item=item,
        typed=typed | {"breakdown": breakdown},
        answer_version=answer_version,
        action=action,
        position=position,
        field_errors=by_field,
        errors=errors or [],
        groups=forms.RESULT_GROUPS,
        fields=forms.RESULT_FIELDS,
        choices=_choices(),
        result_choices=forms.RESULT_CHOICES,
        breakdown_label=forms.BREAKDOWN_LABEL,
        breakdown_help=forms.BREAKDOWN_HELP,
        required=set(REQUIRED_FIELDS),
        registry=registry,
        heading=_("Change result %(n)d", n=position) if position else _("Add a benchmark result"),
        **extra,
    ), status


def _empty_result() -> dict:
    return forms.typed_from(Result())


@bp.route("/<cycle_slug>/items/<item_id>/results/new", methods=["GET", "POST"])
@login_required
def new_result(cycle_slug: str, item_id: str):
    """Add a benchmark result to the item (the form, and saving it)."""
    company, cycle, item = _results_item(cycle_slug, item_id)
    action = url_for("filing.new_result", cycle_slug=cycle.slug, item_id=item.id)
    if request.method == "GET":
        disclosure = queries.find_disclosure(db.session, company, cycle)
        if not _editable(cycle, disclosure):
            raise services.NotEditable()
        response = _response_for(disclosure, item)
        return _result_page(
            cycle, item, _empty_result(), response.version if response else None, action
        )
    return _save_result(company, cycle, item, None, action)


@bp.route("/<cycle_slug>/items/<item_id>/results/<int:n>", methods=["GET", "POST"])
@login_required
def edit_result(cycle_slug: str, item_id: str, n: int):
    """Change the item's ``n``-th benchmark result (from 1)."""
    company, cycle, item = _results_item(cycle_slug, item_id)
    action = url_for("filing.edit_result", cycle_slug=cycle.slug, item_id=item.id, n=n)
    if request.method == "GET":
        disclosure = queries.find_disclosure(db.session, company, cycle)
        response = _response_for(disclosure, item)
        results = services.results_of(response)
        if not 1 <= n <= len(results):
            abort(404)
        if not _editable(cycle, disclosure):
            raise services.NotEditable()
        return _result_page(
            cycle,
            item,
            forms.typed_from(results[n - 1]),
            response.version,
            action,
            position=n,
        )
    return _save_result(company, cycle, item, n, action)


def _save_result(company, cycle: Cycle, item, n: int | None, action: str):
    """Check what the result form sent; save it as a new result (``n`` None) or in place of
    the ``n``-th; else the form again (422) with every typed value and every problem."""
    typed = forms.typed_result(request.form)
    raw_version = request.form.get("answer_version", "")
    try:
        expected = forms.parse_answer_version(raw_version)
    except BadParameter as exc:
        return _result_page(
            cycle, item, typed, None, action, position=n, errors=[refusal_message(exc)], status=400
        )
    result, unreadable = result_from_form(typed)
    registry = current_registry()
    problems = result_problems(
        result, registry, clock.today(), services.RESULT_LIMITS, unreadable=unreadable
    )
    if problems:
        return _result_page(
            cycle, item, typed, expected, action, position=n, problems=problems, status=422
        )
    found = (
        services.disclosure_for(db.session, company, cycle)
        if n is None
        else queries.find_disclosure(db.session, company, cycle)
    )
    if found is None:
        abort(404)
    disclosure: Disclosure = found
    response = _response_for(disclosure, item)
    if (response.version if response else None) != expected:
        return _results_conflict(company, cycle, item, typed)
    results = services.results_of(response)
    if n is None:
        results.append(result)
    elif 1 <= n <= len(results):
        results[n - 1] = result
    else:
        abort(404)
    try:
        services.save_results(
            db.session,
            signed_in(),
            disclosure,
            item.id,
            results,
            registry=registry,
            now=clock.now(),
            expected_version=expected,
        )
    except services.InvalidResults as exc:  # the list as a whole: one result too many
        db.session.rollback()
        return _result_page(
            cycle,
            item,
            typed,
            expected,
            action,
            position=n,
            errors=[results_problems_message(exc)],
            status=422,
        )
    except services.EditConflict:
        db.session.rollback()
        return _results_conflict(company, cycle, item, typed)
    db.session.commit()
    flash(_("The result is saved.") if n is None else _("The result is changed."), "success")
    return redirect(_results_anchor(cycle, item), 303)


def _results_conflict(company, cycle: Cycle, item, typed: dict | None):
    """409: the item's results changed since the page was loaded. The saved list, and what
    was typed in a form that adds it as a new result: nothing is lost, nothing overwritten."""
    disclosure = queries.find_disclosure(db.session, company, cycle)
    response = _response_for(disclosure, item)
    saved = services.results_of(response)
    version = response.version if response else None
    if typed is None:
        return render_template(
            "filing/results_conflict.html",
            cycle=cycle,
            item=item,
            saved=saved,
            saved_by=response.updated_by if response else None,
            saved_at=response.updated_at if response else None,
            registry=current_registry(),
            typed=None,
        ), 409
    return _result_page(
        cycle,
        item,
        typed,
        version,
        url_for("filing.new_result", cycle_slug=cycle.slug, item_id=item.id),
        status=409,
        saved=saved,
        saved_by=response.updated_by if response else None,
        saved_at=response.updated_at if response else None,
    )


@bp.route("/<cycle_slug>/items/<item_id>/results/<int:n>/remove", methods=["GET", "POST"])
@login_required
def remove_result(cycle_slug: str, item_id: str, n: int):
    """Remove the item's ``n``-th result: a page asking to confirm, and the removal."""
    company, cycle, item = _results_item(cycle_slug, item_id)
    disclosure = queries.find_disclosure(db.session, company, cycle)
    response = _response_for(disclosure, item)
    results = services.results_of(response)
    if request.method == "GET":
        if not 1 <= n <= len(results):
            abort(404)
        if not _editable(cycle, disclosure):
            raise services.NotEditable()
        return render_template(
            "filing/result_remove.html",
            cycle=cycle,
            item=item,
            n=n,
            result=results[n - 1],
            answer_version=response.version,
            registry=current_registry(),
        )
    if disclosure is None or response is None:
        abort(404)
    # A version that is no number is refused as a bad parameter (400): nothing is removed.
    expected = forms.parse_answer_version(request.form.get("answer_version", ""))
    if expected != response.version:
        return _results_conflict(company, cycle, item, None)
    if not 1 <= n <= len(results):
        abort(404)
    removed = results.pop(n - 1)
    try:
        services.save_results(
            db.session,
            signed_in(),
            disclosure,
            item.id,
            results,
            registry=current_registry(),
            now=clock.now(),
            expected_version=expected,
        )
    except services.EditConflict:
        db.session.rollback()
        return _results_conflict(company, cycle, item, None)
    db.session.commit()
    flash(_("The result of %(model)s is removed.", model=removed.model), "success")
    return redirect(_results_anchor(cycle, item), 303)
