"""Translated names of statuses and workflow states, for pages and reports."""

from flask_babel import lazy_gettext as _l

from tracker.cycles.models import CyclePhase
from tracker.domain.statuses import Status
from tracker.domain.workflow import Action, DisclosureState
from tracker.outbox.models import MessageStatus

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

MESSAGE_STATUS_LABELS = {
    MessageStatus.PENDING: _l("Waiting"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}

ACTION_LABELS = {
    Action.EDIT: _l("Edit"),
    Action.SUBMIT: _l("Submit"),
    Action.REQUEST_CHANGES: _l("Request changes"),
    Action.ACCEPT: _l("Accept"),
    Action.PUBLISH: _l("Publish"),
    Action.REOPEN: _l("Reopen for a correction"),
}

PHASE_LABELS = {
    CyclePhase.PLANNED: _l("Planned"),
    CyclePhase.OPEN: _l("Open"),
    CyclePhase.CLOSED: _l("Closed"),
}
