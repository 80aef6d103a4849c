"""Links: absolute ones for mail, and safe local targets to return to after an action."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on BASE_URL, so that a forged Host header cannot redirect mailed links."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything pointing elsewhere becomes the home page."""
    if not target:
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
