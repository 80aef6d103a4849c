"""Messages, in the reader's language, for what an Every Eval Ever import refuses: the file as a
whole, or one record at a JSON path."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from tracker.domain.benchmarks import Registry
from tracker.domain.eee import RecordProblem
from tracker.domain.results import ResultLimits, ResultProblem
from tracker.filing.messages import result_problem_message


def file_problem_message(why: str, max_size: int = 0) -> str:
    """Why the uploaded file is not read at all (tracker.domain.eee.parse_json's reasons, and the
    upload's own)."""
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("Choose an Every Eval Ever JSON file to import."),
        "too_big": lambda: _(
            "The file is larger than %(n)d kB: import at most that much at a time.",
            n=max_size // 1024,
        ),
        "encoding": lambda: _("The file is not UTF-8 text, so it is no JSON file."),
        "syntax": lambda: _("The file is not valid JSON."),
        "too_deep": lambda: _("The file nests arrays or objects too deeply to be read."),
        "constant": lambda: _("The file holds NaN or Infinity, which JSON does not allow."),
        "too_large": lambda: _("The file holds a number with too many digits to be read."),
    }
    return messages[why]()


def record_problem_message(problem: RecordProblem, limits: ResultLimits, registry: Registry) -> str:
    """What is wrong at ``problem.path`` (the location is shown beside it): the file's and the
    schema's problems here, a result's as the result form says them."""
    details = problem.details
    messages: dict[str, Callable[[], str]] = {
        # the file
        "not_records": lambda: _("The file must hold an array of Every Eval Ever records."),
        "no_records": lambda: _("The file holds no records."),
        "too_many_records": lambda: _(
            "The file holds more results than this item has room for (%(n)s more).",
            n=details.get("room", "0"),
        ),
        # the schema
        "schema_required": lambda: _("Required by the Every Eval Ever schema, and missing."),
        "schema_unknown_field": lambda: _("The Every Eval Ever schema has no such field."),
        "schema_type": lambda: _(
            "The Every Eval Ever schema wants a value of type %(type)s here.",
            type=details.get("expected", ""),
        ),
        "schema_choice": lambda: _(
            "The Every Eval Ever schema allows only %(values)s here.",
            values=details.get("allowed", ""),
        ),
        "schema_other": lambda: _(
            "Does not match the Every Eval Ever schema (rule “%(rule)s”).",
            rule=details.get("rule", ""),
        ),
        # reading the record
        "levels_expected": lambda: _(
            "This metric is graded: the record must give score_type “levels” and level_names."
        ),
        "not_a_level_index": lambda: _(
            "For a graded metric the score is the position of a level in level_names (0, 1, …)."
        ),
        "number_expected": lambda: _("This metric is a number, not a grade level."),
        "not_95_percent": lambda: _(
            "The uncertainty is given at another confidence level: give the 95 percent interval."
        ),
        # a file has no list to choose from, unlike the result form
        "unknown_benchmark": lambda: _("No benchmark of the registry has this id or name."),
    }
    message = messages.get(problem.code)
    if message is not None:
        return message()
    # The result's own problems, said as the result form says them.
    benchmark = registry.get(details.get("benchmark", ""))
    metric = benchmark.metric(details.get("metric", "")) if benchmark else None
    return result_problem_message(problem.field, ResultProblem(problem.code), limits, metric)


def location(problem: RecordProblem) -> tuple[int, str]:
    """Where the problem is: the record (counted from 1; 0 for the file as a whole) and the
    JSON path inside it, for the page to say “Record 2, $.model_info.id”."""
    return problem.record + 1, problem.path
