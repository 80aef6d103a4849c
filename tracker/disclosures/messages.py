"""Messages, in the reader's language, for what filing refuses and what a submission lacks."""

from flask_babel import gettext as _

from tracker.disclosures.storage import Refusal, UploadRefused
from tracker.domain.answers import Limits, Missing, Problem
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


def refusal_message(refusal: UploadRefused, config) -> str:
    allowed = ", ".join(t.upper() for t in config["ATTACHMENT_TYPES"])
    return {
        Refusal.EMPTY: lambda: _("The file is empty."),
        Refusal.TOO_LARGE: lambda: _(
            "The file is larger than %(size)s.", size=filesize(config["ATTACHMENT_MAX_SIZE"])
        ),
        Refusal.TYPE_NOT_ALLOWED: lambda: _(
            "This kind of file cannot be attached. Allowed: %(types)s.", types=allowed
        ),
        Refusal.NAME_MISMATCH: lambda: _(
            "The file's content is %(kind)s, which its name does not say. Rename it, or "
            "attach the file you meant.",
            kind=(refusal.detected or "").upper(),
        ),
    }[refusal.reason]()
