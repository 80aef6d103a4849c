"""Translated names of the states of an outbox message."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from tracker.outbox.models import MessageStatus

MESSAGE_STATUS_LABELS = {
    MessageStatus.PENDING: _l("Waiting"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["MESSAGE_STATUS_LABELS"] = MESSAGE_STATUS_LABELS
