"""What a reader is told when a stored file is not kept here."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import Said
from tracker.storage.base import BlobNotFound

REFUSALS = {
    BlobNotFound.code: Said(
        lambda _r: _(
            "This file is recorded but is not stored on this server. If the site runs on "
            "several servers, they need shared storage (the STORAGE setting) to serve what "
            "another stored; the site's operator has been told."
        ),
        _l("File not available"),
    ),
}
