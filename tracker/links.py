"""Absolute links for mail, built on BASE_URL so a forged Host header cannot redirect them."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
