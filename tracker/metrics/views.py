"""``GET /metrics``: the Prometheus text format, for a scraper sending the bearer token.

Without METRICS_TOKEN (TRACKER_METRICS_TOKEN) the page does not exist (404); a request without
the right ``Authorization: Bearer …`` gets 401. The token is compared in constant time.
"""

import hmac

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from tracker.metrics import services
from tracker.ratelimit import limiter

bp = Blueprint("metrics", __name__)
limiter.exempt(bp)  # a scraper asks every few seconds


def _authorised(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@bp.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    if not _authorised(str(token)):
        return Response(
            "A bearer token is needed.\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
            mimetype="text/plain",
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return Response(
        services.exposition(app),
        200,
        {"Cache-Control": "no-store", "Content-Type": CONTENT_TYPE_LATEST},
    )
