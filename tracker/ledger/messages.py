"""Messages for what publishing and the log refuse."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import Said
from tracker.ledger.listing import BadFilter
from tracker.ledger.log import BadRange, LogInconsistent, NotInLog
from tracker.ledger.services import LedgerBusy


def _bad_filter(refusal: BadFilter) -> str:
    if refusal.name == "company":
        return _(
            "company must be a company the ledger names (choose one on the ledger page), "
            "not “%(value)s”.",
            value=refusal.value,
        )
    if refusal.name == "cycle":
        return _(
            "cycle must be a reporting cycle the ledger names (choose one on the ledger page), "
            "not “%(value)s”.",
            value=refusal.value,
        )
    return _(
        "%(name)s must be one of %(allowed)s, or empty, not “%(value)s”.",
        name=refusal.name,
        allowed=", ".join(refusal.allowed),
        value=refusal.value,
    )


REFUSALS = {
    LedgerBusy.code: Said(
        lambda _r: _(
            "Another disclosure was being published at the same moment. Nothing was "
            "published: try again."
        ),
        _l("Try again"),
    ),
    LogInconsistent.code: Said(
        lambda _r: _(
            "The ledger no longer matches its latest signed checkpoint, so nothing can be "
            "added to it. Nothing was published. An operator must check the ledger "
            "(tracker ledger verify)."
        ),
        _l("The ledger needs checking"),
    ),
    NotInLog.code: Said(
        lambda _r: _("The log has no signed checkpoint of that size or entry."),
        _l("Not in the log"),
    ),
    BadRange.code: Said(
        lambda _r: _("A consistency proof goes from a smaller tree to a larger one."),
        _l("Sizes in the wrong order"),
    ),
    BadFilter.code: Said(
        _bad_filter,
        _l("Bad request"),
    ),
}
