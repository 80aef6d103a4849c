"""Company pages: the public list and pages, and the roster kept by administrators."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tracker import clock
from tracker.auth import permissions as can
from tracker.auth.login import actor, require, signed_in
from tracker.companies import services
from tracker.companies.forms import CompanyForm
from tracker.companies.models import Company
from tracker.db import db
from tracker.errors import refusal_message
from tracker.pagination import paginate
from tracker.public.services import current_cycle
from tracker.publication import queries

bp = Blueprint("companies", __name__, url_prefix="/companies")


@bp.get("/")
def index():
    session = db.session
    page = paginate(services.listed_companies_query())
    cycle = current_cycle(session, clock.today())
    published = (
        queries.current_in_cycle(session, cycle, [c.id for c in page.items]) if cycle else []
    )
    return render_template(
        "companies/index.html",
        page=page,
        cycle=cycle,
        scored={p.publication.company_id: p for p in published},
    )


@bp.get("/<slug>")
def detail(slug: str):
    """A company's published disclosure: the latest version of a cycle, or an earlier one."""
    session = db.session
    company = services.company_by_slug(session, slug)
    if company is None or not company.is_public_signatory:
        abort(404)
    history = queries.company_history(session, company)
    wanted_cycle = request.args.get("cycle")
    versions = (
        next((g for g in history if g[0].cycle.slug == wanted_cycle), None)
        if wanted_cycle
        else (history[0] if history else None)
    )
    if wanted_cycle and versions is None:
        abort(404)
    shown = None
    if versions:
        wanted_version = request.args.get("version", type=int)
        publication = (
            next((p for p in versions if p.version == wanted_version), None)
            if wanted_version is not None
            else versions[0]
        )
        if publication is None:
            abort(404)
        shown = queries.read(
            publication,
            queries.superseding(versions, publication),
            queries.earlier_cycle_version(session, publication),
        )
    return render_template(
        "companies/detail.html",
        company=company,
        history=history,
        versions=versions or [],
        shown=shown,
    )


admin_bp = Blueprint("admin_companies", __name__, url_prefix="/admin/companies")


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


@admin_bp.get("/")
@login_required
def admin_index():
    require(can.can_manage_companies(actor()))
    page = paginate(sa.select(Company).order_by(Company.name_en))
    return render_template("companies/admin_index.html", page=page)


@admin_bp.route("/new", methods=["GET", "POST"])
@login_required
def admin_new():
    require(can.can_manage_companies(actor()))
    form = CompanyForm()
    if request.method == "GET":
        return render_template("companies/admin_form.html", form=form, company=None)
    if not form.validate():
        return render_template("companies/admin_form.html", form=form, company=None), 422
    try:
        company = services.create_company(db.session, signed_in(), _form_values(form))
    except services.SlugTaken as exc:
        db.session.rollback()
        form.slug.errors.append(refusal_message(exc))
        return render_template("companies/admin_form.html", form=form, company=None), 422
    db.session.commit()
    flash(_("%(name)s was added.", name=company.name_en), "success")
    return redirect(url_for("admin_companies.admin_edit", company_id=company.id))


@admin_bp.route("/<int:company_id>", methods=["GET", "POST"])
@login_required
def admin_edit(company_id: int):
    require(can.can_manage_companies(actor()))
    company = db.get_or_404(Company, company_id)
    form = CompanyForm(obj=company if request.method == "GET" else None)
    if request.method == "GET":
        return render_template("companies/admin_form.html", form=form, company=company)
    if not form.validate():
        return render_template("companies/admin_form.html", form=form, company=company), 422
    try:
        changed = services.update_company(db.session, signed_in(), company, _form_values(form))
    except services.SlugTaken as exc:
        db.session.rollback()
        form.slug.errors.append(refusal_message(exc))
        return render_template("companies/admin_form.html", form=form, company=company), 422
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("admin_companies.admin_edit", company_id=company.id))
