"""The import form of an officer's draft: one Every Eval Ever JSON file."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class ImportResultsForm(FlaskForm):
    # Not FileRequired: a missing file gets the import's own message (tracker.opendata.messages).
    file = FileField(_l("Every Eval Ever JSON file"))
