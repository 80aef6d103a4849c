"""The roster for administrators: every company, a new one, and changes to one."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tracker.auth import permissions as can
from tracker.auth.login import require, signed_in, viewer
from tracker.companies.models import Company
from tracker.db import db
from tracker.errors import refusal_message
from tracker.pagination import paginate
from tracker.roster import services
from tracker.roster.forms import CompanyForm

bp = Blueprint("roster", __name__, url_prefix="/admin/companies")


def _form_values(form: CompanyForm) -> dict:
    return {
        "slug": form.slug.data,
        "name_en": form.name_en.data.strip(),
        "name_zh": form.name_zh.data.strip(),
        "website": form.website.data or None,
        "is_signatory": form.is_signatory.data,
        "signatory_since": form.signatory_since.data,
        "signatory_source": (form.signatory_source.data or "").strip() or None,
        "signatory_confirmed": form.signatory_confirmed.data,
    }


@bp.get("/")
@login_required
def index():
    require(can.can_manage_companies(viewer()))
    page = paginate(sa.select(Company).order_by(Company.name_en))
    return render_template("roster/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can.can_manage_companies(viewer()))
    form = CompanyForm()
    if request.method == "GET":
        return render_template("roster/form.html", form=form, company=None)
    if not form.validate():
        return render_template("roster/form.html", form=form, company=None), 422
    try:
        company = services.create_company(db.session, signed_in(), _form_values(form))
    except services.CompanySlugTaken as exc:
        db.session.rollback()
        form.slug.errors.append(refusal_message(exc))
        return render_template("roster/form.html", form=form, company=None), 422
    db.session.commit()
    flash(_("%(name)s was added.", name=company.name_en), "success")
    return redirect(url_for("roster.edit", company_id=company.id))


@bp.route("/<int:company_id>", methods=["GET", "POST"])
@login_required
def edit(company_id: int):
    require(can.can_manage_companies(viewer()))
    company = db.get_or_404(Company, company_id)
    form = CompanyForm(obj=company if request.method == "GET" else None)
    if request.method == "GET":
        return render_template("roster/form.html", form=form, company=company)
    if not form.validate():
        return render_template("roster/form.html", form=form, company=company), 422
    try:
        changed = services.update_company(db.session, signed_in(), company, _form_values(form))
    except services.CompanySlugTaken as exc:
        db.session.rollback()
        form.slug.errors.append(refusal_message(exc))
        return render_template("roster/form.html", form=form, company=company), 422
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("roster.edit", company_id=company.id))
