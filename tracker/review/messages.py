"""Messages for what review refuses: comments, decisions without a reason, unknown items."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.domain.workflow import Side
from tracker.errors import MESSAGES, Said
from tracker.review.services import COMMENT_MAX_LENGTH, CommentRefused, NoSuchItem, ReasonMissing


def comment_message(exc: CommentRefused) -> str:
    if exc.why == "empty":
        return _("Write something first.")
    return _("A comment may have at most %(n)d characters.", n=COMMENT_MAX_LENGTH)


def reason_missing_message(exc: ReasonMissing) -> str:
    """Each side is told who reads the reason."""
    if exc.who is Side.OFFICER:
        return _("Say what you are correcting: the alliance reads it.")
    return _("Give a reason: the company reads it.")


COMMENT_NOT_POSTED = _l("Comment not posted")

REFUSALS = {
    **{code: Said(comment_message, COMMENT_NOT_POSTED) for code in CommentRefused.codes},
    ReasonMissing.code: Said(reason_missing_message),
    NoSuchItem.code: Said(lambda _r: str(MESSAGES[404][1]), MESSAGES[404][0]),
}
