"""Messages for what cycle administration refuses."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.cycles.services import (
    ChecklistFrozen,
    CycleAlreadyMoved,
    CycleSlugTaken,
    DatesOutOfOrder,
    DueDateChanged,
    WrongPhase,
)
from tracker.dates import format_day, format_moment
from tracker.errors import Said


def already_moved_message(refusal: CycleAlreadyMoved) -> str:
    """Who opened or closed the cycle first, and when."""
    facts = {
        "at": format_moment(refusal.at),
        "name": refusal.by if refusal.by is not None else _("the system"),
    }
    if refusal.what == "open":
        return _("The cycle was already opened at %(at)s by %(name)s.", **facts)
    if refusal.what == "reopen":
        return _("The cycle was already reopened at %(at)s by %(name)s.", **facts)
    return _("The cycle was already closed at %(at)s by %(name)s.", **facts)


def due_date_changed_message(refusal: DueDateChanged) -> str:
    return _(
        "Someone else changed this company's due date meanwhile: it is now %(date)s (%(name)s). "
        "Nothing was saved; look at the date again.",
        date=format_day(refusal.due_on),
        name=refusal.by if refusal.by is not None else _("the system"),
    )


REFUSALS = {
    CycleAlreadyMoved.code: Said(already_moved_message, _l("Someone else was first")),
    DueDateChanged.code: Said(due_date_changed_message, _l("Someone else was first")),
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
    "cycles.reopen_reason_missing": Said(lambda _r: _("Give a reason.")),
    "cycles.reopen_reason_too_long": Said(
        lambda _r: _("The reason may have at most 2000 characters.")  # REASON_MAX_LENGTH
    ),
    "cycles.reopen_not_closed": Said(lambda _r: _("Only a closed cycle can be reopened.")),
    "cycles.reopen_closing_date_passed": Said(
        lambda r: _(
            "The cycle's closing date, %(date)s, has passed: officers still could not file. "
            "Move the closing date first (Edit), then reopen.",
            date=format_day(r.closes_on),
        )
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
