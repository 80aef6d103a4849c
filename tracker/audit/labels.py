"""Translated names of what the audit trail records: its actions, the kinds of object they act
on, and the facts kept with them. An action without a name here shows its code."""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "answer.save": _l("Answer saved"),
    "answer.results": _l("Benchmark results saved"),
    "attachment.add": _l("File attached"),
    "attachment.remove": _l("File removed"),
    "comment.add": _l("Comment posted"),
    "company.create": _l("Company added"),
    "company.update": _l("Company changed"),
    "cycle.create": _l("Cycle created"),
    "cycle.update": _l("Cycle changed"),
    "cycle.open": _l("Cycle opened"),
    "cycle.close": _l("Cycle closed"),
    "cycle.reopen": _l("Cycle reopened"),
    "disclosure.edit": _l("Editing started"),
    "disclosure.submit": _l("Disclosure submitted"),
    "disclosure.request_changes": _l("Changes requested"),
    "disclosure.accept": _l("Disclosure accepted"),
    "disclosure.publish": _l("Disclosure published"),
    "disclosure.reopen": _l("Reopened for a correction"),
    "disclosure.copy_forward": _l("Answers copied from the previous cycle"),
    "disclosure.extend_due_date": _l("Due date extended"),
    "reminder.send": _l("Reminder sent"),
    "user.create_admin": _l("Administrator created"),
    "user.invite": _l("User invited"),
    "user.invitation_resent": _l("Invitation sent again"),
    "user.update": _l("User changed"),
    "user.deactivate": _l("User deactivated"),
    "user.reactivate": _l("User reactivated"),
    "user.sign_in": _l("Signed in"),
    "user.sign_in_failed": _l("Sign-in failed"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset_requested": _l("Password reset requested"),
}

OBJECT_TYPES = {
    "disclosure": _l("Disclosure"),
    "company": _l("Company"),
    "cycle": _l("Cycle"),
    "user": _l("User"),
}

# The facts kept with an action; "from", "to" and "state" hold workflow states, shown by name.
DETAILS = {
    "reason": _l("Reason"),
    # (Not "From" and "To": those are the date filter's and the outbox's, translated as such.)
    "from": _l("Status before"),
    "to": _l("Status after"),
    "state": _l("Status"),
    "item": _l("Item"),
    "cycle": _l("Cycle"),
    "recipients": _l("Recipients"),
    "length": _l("Length"),
    "version": _l("Version"),
    "ledger_sequence": _l("Ledger entry"),
    "entry_hash": _l("Entry hash"),
    "address": _l("Network address"),
}
STATE_DETAILS = ("from", "to", "state")
