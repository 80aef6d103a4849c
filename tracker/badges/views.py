"""A company's badge: ``/companies/<slug>/badge.svg[?cycle=<slug>][&lang=en|zh]``.

"2025 annual disclosure | 78 / 100", its ``<title>`` naming the company, the ledger entry and the
day of publication. Without ``cycle``: the company's newest cycle with a publication. A public
signatory that has not published (in that cycle) gets a grey "not published" badge, with 200, so
that a badge embedded before the first publication shows what is true and turns into the score
when it is published; an unknown company or cycle is a 404. The language is ``?lang=``, else
the request's (an image request from another site carries no language cookie).

Served from the public page cache (strong ETag); embedded on other sites, so browsers and image
proxies may keep it for BADGE_MAX_AGE (tracker.pagecache.CACHE_CONTROL): a correction shows
within that time.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.badges import services, snippets
from tracker.companies.services import company_by_slug
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.i18n import language_asked

bp = Blueprint("badges", __name__)

SVG = "image/svg+xml; charset=utf-8"
# An SVG opened on its own is a document: it may load nothing and run nothing.
SVG_POLICY = "default-src 'none'; frame-ancestors 'none'"
COLOURS = {"score": "#0b5cad", "none": "#5a6473"}
LABEL_COLOUR = "#1c2430"


@bp.get("/companies/<slug>/badge.svg")
def company(slug: str):
    language = language_asked()
    session = db.session
    found = company_by_slug(session, slug)
    if found is None or not found.is_public_signatory:
        abort(404)
    cycle = None
    cycle_slug = request.args.get("cycle")
    if cycle_slug:
        cycle = session.scalar(sa.select(Cycle).filter_by(slug=cycle_slug))
        if cycle is None:
            abort(404)
    latest = services.latest_publication(session, found, cycle)
    with force_locale(language.locale):
        name = found.name(language)
        if latest is None:
            label = cycle.name(language) if cycle else _("AI safety disclosure")
            value = _("not published")
            title = _("%(company)s, %(label)s: not published.", company=name, label=label)
            colour = COLOURS["none"]
        else:
            publication, percent = latest
            label = publication.cycle.name(language)
            value = _("%(score)s / 100", score=percent) if percent is not None else _("n/a")
            title = _(
                "%(company)s, %(label)s: %(value)s. Ledger entry #%(sequence)d, published "
                "%(date)s.",
                company=name,
                label=label,
                value=value,
                sequence=publication.entry.sequence,
                date=publication.published_at.date().isoformat(),
            )
            colour = COLOURS["score"]
        body = render_template(
            "badges/badge.svg",
            badge=services.layout(label, value),
            title=title,
            colour=colour,
            label_colour=LABEL_COLOUR,
            height=services.HEIGHT,
            font_size=services.FONT_SIZE,
            language=language,
        )
    response = make_response(body)
    response.headers["Content-Type"] = SVG
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # embedded anywhere
    return response


@bp.app_template_global()
def badge_snippets(company):
    """For templates: a company's badge as Markdown and HTML to copy (tracker.badges.snippets)."""
    return snippets.badge_snippets(company)
