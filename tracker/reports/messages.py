"""Messages for reports that cannot be served (yet)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import Said
from tracker.reports.fonts import MissingFont
from tracker.reports.services import CompanyReportNotReady, ReportNotReady

REFUSALS = {
    ReportNotReady.code: Said(
        lambda _r: _(
            "The aggregate report of this cycle is being built from the latest "
            "publications. Try again in a minute."
        ),
        _l("Report being prepared"),
    ),
    CompanyReportNotReady.code: Said(
        lambda _r: _(
            "This report is being prepared from the published version. Try again in a minute."
        ),
        _l("Report being prepared"),
    ),
    MissingFont.code: Said(
        lambda r: _(
            "This report cannot be rendered here: the server has no font for Chinese text, and "
            "the report would show empty boxes instead of characters. The site's operator needs "
            "to install the %(package)s package. Please try again later.",
            package=r.package,
        ),
        _l("Report not available"),
    ),
}
