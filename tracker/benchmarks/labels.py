"""Translated names for benchmark results: the compared fields, subject kinds, graders, who ran
a result and what a disclosure says of a benchmark."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from tracker.domain.benchmark_results import Marker, Reporting
from tracker.domain.results import Grader, Relationship, SubjectKind

FIELD_LABELS = {
    "benchmark": _l("Benchmark"),
    "version": _l("Version"),
    "configuration": _l("Configuration"),
    "language": _l("Language"),
    "metric": _l("Metric"),
    "grader": _l("Grading"),
    "judge_model": _l("Judge model"),
    "judge_prompt": _l("Judge prompt version"),
    "subject": _l("Subject tested"),
}

SUBJECT_LABELS = {
    SubjectKind.MODEL.value: _l("Bare model"),
    SubjectKind.SYSTEM.value: _l("System with safeguards"),
}

GRADER_LABELS = {
    Grader.RULES.value: _l("Rules"),
    Grader.HUMAN.value: _l("Human graders"),
    Grader.LLM_JUDGE.value: _l("LLM judge"),
}

RELATIONSHIP_LABELS = {
    Relationship.FIRST_PARTY.value: _l("The company itself"),
    Relationship.THIRD_PARTY.value: _l("Independent third party"),
    Relationship.COMMISSIONED.value: _l("Commissioned by the company"),
}

# The same, as short words beside a chart's marker.
MARKER_LABELS = {
    Marker.CIRCLE: _l("first party"),
    Marker.DIAMOND: _l("third party"),
    Marker.SQUARE: _l("commissioned"),
}

REPORTING_LABELS = {
    Reporting.RESULTS: _l("Results reported"),
    Reporting.NAMED: _l("Named only"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        RESULT_FIELD_LABELS=FIELD_LABELS,
        SUBJECT_LABELS=SUBJECT_LABELS,
        GRADER_LABELS=GRADER_LABELS,
        RELATIONSHIP_LABELS=RELATIONSHIP_LABELS,
        MARKER_LABELS=MARKER_LABELS,
        REPORTING_LABELS=REPORTING_LABELS,
        REPORTING=Reporting,
    )
