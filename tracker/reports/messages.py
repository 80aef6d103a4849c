"""Messages for reports that cannot be served (yet)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import Said
from tracker.reports.services import ReportNotReady

REFUSALS = {
    ReportNotReady.code: Said(
        lambda _r: _(
            "The aggregate report of this cycle is being built from the latest "
            "publications. Try again in a minute."
        ),
        _l("Report being prepared"),
    ),
}
