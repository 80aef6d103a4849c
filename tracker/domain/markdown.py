"""Markdown written by companies -> HTML that is safe in pages and in PDFs.

Markdown renders first, then nh3 keeps only a small set of tags. Images are dropped on purpose:
an image URL in a narrative would make every reader's browser (and the PDF renderer) fetch a
third-party resource; evidence belongs in links and attachments. Links keep only http, https and
mailto URLs; relative URLs are denied so that nothing can point at the app's or the machine's
files (``/etc/hostname`` would otherwise survive sanitising, see design.md).
"""

import re

import markdown as _markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow ugc",
    strip_comments=True,
)

# Headings written by companies move down two levels so they never compete with the page's own
# h1 and h2; done in one pass so that a shifted heading is not shifted again.
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def render_markdown(text: str | None) -> str:
    """Render untrusted Markdown to sanitised HTML (an empty string for no text)."""
    if not text or not text.strip():
        return ""
    html = _markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}", html)
    return _CLEANER.clean(html)
