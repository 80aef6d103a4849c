"""Administration of accounts: list, invite, edit, deactivate (after a confirmation page),
reactivate, resend an invitation."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.auth import mail
from tracker.auth import permissions as can
from tracker.auth.login import require, signed_in, viewer
from tracker.auth.models import Role, User
from tracker.auth.services import AccountError
from tracker.companies.models import Company
from tracker.db import db
from tracker.errors import refusal_message
from tracker.links import external_url
from tracker.pagination import paginate
from tracker.params import arg_id
from tracker.users import services
from tracker.users.forms import InviteForm, UserForm

bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _companies() -> list[Company]:
    return list(db.session.scalars(sa.select(Company).order_by(Company.name_en)))


def _company(company_id: int | None) -> Company | None:
    return db.session.get(Company, company_id) if company_id else None


@bp.get("/")
@login_required
def index():
    require(can.can_view_users(viewer()))
    query = sa.select(User).order_by(User.role, User.email)
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    status = request.args.get("status")
    if status == "active":
        query = query.where(User.is_active.is_(True), User.password_hash.is_not(None))
    elif status == "invited":
        query = query.where(User.is_active.is_(True), User.password_hash.is_(None))
    elif status == "inactive":
        query = query.where(User.is_active.is_(False))
    page = paginate(query.options(sa.orm.joinedload(User.company)))
    return render_template(
        "users/index.html", page=page, role=role, status=status, roles=list(Role)
    )


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    me = signed_in()
    roles = [r for r in Role if can.can_invite(me, r)]
    require(bool(roles))
    form = InviteForm()
    form.set_choices(roles, _companies())
    if request.method == "GET":
        form.role.data = Role.OFFICER.value
        form.company.data = arg_id("company")
        return render_template("users/invite.html", form=form)
    if not form.validate():
        return render_template("users/invite.html", form=form), 422
    role = Role(form.role.data)
    require(can.can_invite(me, role))
    ttl = current_app.config["INVITATION_TTL"]
    try:
        link = services.invite(
            db.session,
            me,
            form.email.data,
            form.display_name.data,
            role,
            _company(form.company.data),
            clock.now(),
            ttl,
        )
    except AccountError as exc:
        db.session.rollback()
        return render_template("users/invite.html", form=form, errors=[refusal_message(exc)]), 422
    mail.queue_invitation(
        db.session,
        link.user,
        external_url("auth.accept_invitation", secret=link.secret),
        me,
        ttl.days,
    )
    db.session.commit()
    flash(_("Invitation for %(email)s is in the outbox.", email=link.user.email), "success")
    return redirect(url_for("users.detail", user_id=link.user.id))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def detail(user_id: int):
    me = signed_in()
    require(can.can_view_users(me))
    user = db.get_or_404(User, user_id)
    may_edit = can.can_manage_user(me, user)
    form = UserForm(obj=None if request.method == "POST" else user)
    form.set_choices(list(Role), _companies())
    if request.method == "GET":
        form.role.data = user.role.value
        form.company.data = user.company_id
        return render_template("users/detail.html", user=user, form=form, may_edit=may_edit)
    require(may_edit)
    if not form.validate():
        return render_template("users/detail.html", user=user, form=form, may_edit=True), 422
    try:
        changed = services.update_user(
            db.session,
            me,
            user,
            form.display_name.data,
            Role(form.role.data),
            _company(form.company.data),
        )
    except AccountError as exc:
        db.session.rollback()
        return render_template(
            "users/detail.html",
            user=user,
            form=form,
            may_edit=True,
            errors=[refusal_message(exc)],
        ), 422
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.get("/<int:user_id>/deactivate")
@login_required
def confirm_deactivate(user_id: int):
    """What deactivating the account does (and who is left to file for its company), and the
    one button that does it; nothing changes here."""
    me = viewer()
    user = db.get_or_404(User, user_id)
    require(can.can_manage_user(me, user))
    if not user.is_active:
        flash(_("%(email)s is already deactivated.", email=user.email), "info")
        return redirect(url_for("users.detail", user_id=user.id))
    return render_template(
        "users/confirm_deactivate.html",
        user=user,
        others=services.other_active_officers(db.session, user),
    )


@bp.post("/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    me = viewer()
    user = db.get_or_404(User, user_id)
    require(can.can_manage_user(me, user))
    services.set_active(db.session, me, user, active)
    db.session.commit()
    flash(
        _("%(email)s can sign in again.", email=user.email)
        if active
        else _("%(email)s is deactivated and was signed out everywhere.", email=user.email),
        "success",
    )
    return redirect(url_for("users.detail", user_id=user.id), 303)


@bp.post("/<int:user_id>/resend-invitation")
@login_required
def resend_invitation(user_id: int):
    me = signed_in()
    user = db.get_or_404(User, user_id)
    require(can.can_resend_invitation(me, user))
    ttl = current_app.config["INVITATION_TTL"]
    link = services.resend_invitation(db.session, me, user, clock.now(), ttl)
    mail.queue_invitation(
        db.session, user, external_url("auth.accept_invitation", secret=link.secret), me, ttl.days
    )
    db.session.commit()
    flash(
        _(
            "A new invitation for %(email)s is in the outbox; earlier links no longer work.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("users.detail", user_id=user.id))
