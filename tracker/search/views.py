"""/search: every published narrative, item title and company name, in both languages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from tracker.companies.models import Company
from tracker.companies.services import company_by_slug
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.checklist import Checklist
from tracker.domain.languages import Text
from tracker.domain.search import (
    Query,
    QueryTooLong,
    Snippet,
    language_of_text,
    parse_query,
    snippet,
)
from tracker.domain.statuses import Status
from tracker.ledger.queries import published_cycles
from tracker.pagination import paginate
from tracker.ratelimit import limiter
from tracker.search import services
from tracker.search.models import DocumentKind, SearchDocument

bp = Blueprint("search", __name__, url_prefix="/search")

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # a company's short name (tracker.roster.forms)


@dataclass(frozen=True)
class Result:
    """One line of the results: where it links, what it names, and the snippet."""

    document: SearchDocument
    href: str
    title: Text | None  # the item's title (None for a company's names)
    snippet: Snippet | None

    @property
    def status(self) -> Status | None:
        return Status(self.document.status) if self.document.status else None

    @property
    def snippet_lang(self) -> str:
        """The HTML language of the snippet shown (a narrative may hold both languages)."""
        shown = self.snippet
        text = f"{shown.before}{shown.match}{shown.after}" if shown else ""
        return "zh-CN" if language_of_text(text) == "zh" else "en"

    @property
    def is_company(self) -> bool:
        return self.document.kind == DocumentKind.COMPANY.value


class BadFilter(ValueError):
    """A filter naming nothing there is: said on the page, with a 400."""


def _item_title(checklist: Checklist, item_id: str | None) -> Text | None:
    try:
        return checklist.item(item_id or "").title
    except KeyError:
        return None


def _result(document: SearchDocument, query: Query) -> Result:
    company = document.company
    if document.kind == DocumentKind.COMPANY.value or document.cycle is None:
        return Result(document, url_for("companies.detail", slug=company.slug), None, None)
    cycle = document.cycle
    href = (
        url_for("companies.detail", slug=company.slug, cycle=cycle.slug, version=document.version)
        + "#"
        + (document.item_id or "")
    )
    title = _item_title(cycle.checklist_version.checklist, document.item_id)
    return Result(document, href, title, snippet(document.text, query) if document.text else None)


def _commitments(cycles: list[Cycle], chosen: Cycle | None) -> list[tuple[str, Text]]:
    """The commitments one may narrow to: the chosen cycle's, else every published cycle's
    (the newest cycle's title for an id they share)."""
    seen: dict[str, Text] = {}
    for cycle in [chosen] if chosen else cycles:
        for commitment in cycle.checklist_version.checklist.commitments:
            seen.setdefault(commitment.id, commitment.title)
    return list(seen.items())


def _filters(cycles: list[Cycle]) -> tuple[services.Filters, Cycle | None, Company | None]:
    """The filters of the request, each checked against what exists (BadFilter if not)."""
    args = request.args
    cycle = company = None
    slug = args.get("cycle", "")
    if slug:
        cycle = next((c for c in cycles if c.slug == slug), None)
        if cycle is None:
            raise BadFilter(_("There is no published cycle “%(value)s”.", value=slug[:40]))
    commitment = args.get("commitment", "") or None
    if commitment is not None and commitment not in dict(_commitments(cycles, cycle)):
        raise BadFilter(_("There is no commitment “%(value)s”.", value=commitment[:40]))
    status = args.get("status", "") or None
    if status is not None and status not in {s.value for s in Status}:
        raise BadFilter(_("There is no status “%(value)s”.", value=status[:40]))
    slug = args.get("company", "")
    if slug:
        # Only a possible short name reaches the database (PostgreSQL refuses a NUL in text).
        company = company_by_slug(db.session, slug) if _SLUG.fullmatch(slug) else None
        if company is None or not company.is_public_signatory:
            raise BadFilter(_("There is no signatory “%(value)s”.", value=slug[:40]))
    return (
        services.Filters(
            cycle_id=cycle.id if cycle else None,
            commitment_id=commitment,
            status=status,
            company_id=company.id if company else None,
        ),
        cycle,
        company,
    )


def _search_limit() -> str:
    return str(current_app.config["SEARCH_LIMIT"])


@bp.get("")
@limiter.limit(_search_limit)
def index():
    """The search form, and the results of its query: a page of them, best first."""
    text = request.args.get("q", "").strip()
    cycles = published_cycles(db.session)
    context: dict = {"q": text, "cycles": cycles, "statuses": list(Status), "page": None}
    error = None
    try:
        filters, cycle, company = _filters(cycles)
        context.update(cycle=cycle, company=company, filters=filters)
        context["commitments"] = _commitments(cycles, cycle)
        query = parse_query(text)
        if text and not query:
            error = _("The search has no letters or digits to look for.")
    except BadFilter as refused:
        error = str(refused)
    except QueryTooLong:
        error = _(
            "The search is too long: at most 200 characters and 12 words or pairs of characters."
        )
    if error is not None:
        context.setdefault("commitments", _commitments(cycles, None))
        return render_template("search/index.html", error=error, **context), 400
    if query:
        page = paginate(services.search_query(query, filters))
        context["page"] = page
        context["results"] = [_result(document, query) for document in page.items]
    return render_template("search/index.html", error=None, **context)
