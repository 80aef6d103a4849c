"""``GET /healthz`` and ``GET /readyz``: JSON for machines, no sign-in, never cached.

``/healthz`` touches nothing (a process that answers is alive); ``/readyz`` runs every check
that applies (tracker.health.services) and answers 200 when all pass, else 503, naming each
check with its result. Neither is rate-limited: a load balancer asks every few seconds.
"""

from flask import Blueprint, Response, current_app, jsonify

from tracker.health import services
from tracker.ratelimit import limiter

bp = Blueprint("health", __name__)
limiter.exempt(bp)

NO_STORE = "no-store"


def _answer(body: dict, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers requests."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    """Readiness: every configured dependency answers."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    checks = services.readiness(app)
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if ready else "fail",
        "checks": {name: check.as_json() for name, check in checks.items()},
    }
    return _answer(body, 200 if ready else 503)
