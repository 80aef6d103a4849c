"""Messages, in the reader's language, for what filing refuses and what a submission lacks,
and the one message for a workflow step the state does not allow."""

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.domain.answers import Limits, Missing, Problem
from tracker.domain.workflow import Action, TransitionNotAllowed
from tracker.errors import Said
from tracker.filing.services import (
    CannotCopyForward,
    EditConflict,
    Incomplete,
    InvalidAnswer,
    NarrativeTooComplex,
    NotEditable,
)
from tracker.filing.storage import UploadProblem, UploadRefused
from tracker.filing.workflow import AlreadyMoved
from tracker.labels import ACTION_LABELS, STATE_LABELS
from tracker.templating import filesize


def answer_problem_message(problem: Problem, limits: Limits) -> str:
    messages = {
        Problem.STATUS_NOT_ALLOWED: lambda: _("This item does not take that status."),
        Problem.NARRATIVE_TOO_LONG: lambda: _(
            "The narrative is longer than %(n)d characters.", n=limits.narrative
        ),
        Problem.NOTE_TOO_LONG: lambda: _(
            "The confidential note is longer than %(n)d characters.", n=limits.note
        ),
        Problem.REASON_TOO_LONG: lambda: _(
            "The reason is longer than %(n)d characters.", n=limits.reason
        ),
        Problem.TOO_MANY_LINKS: lambda: _("Give at most %(n)d evidence links.", n=limits.links),
        Problem.LINK_NOT_HTTP: lambda: _(
            "Evidence links must be web addresses starting with https:// or http://."
        ),
        Problem.LINK_TOO_LONG: lambda: _(
            "An evidence link is longer than %(n)d characters.", n=limits.url
        ),
        Problem.LINK_TITLE_TOO_LONG: lambda: _(
            "A link title is longer than %(n)d characters.", n=limits.link_title
        ),
        Problem.UNKNOWN_FIELD: lambda: _("The form holds a field this item does not have."),
        Problem.UNKNOWN_OPTION: lambda: _("A choice is not one this item offers."),
        Problem.TOO_MANY_OTHERS: lambda: _("Give at most %(n)d other entries.", n=limits.others),
        Problem.OTHER_TOO_LONG: lambda: _(
            "Other entries may be at most %(n)d characters each.", n=limits.other_length
        ),
    }
    return messages[problem]()


def missing_message(missing: Missing) -> str:
    return {
        Problem.UNANSWERED: lambda: _("no status chosen yet"),
        Problem.REASON_MISSING: lambda: _("“not applicable” needs a reason"),
        Problem.NARRATIVE_MISSING: lambda: _("describe what is in place in the narrative"),
    }[missing.problem]()


def upload_message(refusal: UploadRefused) -> str:
    return {
        UploadProblem.EMPTY: lambda: _("The file is empty."),
        UploadProblem.TOO_LARGE: lambda: _(
            "The file is larger than %(size)s.", size=filesize(refusal.max_size)
        ),
        UploadProblem.TYPE_NOT_ALLOWED: lambda: _(
            "This kind of file cannot be attached. Allowed: %(types)s.",
            types=", ".join(t.upper() for t in refusal.allowed),
        ),
        UploadProblem.NAME_MISMATCH: lambda: _(
            "The file's content is %(kind)s, which its name does not say. Rename it, or "
            "attach the file you meant.",
            kind=(refusal.detected or "").upper(),
        ),
    }[refusal.reason]()


def transition_message(refusal: TransitionNotAllowed) -> str:
    """The one sentence for a step the workflow does not allow, wherever it is tried."""
    return _(
        "“%(action)s” is not possible while the disclosure is “%(state)s”.",
        action=ACTION_LABELS[refusal.action],
        state=STATE_LABELS[refusal.state],
    )


def already_moved_message(refusal: AlreadyMoved) -> str:
    """What someone else did first, when and who: the step that beat this request."""
    facts = {
        "at": format_datetime(refusal.at, "short"),
        "name": refusal.by if refusal.by is not None else _("the system"),
    }
    return {
        Action.EDIT: lambda: _("Already started at %(at)s by %(name)s.", **facts),
        Action.SUBMIT: lambda: _("Already submitted at %(at)s by %(name)s.", **facts),
        Action.REQUEST_CHANGES: lambda: _(
            "Changes were already requested at %(at)s by %(name)s.", **facts
        ),
        Action.ACCEPT: lambda: _("Already accepted at %(at)s by %(name)s.", **facts),
        Action.PUBLISH: lambda: _(
            "Already published as version %(version)d at %(at)s by %(name)s.",
            version=refusal.version or 0,
            **facts,
        ),
        Action.REOPEN: lambda: _(
            "Already reopened for a correction at %(at)s by %(name)s.", **facts
        ),
    }[refusal.action]()


NOT_ATTACHED = _l("The file was not attached")
NOT_SAVED = _l("Not saved")

REFUSALS = {
    TransitionNotAllowed.code: Said(transition_message),
    AlreadyMoved.code: Said(already_moved_message, _l("Someone else was first")),
    NotEditable.code: Said(
        lambda _r: _(
            "This disclosure cannot be changed now: it has been submitted, or the cycle is closed."
        ),
        _l("Not editable"),
    ),
    CannotCopyForward.code: Said(
        lambda _r: _("Answers can only be copied into an empty disclosure that is still open.")
    ),
    EditConflict.code: Said(
        lambda _r: _(
            "This answer changed while the page was open. "
            "Reload the page, then make your change again."
        ),
        NOT_SAVED,
    ),
    InvalidAnswer.code: Said(
        lambda r: " ".join(answer_problem_message(p, r.limits) for _f, p in r.problems),
        NOT_SAVED,
    ),
    NarrativeTooComplex.code: Said(
        lambda _r: _(
            "The narrative is too intricate to display quickly. Simplify its formatting "
            "(deeply nested brackets, lists or quotes, long runs of symbols) and save again."
        ),
        NOT_SAVED,
    ),
    Incomplete.code: Said(
        lambda r: ngettext(
            "%(num)d required item is not ready yet.",
            "%(num)d required items are not ready yet.",
            len(r.missing),
        )
    ),
    "filing.attachment_limit_per_item": Said(
        lambda r: ngettext(
            "This item already has %(num)d file, the most allowed.",
            "This item already has %(num)d files, the most allowed.",
            r.limit,
        ),
        NOT_ATTACHED,
    ),
    "filing.attachment_limit_total": Said(
        lambda r: _(
            "The files of this disclosure would exceed %(size)s in all.", size=filesize(r.limit)
        ),
        NOT_ATTACHED,
    ),
    **{code: Said(upload_message, NOT_ATTACHED) for code in UploadRefused.codes},
}
