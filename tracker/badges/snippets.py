"""The copyable snippets that embed a company's badge (Markdown and HTML), for its page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape

from tracker.companies.models import Company
from tracker.i18n import current_language
from tracker.links import external_url

# Characters that mean something in Markdown's link and image text: escaped with a backslash,
# so that a company's name stays text in the alt (CommonMark escapes any ASCII punctuation).
_MARKDOWN_SPECIAL = set("\\[]()<>*_`!&#")


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown inline text (on one line)."""
    flat = " ".join(text.split())
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in flat)


@dataclass(frozen=True)
class Snippets:
    image: str  # the badge's absolute address, in the reader's language
    preview: str  # the same badge as an address on this site, for the page's own preview
    page: str  # the company page it links to
    alt: str
    markdown: str
    html: str


def badge_snippets(company: Company) -> Snippets:
    """The badge of ``company`` as Markdown and HTML to paste into another page: the image,
    in the current language, linking to the company's page."""
    language = current_language()
    image = external_url("badges.company", slug=company.slug, lang=language.code)
    page = external_url("companies.detail", slug=company.slug)
    alt = _("%(company)s: AI safety disclosure score", company=company.name(language))
    return Snippets(
        image=image,
        preview=url_for("badges.company", slug=company.slug, lang=language.code),
        page=page,
        alt=alt,
        markdown=f"[![{markdown_text(alt)}]({image})]({page})",
        # As text to copy (the page escapes it again to show it): its values escaped for an
        # HTML attribute, so a quote or a "<" in a name stays inside the alt.
        html=(
            f'<a href="{escape(page)}"><img src="{escape(image)}" alt="{escape(alt)}" '
            'height="20"></a>'
        ),
    )
