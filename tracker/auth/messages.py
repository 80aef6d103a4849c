"""Messages for what account management refuses."""

from flask_babel import gettext as _

from tracker.errors import Said

REFUSALS = {
    "accounts.email_taken": Said(
        lambda _r: _("An account with this e-mail address already exists.")
    ),
    "accounts.company_for_officers_only": Said(
        lambda _r: _("Compliance officers need a company; staff and administrators have none.")
    ),
    "accounts.already_accepted": Said(lambda _r: _("This invitation has already been accepted.")),
    "accounts.wrong_password": Said(lambda _r: _("Your current password is not right.")),
}
