"""Messages for what cycle administration refuses."""

from flask_babel import gettext as _

from tracker.cycles.services import (
    ChecklistFrozen,
    CycleSlugTaken,
    DatesOutOfOrder,
    WrongPhase,
)
from tracker.errors import Said

REFUSALS = {
    CycleSlugTaken.code: Said(lambda _r: _("Another cycle already uses this short name.")),
    DatesOutOfOrder.code: Said(lambda _r: _("Dates must run: opening, due, closing.")),
    ChecklistFrozen.code: Said(
        lambda _r: _(
            "Disclosures were filed against this checklist version: it cannot change any more."
        )
    ),
    WrongPhase.code: Said(
        lambda _r: _("Only a planned cycle can be opened, and only an open one closed.")
    ),
    "cycles.extension_reason_missing": Said(lambda _r: _("Give a reason.")),
    "cycles.extension_reason_too_long": Said(
        lambda _r: _("The reason may have at most 2000 characters.")  # REASON_MAX_LENGTH
    ),
    "cycles.extension_cycle_closed": Said(lambda _r: _("The cycle is closed.")),
    "cycles.extension_same_date": Said(lambda _r: _("That is already the company's due date.")),
    "cycles.extension_before_opening": Said(
        lambda _r: _("The due date cannot be before the cycle opens.")
    ),
    "cycles.extension_after_closing": Said(
        lambda _r: _("The due date cannot be after the cycle closes.")
    ),
}
