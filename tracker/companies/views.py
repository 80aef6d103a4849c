"""Public company pages: the list of signatories and each company's published disclosures."""

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from tracker.companies import services
from tracker.db import db
from tracker.public.services import current_cycle, score

bp = Blueprint("companies", __name__, url_prefix="/companies")


@bp.get("/")
def index():
    session = db.session
    page = db.paginate(
        services.listed_companies_query(),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    if page.page > 1 and not page.items:
        abort(404)
    cycle = current_cycle(session, date.today())
    published = services.published_scores(session, [c.id for c in page.items], cycle)
    return render_template(
        "companies/index.html",
        page=page,
        cycle=cycle,
        scored={company_id: score(d) for company_id, d in published.items()},
    )


@bp.get("/<slug>")
def detail(slug: str):
    session = db.session
    company = services.company_by_slug(session, slug)
    if company is None or not company.is_public_signatory:
        abort(404)
    disclosures = services.published_disclosures(session, company)
    wanted = request.args.get("cycle")
    shown = next((d for d in disclosures if d.cycle.slug == wanted), None) if wanted else None
    if wanted and shown is None:
        abort(404)
    shown = shown or (disclosures[0] if disclosures else None)
    return render_template(
        "companies/detail.html",
        company=company,
        disclosures=disclosures,
        shown=score(shown) if shown else None,
        responses={r.item_id: r for r in shown.responses} if shown else {},
    )
