"""Messages for what the company roster refuses."""

from flask_babel import gettext as _

from tracker.errors import Said
from tracker.roster.services import CompanySlugTaken

REFUSALS = {
    CompanySlugTaken.code: Said(lambda _r: _("Another company already uses this short name.")),
}
