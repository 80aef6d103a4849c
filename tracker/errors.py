"""Error pages: a clear message in the reader's language, never a stack trace."""

import contextlib

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.db import db

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


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    if request.path.startswith("/api/"):  # API clients get JSON, whatever went wrong
        return jsonify({"error": {"status": code, "message": str(message)}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def render_csrf_error(error: CSRFError):
    title = _l("The form could not be sent")
    message = _l(
        "The page was open for too long, or the form came from another site. Go back, "
        "reload the page and send the form again."
    )
    return render_template("errors/error.html", code=400, title=title, message=message), 400


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
    app.register_error_handler(Exception, render_unexpected)
