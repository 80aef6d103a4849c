"""Cycle administration: the list, create and edit, open, close (after a confirmation page),
reopen a closed cycle (with a reason), and due-date extensions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import require, signed_in, viewer
from tracker.checklists.services import list_versions
from tracker.cycles import services
from tracker.cycles.forms import CycleForm, ExtensionForm, ReopenForm
from tracker.cycles.models import Cycle, CyclePhase
from tracker.dates import format_day
from tracker.db import db
from tracker.errors import refusal_message
from tracker.filing.models import Disclosure
from tracker.i18n import current_language
from tracker.links import external_url
from tracker.review.mail import notify_cycle_opened

bp = Blueprint("cycles", __name__, url_prefix="/admin/cycles")

# The cycle form's refusals, shown next to the field they concern.
FORM_REFUSALS = (services.CycleSlugTaken, services.DatesOutOfOrder, services.ChecklistFrozen)


def _require_admin() -> None:
    require(can.can_manage_cycles(viewer()))


def _form(cycle: Cycle | None) -> CycleForm:
    form = CycleForm(obj=cycle if request.method == "GET" else None)
    form.checklist_version_id.choices = [
        (v.id, f"{v.version} · {v.checklist.title.get(current_language())}")
        for v in list_versions(db.session)
    ]
    return form


def _values(form: CycleForm) -> services.CycleValues:
    return services.CycleValues(
        slug=form.slug.data,
        name_en=form.name_en.data.strip(),
        name_zh=form.name_zh.data.strip(),
        checklist_version_id=form.checklist_version_id.data,
        opens_on=form.opens_on.data,
        due_on=form.due_on.data,
        closes_on=form.closes_on.data,
    )


@bp.get("/")
@login_required
def index():
    _require_admin()
    cycles = services.all_cycles(db.session)
    counts = services.disclosure_counts(db.session, [c.id for c in cycles])
    return render_template("cycles/index.html", cycles=cycles, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _require_admin()
    form = _form(None)
    if request.method == "GET":
        return render_template("cycles/form.html", form=form, cycle=None, frozen=False)
    if not form.validate():
        return render_template("cycles/form.html", form=form, cycle=None, frozen=False), 422
    try:
        cycle = services.create_cycle(db.session, signed_in(), _values(form))
    except FORM_REFUSALS as exc:
        db.session.rollback()
        return _refused(form, None, False, exc)
    db.session.commit()
    flash(_("The cycle was created. Open it when companies should start filing."), "success")
    return redirect(url_for("cycles.detail", cycle_id=cycle.id), 303)


def _refused(form: CycleForm, cycle: Cycle | None, frozen: bool, exc: services.CycleError):
    target = {
        services.CycleSlugTaken.code: form.slug,
        services.ChecklistFrozen.code: form.checklist_version_id,
    }.get(exc.code, form.due_on)
    target.errors = [*target.errors, refusal_message(exc)]
    return render_template("cycles/form.html", form=form, cycle=cycle, frozen=frozen), 422


@bp.route("/<int:cycle_id>/edit", methods=["GET", "POST"])
@login_required
def edit(cycle_id: int):
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    frozen = services.has_disclosures(db.session, cycle)
    form = _form(cycle)
    if frozen:
        form.checklist_version_id.render_kw = {"disabled": True}
        if request.method == "POST":
            form.checklist_version_id.data = cycle.checklist_version_id
    if request.method == "GET":
        return render_template("cycles/form.html", form=form, cycle=cycle, frozen=frozen)
    if frozen:
        # A disabled select is not sent; the stored version stands in for validation.
        form.checklist_version_id.raw_data = [str(cycle.checklist_version_id)]
    if not form.validate():
        return render_template("cycles/form.html", form=form, cycle=cycle, frozen=frozen), 422
    try:
        changed = services.update_cycle(db.session, signed_in(), cycle, _values(form))
    except FORM_REFUSALS as exc:
        db.session.rollback()
        return _refused(form, cycle, frozen, exc)
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("cycles.detail", cycle_id=cycle.id), 303)


def _detail(
    cycle: Cycle,
    status: int = 200,
    posted: ExtensionForm | None = None,
    posted_for: int | None = None,
):
    """The cycle page; ``posted`` is the extension form for ``posted_for`` sent back with its
    errors (its details stay open)."""
    disclosures, extensions = services.disclosures_with_extensions(db.session, cycle)
    forms = {d.id: ExtensionForm(formdata=None, prefix=f"d{d.id}") for d in disclosures}
    if posted is not None:
        forms[posted_for] = posted
    return render_template(
        "cycles/detail.html",
        cycle=cycle,
        disclosures=disclosures,
        extensions=extensions,
        extension_forms=forms,
        posted_for=posted_for,
        PLANNED=CyclePhase.PLANNED,
        OPEN=CyclePhase.OPEN,
        CLOSED=CyclePhase.CLOSED,
    ), status


@bp.get("/<int:cycle_id>")
@login_required
def detail(cycle_id: int):
    _require_admin()
    return _detail(db.get_or_404(Cycle, cycle_id))


@bp.post("/<int:cycle_id>/open")
@login_required
def open_cycle(cycle_id: int):
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    created = services.open_cycle(db.session, signed_in(), cycle, clock.now())
    told = notify_cycle_opened(
        db.session,
        cycle,
        [d.company_id for d in created],
        external_url("filing.overview", cycle_slug=cycle.slug),
    )
    db.session.commit()
    flash(
        ngettext(
            "Opened: %(num)d company got its disclosure; %(told)d officers were told.",
            "Opened: %(num)d companies got their disclosures; %(told)d officers were told.",
            len(created),
            told=told,
        ),
        "success",
    )
    return redirect(url_for("cycles.detail", cycle_id=cycle.id), 303)


@bp.get("/<int:cycle_id>/close")
@login_required
def confirm_close(cycle_id: int):
    """What closing would cut short (companies not handed in, open drafts, days left), and the
    one button that closes; nothing changes here."""
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    if cycle.phase is not CyclePhase.OPEN:
        raise services.WrongPhase()
    return render_template(
        "cycles/confirm_close.html",
        cycle=cycle,
        preview=services.close_preview(db.session, cycle, clock.today()),
    )


@bp.post("/<int:cycle_id>/close")
@login_required
def close_cycle(cycle_id: int):
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    services.close_cycle(db.session, signed_in(), cycle, clock.now())
    db.session.commit()
    flash(
        _(
            "Closed: nobody can file any more; handed-in disclosures can still be reviewed and "
            "published."
        ),
        "success",
    )
    return redirect(url_for("cycles.detail", cycle_id=cycle.id), 303)


def _reopen_page(cycle: Cycle, form: ReopenForm, status: int = 200):
    return render_template(
        "cycles/reopen.html",
        cycle=cycle,
        form=form,
        closing_passed=cycle.closes_on is not None and cycle.closes_on < clock.today(),
    ), status


@bp.route("/<int:cycle_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(cycle_id: int):
    """Reopen a closed cycle, with a reason (asked for on this page, recorded in the audit
    trail): officers can file again."""
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    form = ReopenForm()
    if request.method == "GET":
        if cycle.phase is not CyclePhase.CLOSED:
            raise services.ReopenRefused("not_closed")
        return _reopen_page(cycle, form)
    if not form.validate():
        return _reopen_page(cycle, form, 422)
    try:
        services.reopen_cycle(db.session, signed_in(), cycle, form.reason.data, clock.today())
    except services.ReopenRefused as exc:
        db.session.rollback()
        if exc.why == "not_closed":
            raise
        form.reason.errors = [*form.reason.errors, refusal_message(exc)]
        return _reopen_page(cycle, form, exc.status)
    db.session.commit()
    flash(_("Reopened: officers can file again. The reason is in the cycle's history."), "success")
    return redirect(url_for("cycles.detail", cycle_id=cycle.id), 303)


@bp.post("/<int:cycle_id>/extensions/<int:disclosure_id>")
@login_required
def extend(cycle_id: int, disclosure_id: int):
    _require_admin()
    cycle = db.get_or_404(Cycle, cycle_id)
    disclosure = db.session.get(Disclosure, disclosure_id)
    if disclosure is None or disclosure.cycle_id != cycle.id:
        abort(404)
    form = ExtensionForm(prefix=f"d{disclosure.id}")
    if not form.validate():
        return _detail(cycle, 422, form, disclosure.id)
    try:
        services.extend_due_date(
            db.session, signed_in(), disclosure, form.due_on.data, form.reason.data
        )
    except services.ExtensionRefused as exc:
        db.session.rollback()
        form.due_on.errors = [*form.due_on.errors, refusal_message(exc)]
        return _detail(cycle, 422, form, disclosure.id)
    db.session.commit()
    flash(
        _(
            "%(company)s is now due on %(date)s.",
            company=disclosure.company.name(current_language()),
            date=format_day(disclosure.due_on),
        ),
        "success",
    )
    return redirect(url_for("cycles.detail", cycle_id=cycle.id) + f"#d{disclosure.id}", 303)
