"""Messages for what the company roster refuses."""

from flask_babel import gettext as _

from tracker.companies.services import SlugTaken
from tracker.errors import Said

REFUSALS = {
    SlugTaken.code: Said(lambda _r: _("Another company already uses this short name.")),
}
