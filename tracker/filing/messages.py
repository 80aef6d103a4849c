"""Messages, in the reader's language, for what filing refuses and what a submission lacks,
and the one message for a workflow step the state does not allow."""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.dates import format_moment
from tracker.domain.answers import Limits, Missing, Problem
from tracker.domain.benchmarks import Metric
from tracker.domain.results import ResultLimits, ResultProblem
from tracker.domain.workflow import Action, TransitionNotAllowed
from tracker.errors import Said
from tracker.filing.forms import BREAKDOWN_LABEL, LONG_RESULT_FIELDS, RESULT_FIELDS
from tracker.filing.services import (
    CannotCopyForward,
    EditConflict,
    Incomplete,
    InvalidAnswer,
    InvalidResults,
    NarrativeTooComplex,
    NotEditable,
    ResultsNotTaken,
)
from tracker.filing.storage import UploadProblem, UploadRefused
from tracker.filing.workflow import AlreadyMoved
from tracker.i18n import localized
from tracker.labels import ACTION_LABELS, STATE_LABELS
from tracker.templating import filesize


def answer_problem_message(problem: Problem, limits: Limits) -> str:
    messages = {
        Problem.STATUS_NOT_ALLOWED: lambda: _("This item does not take that status."),
        Problem.NARRATIVE_TOO_LONG: lambda: _(
            "The narrative is longer than %(n)d characters.", n=limits.narrative
        ),
        Problem.TRANSLATION_TOO_LONG: lambda: _(
            "The narrative in the other language is longer than %(n)d characters.",
            n=limits.narrative,
        ),
        Problem.LANGUAGE_NOT_ALLOWED: lambda: _(
            "Choose English or Chinese as the language of the narrative."
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


def result_problem_message(
    field: str, problem: ResultProblem, limits: ResultLimits, metric: Metric | None = None
) -> str:
    """What stops a result from being saved, said beside ``field`` (a Result attribute, or
    "" for the list of results); ``metric`` the result's metric when the registry has it, to
    name its range or grades."""
    longest = {"results_url": limits.url, "breakdown": limits.category_name}.get(
        field, limits.long_text if field in LONG_RESULT_FIELDS else limits.text
    )

    def out_of_range() -> str:
        bounded = metric is not None and None not in (metric.minimum, metric.maximum)
        if field in ("value", "breakdown") and metric is not None and bounded:
            return _(
                "Outside the metric's range, %(low)s to %(high)s.",
                low=format_decimal(metric.minimum),
                high=format_decimal(metric.maximum),
            )
        if field == "breakdown":
            return _("A category's value is outside the metric's range.")
        return _("The number is too large.")

    def unknown_level() -> str:
        if metric is not None and metric.levels:
            return _(
                "Give one of the metric's grades: %(grades)s.",
                grades=", ".join(f"{lv.id} ({localized(lv.name)})" for lv in metric.levels),
            )
        return _("Give one of the metric's grades.")

    messages = {
        ResultProblem.REQUIRED: lambda: (
            _("Give each category a name.") if field == "breakdown" else _("Required.")
        ),
        ResultProblem.TOO_LONG: lambda: (
            _("A category's name may be at most %(n)d characters.", n=longest)
            if field == "breakdown"
            else _("At most %(n)d characters.", n=longest)
        ),
        ResultProblem.UNKNOWN_BENCHMARK: lambda: _(
            "This benchmark is not in the registry. Choose one from the list."
        ),
        ResultProblem.UNKNOWN_VERSION: lambda: _(
            "The registry has no such version of this benchmark."
        ),
        ResultProblem.UNKNOWN_CONFIGURATION: lambda: _(
            "The registry has no such configuration of this benchmark."
        ),
        ResultProblem.CONFIGURATION_REQUIRED: lambda: _(
            "This benchmark has several configurations: choose the one that was run."
        ),
        ResultProblem.UNKNOWN_LANGUAGE: lambda: _(
            "The registry has no prompts of this benchmark in that language."
        ),
        ResultProblem.UNKNOWN_METRIC: lambda: _("This benchmark has no such metric."),
        ResultProblem.NOT_A_NUMBER: lambda: (
            _("Give each category a name and a number.")
            if field == "breakdown"
            else _("Give a number, such as 12.5.")
        ),
        ResultProblem.OUT_OF_RANGE: out_of_range,
        ResultProblem.UNKNOWN_LEVEL: unknown_level,
        ResultProblem.NEGATIVE: lambda: _("Cannot be negative."),
        ResultProblem.NOT_A_COUNT: lambda: _("Give a whole number of at least 1."),
        ResultProblem.UNKNOWN_CHOICE: lambda: _("Choose one of the options."),
        ResultProblem.JUDGE_REQUIRED: lambda: _(
            "An LLM judge was used: name the judge model and its version."
        ),
        ResultProblem.JUDGE_NOT_USED: lambda: _(
            "Only for an LLM judge: leave this empty for another grader."
        ),
        ResultProblem.NOT_A_DATE: lambda: _("Give a date as YYYY-MM-DD."),
        ResultProblem.IN_THE_FUTURE: lambda: _("This date is in the future."),
        ResultProblem.LINK_NOT_HTTP: lambda: _(
            "Give a web address starting with https:// or http://."
        ),
        ResultProblem.TOO_MANY: lambda: (
            _("At most %(n)d categories.", n=limits.categories)
            if field == "breakdown"
            else _("An item takes at most %(n)d results.", n=limits.per_item)
        ),
    }
    return messages[problem]()


def results_problems_message(refusal: InvalidResults) -> str:
    """Every problem of a list of results, each named by the result's position and field."""
    said = []
    for n, field, problem in refusal.problems:
        message = result_problem_message(field, problem, refusal.limits)
        if field:
            label = RESULT_FIELDS[field].label if field in RESULT_FIELDS else BREAKDOWN_LABEL
            said.append(
                _("Result %(n)d, %(field)s: %(message)s", n=n + 1, field=label, message=message)
            )
        else:
            said.append(message)
    return " ".join(said)


# What completeness_problem can say of an answer (tracker.domain.answers.ReadinessRule).
READINESS_PROBLEMS = (Problem.UNANSWERED, Problem.REASON_MISSING, Problem.NARRATIVE_MISSING)


def missing_message(missing: Missing) -> str:
    return readiness_problem_message(missing.problem)


def readiness_problem_message(problem: Problem) -> str:
    """What an answer still lacks before it can be submitted, in a few words."""
    return {
        Problem.UNANSWERED: lambda: _("no status chosen yet"),
        Problem.REASON_MISSING: lambda: _("“not applicable” needs a reason"),
        Problem.NARRATIVE_MISSING: lambda: _("describe what is in place in the narrative"),
    }[problem]()


def readiness_messages() -> dict[str, str]:
    """The line an item's card shows for each state of readiness: each problem by its value,
    ``ready`` and (an optional item left unanswered) ``optional``; the page's script reads the
    same texts."""
    return {
        problem.value: _("Not ready to submit: %(what)s", what=readiness_problem_message(problem))
        for problem in READINESS_PROBLEMS
    } | {
        "ready": _("Ready to submit"),
        "optional": _("Optional: it may stay unanswered"),
    }


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
        "at": format_moment(refusal.at),
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
    InvalidResults.code: Said(results_problems_message, NOT_SAVED),
    ResultsNotTaken.code: Said(
        lambda _r: _("This item takes no benchmark results."), _l("No benchmark results here")
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
