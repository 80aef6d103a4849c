"""Links: absolute ones for mail, and safe local targets to return to after an action."""

import unicodedata
from urllib.parse import urlsplit

from flask import current_app, url_for

MAX_NEXT = 2000  # longer than any path of the app with its query string


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on BASE_URL, so that a forged Host header cannot redirect mailed links."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _unprintable(text: str) -> bool:
    """Control, format (bidi) or separator characters: a CR-LF would split the Location
    header (werkzeug refuses it with a 500), and none belongs in a path the app made."""
    return any(unicodedata.category(c)[0] in "CZ" and c != " " for c in text)


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything pointing elsewhere, or holding a control
    character, becomes the home page."""
    if not target:
        return url_for("public.home")
    if len(target) > MAX_NEXT or _unprintable(target):
        return url_for("public.home")
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return url_for("public.home")
    return target
