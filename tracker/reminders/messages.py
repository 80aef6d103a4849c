"""Messages for the reminders staff ask for and that are not sent."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.dates import format_moment
from tracker.errors import Said
from tracker.i18n import localized
from tracker.reminders.services import MIN_INTERVAL, ReminderRefused

NOT_SENT = _l("No reminder sent")


def refused_message(refusal: ReminderRefused) -> str:
    """Why this company was not reminded, and what would make a reminder possible."""
    if refusal.why == "cycle_not_open":
        return _(
            "%(company)s was not reminded: the cycle is not open for filing.",
            company=localized(refusal.company),
        )
    if refusal.why == "not_owed":
        return _(
            "%(company)s was not reminded: it has handed in its disclosure and owes nothing now.",
            company=localized(refusal.company),
        )
    if refusal.why == "just_sent":
        return _(
            "%(company)s was already reminded at %(at)s: another reminder is possible "
            "%(hours)d hours after the last one.",
            company=localized(refusal.company),
            at=format_moment(refusal.last),
            hours=int(MIN_INTERVAL.total_seconds() // 3600),
        )
    return _(
        "%(company)s was not reminded: none of its compliance officers can sign in yet. "
        "Invite one (or resend the invitation) first.",
        company=localized(refusal.company),
    )


REFUSALS = {code: Said(refused_message, NOT_SENT) for code in ReminderRefused.codes}
