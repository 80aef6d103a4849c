"""What a comparison refuses, in the reader's language (the picker shows it, with the status)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.domain.comparison import MAX_COLUMNS
from tracker.errors import Said

_TITLE = _l("This comparison cannot be shown")

REFUSALS = {
    "compare.too_many": Said(
        lambda r: _(
            "A comparison shows at most %(max)d columns; %(count)s were asked for.",
            max=MAX_COLUMNS,
            count=r.value,
        ),
        _TITLE,
    ),
    "compare.duplicate": Said(
        lambda r: _("“%(value)s” is named twice: name each company or cycle once.", value=r.value),
        _TITLE,
    ),
    "compare.unknown_company": Said(
        lambda r: _("No signatory company has the short name “%(value)s”.", value=r.value),
        _l("Company not found"),
    ),
    "compare.unknown_cycle": Said(
        lambda r: _(
            "No disclosure has been published in a reporting cycle called “%(value)s”.",
            value=r.value,
        ),
        _l("Reporting cycle not found"),
    ),
    "compare.cycle_and_cycles": Said(
        lambda _r: _(
            "Name either one cycle (cycle=) for companies side by side, or several cycles "
            "(cycles=) for one company across them, not both."
        ),
        _TITLE,
    ),
    "compare.cycles_need_one_company": Said(
        lambda _r: _("Across cycles, a comparison follows one company: name only one."),
        _TITLE,
    ),
    "compare.unknown_filter": Said(
        lambda r: _(
            "No commitment or item “%(value)s” is in the checklists of these disclosures.",
            value=r.value,
        ),
        _TITLE,
    ),
}
