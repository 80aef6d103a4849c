"""Messages for what the audit trail's export refuses."""

from flask_babel import lazy_gettext as _l

from tracker.audit.services import NothingExported
from tracker.errors import Said

REFUSALS = {
    NothingExported.code: Said(lambda r: " ".join(r.problems), _l("Nothing exported")),
}
