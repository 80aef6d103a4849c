"""Error pages: a clear message in the reader's language, never a stack trace.

Besides the HTTP errors, this answers every refusal (tracker.domain.refusals) that a view lets
through: the session is rolled back, and the reader gets the error page, or JSON when the
request asks for it or is under /api/. What a refusal says comes from the feature that raises
it: each feature's ``messages`` module maps its codes to a ``Said`` and create_app registers
them here with ``register_refusals``. This module imports no feature.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.db import db
from tracker.domain.refusals import Refusal

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Check what you sent and try again."),
    ),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (
        _l("Page not found"),
        _l("There is nothing at this address. It may have moved, or the link may be wrong."),
    ),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than the server accepts.")),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "The server could not finish your request. The error has been logged; "
            "please try again later."
        ),
    ),
}

NOT_POSSIBLE_NOW = _l("Not possible now")


@dataclass(frozen=True)
class Said:
    """How a refusal reads: ``message`` makes the sentence from the refusal's facts; the
    ``title`` heads the error page."""

    message: Callable[[Any], str]
    title: Any = NOT_POSSIBLE_NOW  # a (lazy) string


REGISTRY = "tracker.refusals"


def register_refusals(app: Flask, said: Mapping[str, Said]) -> None:
    """Make a feature's messages known, by refusal code; a code registered twice is a mistake."""
    registry: dict[str, Said] = app.extensions.setdefault(REGISTRY, {})
    for code, entry in said.items():
        if code in registry and registry[code] is not entry:
            raise ValueError(f"refusal {code!r} has a message already")
        registry[code] = entry


def registered_codes(app: Flask) -> frozenset[str]:
    return frozenset(app.extensions.get(REGISTRY, {}))


def explain(refusal: Refusal) -> tuple[str, str]:
    """(title, message) of a refusal, in the reader's language."""
    said = current_app.extensions.get(REGISTRY, {}).get(refusal.code)
    if said is None:  # a test checks that this never happens; the reader still gets an answer
        current_app.logger.error("No message is registered for refusal %r", refusal.code)
        title, message = MESSAGES.get(refusal.status, (NOT_POSSIBLE_NOW, MESSAGES[400][1]))
        return str(title), str(message)
    return str(said.title), said.message(refusal)


def refusal_message(refusal: Refusal) -> str:
    """The sentence alone, for views that show it next to a form field."""
    return explain(refusal)[1]


def wants_json() -> bool:
    """An API request, or a script that asked for JSON rather than a page."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def render_refusal(refusal: Refusal):
    """Answer a refusal no view caught: nothing the request wrote is kept."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    title, message = explain(refusal)
    status = refusal.status
    if wants_json():
        body: dict[str, Any] = {
            "error": {"status": status, "code": refusal.code, "title": title, "message": message}
        }
        if not request.path.startswith("/api/"):
            body["errors"] = [message]  # what the filing page's script shows next to a field
        response = jsonify(body)
    else:
        response = current_app.make_response(error_page(status, title, message))
    response.status_code = status
    response.headers.update(refusal.headers)
    return response


def error_page(status: int, title: Any, message: Any) -> tuple[str, int]:
    return render_template("errors/error.html", code=status, title=title, message=message), status


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    if request.path.startswith("/api/"):  # API clients get JSON, whatever went wrong
        return jsonify({"error": {"status": code, "message": str(message)}}), code
    return error_page(code, title, message)


def render_csrf_error(error: CSRFError):
    title = _l("The form could not be sent")
    message = _l(
        "The page was open for too long, or the form came from another site. Go back, "
        "reload the page and send the form again."
    )
    return error_page(400, title, message)


def render_unexpected(error: Exception):
    """Log an unexpected exception with its traceback, then show the 500 page."""
    current_app.logger.exception("Unhandled exception: %s", error)
    # A failed statement must not also break the error page, whatever the database does.
    with contextlib.suppress(Exception):
        db.session.rollback()
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Refusal, render_refusal)
    app.register_error_handler(Exception, render_unexpected)
