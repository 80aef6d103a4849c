"""Messages for what publishing refuses."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import Said
from tracker.ledger.services import LedgerBusy

REFUSALS = {
    LedgerBusy.code: Said(
        lambda _r: _(
            "Another disclosure was being published at the same moment. Nothing was "
            "published: try again."
        ),
        _l("Try again"),
    ),
}
