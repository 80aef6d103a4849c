"""Translated names of the phases of a cycle."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from tracker.cycles.models import CyclePhase

PHASE_LABELS = {
    CyclePhase.PLANNED: _l("Planned"),
    CyclePhase.OPEN: _l("Open"),
    CyclePhase.CLOSED: _l("Closed"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["PHASE_LABELS"] = PHASE_LABELS
