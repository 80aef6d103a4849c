"""HTML to PDF with WeasyPrint, locked down.

The URL fetcher serves ``data:`` URLs and files inside the app's static folder, nothing else:
no network, no other file on disk, no redirects. Narratives are sanitised before they get here
(tracker.domain.markdown), so this is the second lock, not the only one: with WeasyPrint's
default fetcher, ``<a rel="attachment" href="file:///…">`` would embed any readable file.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.reports.fonts import require_fonts_for


class RefusedResource(ValueError):
    """The report asked for something outside what reports may read."""


class StaticOnlyFetcher(URLFetcher):
    """Fetch ``data:`` URLs and files under one folder; refuse every other URL."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": content_type}, 200
                )
        raise RefusedResource(f"reports may not fetch {url[:200]!r}")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


# Published reports are archival: PDF/A-3 level A (tagged, so also readable by assistive
# technology), with an sRGB output intent and XMP metadata. Drafts are plain PDFs.
ARCHIVAL = "pdf/a-3a"


def render_pdf(html: str, static_root: Path, variant: str | None = None) -> RenderedPdf:
    """The PDF of ``html``; relative URLs resolve inside ``static_root`` (stylesheets, fonts).

    Title, author, language and keywords come from the document's <title>, <meta name="author">,
    <html lang> and <meta name="keywords">; bookmarks from its headings. ``variant`` is one of
    WeasyPrint's PDF variants (e.g. ``ARCHIVAL``). Raises MissingFont (tracker.reports.fonts)
    rather than draw Chinese text as empty boxes.
    """
    require_fonts_for(html)
    document = weasyprint.HTML(
        string=html,
        base_url=static_root.resolve().as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(static_root),
    ).render()
    return RenderedPdf(document.write_pdf(pdf_variant=variant), len(document.pages))
