"""Translated names of answer statuses, workflow states and actions, for pages and reports.

A feature's own names live in its package (e.g. tracker.cycles.labels) and are given to the
templates by that feature's ``init_app``.
"""

from flask_babel import lazy_gettext as _l

from tracker.domain.statuses import Status
from tracker.domain.workflow import Action, DisclosureState

STATUS_LABELS = {
    Status.MET: _l("Met"),
    Status.PARTIALLY_MET: _l("Partially met"),
    Status.NOT_MET: _l("Not met"),
    Status.NOT_APPLICABLE: _l("Not applicable"),
    Status.NOT_DISCLOSED: _l("Not disclosed"),
}

STATE_LABELS = {
    DisclosureState.NOT_STARTED: _l("Not started"),
    DisclosureState.DRAFT: _l("Draft"),
    DisclosureState.SUBMITTED: _l("Submitted"),
    DisclosureState.CHANGES_REQUESTED: _l("Changes requested"),
    DisclosureState.ACCEPTED: _l("Accepted"),
    DisclosureState.PUBLISHED: _l("Published"),
}

ACTION_LABELS = {
    Action.EDIT: _l("Edit"),
    Action.SUBMIT: _l("Submit"),
    Action.REQUEST_CHANGES: _l("Request changes"),
    Action.ACCEPT: _l("Accept"),
    Action.PUBLISH: _l("Publish"),
    Action.REOPEN: _l("Reopen for a correction"),
}
