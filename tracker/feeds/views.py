"""Atom feeds: every publication, the corrections, and each company's and cycle's.

A feed's language is its ``?lang=`` (``en`` or ``zh``, as the PDFs' addresses), else the
request's (a feed reader sends no language cookie): the pages link to their feed with the
reader's language in the address, so a subscription keeps it. Entry ids are the ledger entries'
permalinks, the same in both languages; every address is absolute, on ``TRACKER_BASE_URL`` when
it is set (tracker.links.external_url). Served from the public page cache, with its ETag.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.companies.services import company_by_slug
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.languages import Language
from tracker.feeds import services
from tracker.feeds.services import FeedEntry
from tracker.i18n import language_asked
from tracker.links import external_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "application/atom+xml; charset=utf-8"
# The "updated" of a feed with no entry yet: the month the commitments were signed.
BEFORE_ANY = datetime(2024, 12, 1, tzinfo=UTC)


def entry_title(entry: FeedEntry, language: Language) -> str:
    p = entry.publication
    values = {
        "company": p.company.name(language),
        "cycle": p.cycle.name(language),
        "version": p.version,
    }
    if entry.is_correction:
        return _(
            "%(company)s corrected its disclosure for %(cycle)s (version %(version)d)", **values
        )
    return _("%(company)s published its disclosure for %(cycle)s (version %(version)d)", **values)


def entry_summary(entry: FeedEntry) -> str:
    p = entry.publication
    parts = [
        _("Overall score: %(score)s / 100.", score=entry.overall)
        if entry.overall is not None
        else _("Overall score: not applicable (no item applies)."),
        _(
            "Version %(version)d, ledger entry #%(sequence)d, snapshot SHA-256 %(sha256)s.",
            version=p.version,
            sequence=p.entry.sequence,
            sha256=p.snapshot_sha256,
        ),
    ]
    if entry.is_correction and p.entry.supersedes is not None:
        parts.append(
            _("This correction replaces ledger entry #%(sequence)d.", sequence=p.entry.supersedes)
        )
    return " ".join(parts)


def _atom(
    endpoint: str,
    values: dict,
    *,
    title: str,
    alternate: str,
    entries: list[FeedEntry],
    updated: datetime,
    language: Language,
) -> Response:
    """The feed as Atom XML, written by feedgen (which escapes every text)."""
    feed = FeedGenerator()
    feed.id(external_url(endpoint, **values))  # without the language: one feed, two renderings
    feed.title(title)
    feed.language(language.html)
    feed.updated(updated)
    feed.author(name=_("AI Safety Commitments Tracker"))
    feed.generator(_("AI Safety Commitments Tracker"))
    feed.link(href=external_url(endpoint, **values, lang=language.code), rel="self")
    feed.link(href=alternate, rel="alternate", type="text/html")
    for entry in entries:
        p = entry.publication
        item = feed.add_entry(order="append")
        item.id(external_url("ledger.entry", sequence=p.entry.sequence))
        item.title(entry_title(entry, language))
        item.published(p.published_at)
        item.updated(p.published_at)
        item.link(
            href=external_url(
                "companies.detail", slug=p.company.slug, cycle=p.cycle.slug, version=p.version
            ),
            rel="alternate",
            type="text/html",
        )
        item.summary(entry_summary(entry))
        item.category(term=p.cycle.slug, label=p.cycle.name(language))
    return Response(feed.atom_str(pretty=True), content_type=ATOM)


@bp.get("/publications.atom")
def publications():
    """Every publication and correction, the latest first."""
    language = language_asked()
    entries = services.latest_publications(db.session)
    with force_locale(language.locale):
        return _atom(
            "feeds.publications",
            {},
            title=_("AI Safety Commitments Tracker: publications and corrections"),
            alternate=external_url("public.home"),
            entries=entries,
            updated=services.newest(entries, BEFORE_ANY),
            language=language,
        )


@bp.get("/corrections.atom")
def corrections():
    """Only the corrections: versions that replaced an earlier published one."""
    language = language_asked()
    entries = services.latest_publications(db.session, corrections_only=True)
    with force_locale(language.locale):
        return _atom(
            "feeds.corrections",
            {},
            title=_("AI Safety Commitments Tracker: corrections"),
            alternate=external_url("ledger.index"),
            entries=entries,
            updated=services.newest(entries, BEFORE_ANY),
            language=language,
        )


@bp.get("/companies/<slug>.atom")
def company(slug: str):
    """A company's publications and corrections, in every cycle."""
    language = language_asked()
    found = company_by_slug(db.session, slug)
    if found is None or not found.is_public_signatory:
        abort(404)
    entries = services.latest_publications(db.session, company=found)
    with force_locale(language.locale):
        return _atom(
            "feeds.company",
            {"slug": found.slug},
            title=_("%(company)s: publications and corrections", company=found.name(language)),
            alternate=external_url("companies.detail", slug=found.slug),
            entries=entries,
            updated=services.newest(entries, found.created_at),
            language=language,
        )


@bp.get("/cycles/<slug>.atom")
def cycle(slug: str):
    """A cycle's publications and corrections, of every company."""
    language = language_asked()
    found = db.session.scalar(sa.select(Cycle).filter_by(slug=slug))
    if found is None:
        abort(404)
    entries = services.latest_publications(db.session, cycle=found)
    with force_locale(language.locale):
        return _atom(
            "feeds.cycle",
            {"slug": found.slug},
            title=_("%(cycle)s: publications and corrections", cycle=found.name(language)),
            alternate=external_url("public.cycle", slug=found.slug),
            entries=entries,
            updated=services.newest(entries, found.created_at),
            language=language,
        )
