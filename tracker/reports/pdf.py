"""HTML to PDF with WeasyPrint, locked down.

The URL fetcher serves ``data:`` URLs and files inside the app's static folder, nothing else:
no network, no other file on disk, no redirects. Narratives are sanitised before they get here
(tracker.domain.markdown), so this is the second lock, not the only one: with WeasyPrint's
default fetcher, ``<a rel="attachment" href="file:///…">`` would embed any readable file.
"""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.reports.fonts import require_fonts_for
from tracker.reports.joining import Bookmark, PartPdf, join
from tracker.reports.parts import CONTENTS, Part


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
    parts: int = 1  # how many documents were laid out and joined into it


# Published reports are archival: PDF/A-3 level A (tagged, so also readable by assistive
# technology), with an sRGB output intent and XMP metadata. Drafts are plain PDFs.
ARCHIVAL = "pdf/a-3a"


def _layout(html: str, static_root: Path) -> weasyprint.Document:
    require_fonts_for(html)
    return weasyprint.HTML(
        string=html,
        base_url=static_root.resolve().as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(static_root),
    ).render()


def render_pdf(html: str, static_root: Path, variant: str | None = None) -> RenderedPdf:
    """The PDF of ``html``; relative URLs resolve inside ``static_root`` (stylesheets, fonts).

    Title, author, language and keywords come from the document's <title>, <meta name="author">,
    <html lang> and <meta name="keywords">; bookmarks from its headings. ``variant`` is one of
    WeasyPrint's PDF variants (e.g. ``ARCHIVAL``). Raises MissingFont (tracker.reports.fonts)
    rather than draw Chinese text as empty boxes.
    """
    document = _layout(html, static_root)
    return RenderedPdf(document.write_pdf(pdf_variant=variant), len(document.pages))


class PartsChanged(RuntimeError):
    """A part laid out twice came out with a different number of pages."""


def render_parts(
    parts: Sequence[Part],
    html_of: Callable[[Part], str],
    static_root: Path,
    variant: str | None = None,
) -> RenderedPdf:
    """One PDF of ``parts`` (tracker.reports.parts), each laid out on its own, in two passes.

    The first lays every part out to count its pages and find the sections' pages for the
    contents, then lets it go; the second lays each part out again with its pages numbered on
    from the parts before and out of the whole (``html_of`` renders a part's HTML), writes it
    and lets it go; then the parts' PDFs are joined (tracker.reports.joining). At most one
    part's layout is held at a time, so memory is bounded by the largest part, not the
    document; the first pass costs one more layout per part (WeasyPrint lays out a document
    once; the page total, known only at the end, is what a part cannot know by itself).
    """
    counts: list[int] = []
    contents: dict[str, int] = {}
    for part in parts:
        document = _layout(html_of(part), static_root)
        for number, page in enumerate(document.pages):
            for anchor in CONTENTS:
                if anchor in page.anchors and not part.has_front:
                    contents.setdefault(anchor, sum(counts) + number + 1)
        counts.append(len(document.pages))
        del document
        gc.collect()
    total = sum(counts)
    written: list[PartPdf] = []
    first_page = 1
    for part, count in zip(parts, counts, strict=True):
        document = _layout(html_of(part.numbered(first_page, total, contents)), static_root)
        if len(document.pages) != count:
            raise PartsChanged(f"a part laid out in {count} pages, then {len(document.pages)}")
        bookmarks = [
            # CSS pixels from the top left, as PDF points from the bottom left (A4's height
            # from the page box, 0.75 points a pixel as WeasyPrint writes them)
            Bookmark(number, level, label, x * 0.75, (page.height - y) * 0.75)
            for number, page in enumerate(document.pages)
            for level, label, (x, y), _state in page.bookmarks
        ]
        written.append(PartPdf(document.write_pdf(pdf_variant=variant), bookmarks))
        first_page += count
        del document
        gc.collect()
    return RenderedPdf(join(written), total, len(parts))
