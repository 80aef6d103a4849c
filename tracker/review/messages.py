"""Messages for refused comments, shared by the staff and the officers' pages."""

from flask_babel import gettext as _

from tracker.review.services import COMMENT_MAX_LENGTH, CommentRefused


def comment_message(exc: CommentRefused) -> str:
    if exc.why == "empty":
        return _("Write something first.")
    return _("A comment may have at most %(n)d characters.", n=COMMENT_MAX_LENGTH)
