"""A request id for every request, in its logs, its response and its error page; and the
process's logging (plain text or JSON lines) as LOG_FORMAT and LOG_LEVEL say.

The id is the incoming ``X-Request-ID`` when it is sane (1 to 64 of ``A-Z a-z 0-9 . _ -``, so a
load balancer's id carries through), else a new uuid4 in hex. It is returned as the response's
``X-Request-ID``, is the ``request_id`` of every log record written while the request runs
(``-`` outside requests), and error pages show it as "Reference: …", so that a reader's report
can be matched with the log. Gunicorn's access log can print it too (``tracker.gunicorn_conf``).
"""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "{asctime}{levelname}{name}{message}{request_id}"
# The logger the app's records go through: Flask's app logger is named after the app, and every
# module's logger (``tracker.pagecache``, …) is its child.
LOGGER = "tracker"
_G_KEY = "tracker_request_id"


def request_id() -> str:
    """The current request's id (made at first use, so hooks that answer before any other still
    have one); ``-`` outside a request."""
    if not has_request_context():
        return "-"
    current = g.get(_G_KEY)
    if current is None:
        incoming = request.headers.get(HEADER, "")
        current = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        setattr(g, _G_KEY, current)
    return current


class RequestIdFilter(logging.Filter):
    """Gives every record the ``request_id`` of the request it was written in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class _TrackerHandler(logging.StreamHandler):
    """The handler this module installs (so that a second app in one process replaces it).

    It writes to whatever ``sys.stderr`` is when a record comes, as Flask's own handler does,
    so that a process (or a test) that redirects stderr later still gets the records."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def make_handler(log_format: str) -> logging.Handler:
    """A stderr handler with the request-id filter and the formatter of ``log_format``."""
    if log_format not in FORMATS:
        raise ValueError(
            f"LOG_FORMAT (TRACKER_LOG_FORMAT) must be text or json, not {log_format!r}"
        )
    handler = _TrackerHandler()
    handler.addFilter(RequestIdFilter())
    formatter: logging.Formatter
    if log_format == "json":
        formatter = JsonFormatter(
            JSON_FIELDS,
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    else:
        formatter = logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    return handler


def configure_logging(app: Flask) -> None:
    """Send the app's records to stderr in LOG_FORMAT at LOG_LEVEL.

    Logging is the process's: the last app made in a process decides (tests make many apps;
    servers make one). A bad format or level stops the app at start-up.
    """
    level = str(app.config["LOG_LEVEL"]).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"LOG_LEVEL (TRACKER_LOG_LEVEL) is not a logging level: {level!r}")
    handler = make_handler(str(app.config["LOG_FORMAT"]).lower())
    logger = logging.getLogger(LOGGER)
    for old in list(logger.handlers):
        if isinstance(old, _TrackerHandler):
            logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    # Flask adds its own stderr handler to the app logger unless one is there: ours is.
    logger.removeHandler(default_handler)


def add_header(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    """Configure logging and give every response its id (templates get ``request_id()``)."""
    configure_logging(app)
    app.after_request(add_header)
    app.jinja_env.globals["request_id"] = request_id
