"""Benchmark results: what a company reports it measured, precisely enough to compare.

A name says nothing comparable: two numbers of "HarmBench" are comparable only when they were
measured on the same version, configuration and language, with the same metric, graded the same
way, on the same kind of subject (a bare model, or a deployed system with its safeguards).
``differences`` is that rule; everything that shows results side by side goes through it.

A result is kept as typed text until it is saved: ``result_from_form`` never raises, and
``result_problems`` says, per field, what stops it from being saved (located against the
registry), so a form can show every problem beside what was typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from tracker.domain.answers import is_http_url
from tracker.domain.benchmarks import Benchmark, Metric, Registry, ScaleKind


class SubjectKind(StrEnum):
    MODEL = "model"  # the bare model, no safeguards around it
    SYSTEM = "system"  # the deployed system: model plus system prompt, filters, classifiers


class Grader(StrEnum):
    RULES = "rules"  # string matching, classifiers with fixed rules, exact answers
    HUMAN = "human"
    LLM_JUDGE = "llm_judge"


class Relationship(StrEnum):
    FIRST_PARTY = "first_party"  # the company ran it
    THIRD_PARTY = "third_party"  # an independent party ran it of its own accord
    COMMISSIONED = "commissioned"  # an outside party ran it, paid or asked by the company


@dataclass(frozen=True)
class ResultLimits:
    per_item: int = 50
    text: int = 300  # one-line fields: model ids, harness, judge model…
    long_text: int = 2_000  # settings, safeguards, attack methods, the confidential note
    url: int = 2_000
    categories: int = 50
    category_name: int = 100
    magnitude: float = 1e12  # no value, uncertainty or count beyond this


@dataclass
class Category:
    """One line of a result's per-category breakdown (e.g. AILuminate's hazard categories)."""

    name: str
    value: float


@dataclass
class Result:
    """One reported measurement. Empty text means "not given"; ``None`` a number not given."""

    # what was run
    benchmark: str = ""
    version: str = ""
    configuration: str = ""  # "" when the benchmark has a single setup
    language: str = ""
    metric: str = ""
    # the number
    value: float | str | None = None  # a float on a number scale, a level id on a graded one
    uncertainty: float | None = None  # ± half-width of the 95 % interval, in the metric's unit
    sample_size: int | None = None  # prompts or items scored
    breakdown: list[Category] = field(default_factory=list)
    # on what
    model: str = ""  # the exact model id
    model_version: str = ""  # its version or snapshot date
    subject: SubjectKind | str = ""
    safeguards: str = ""  # for a system: what surrounds the model
    # under which conditions
    generation: str = ""  # temperature, max tokens, system prompt…
    attempts: int | None = None  # attempts per prompt (elicitation), e.g. best of k
    tools: str = ""  # tools or scaffolding the subject had
    attack: str = ""  # attack or jailbreak methods applied, where relevant
    # how it was graded
    grader: Grader | str = ""
    judge_model: str = ""  # for an LLM judge: the judge model and its version
    judge_prompt: str = ""  # for an LLM judge: the grading prompt's version
    # by whom
    run_by: str = ""
    relationship: Relationship | str = ""
    run_on: str = ""  # YYYY-MM-DD
    harness: str = ""
    harness_version: str = ""
    results_url: str = ""
    # alliance staff only: never in a snapshot, a page or the open data
    confidential_note: str = ""


CONFIDENTIAL_FIELDS = ("confidential_note",)
REQUIRED_FIELDS = (
    "benchmark",
    "version",
    "language",
    "metric",
    "value",
    "model",
    "model_version",
    "subject",
    "grader",
    "run_by",
    "relationship",
    "run_on",
)
# What must match for two results to stand side by side, in the order a reader weighs them.
COMPARED_FIELDS = (
    "benchmark",
    "version",
    "configuration",
    "language",
    "metric",
    "grader",
    "judge_model",
    "judge_prompt",
    "subject",
)


class ResultProblem(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    UNKNOWN_BENCHMARK = "unknown_benchmark"
    UNKNOWN_VERSION = "unknown_version"
    UNKNOWN_CONFIGURATION = "unknown_configuration"
    CONFIGURATION_REQUIRED = "configuration_required"
    UNKNOWN_LANGUAGE = "unknown_language"
    UNKNOWN_METRIC = "unknown_metric"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_LEVEL = "unknown_level"
    NEGATIVE = "negative"
    NOT_A_COUNT = "not_a_count"
    UNKNOWN_CHOICE = "unknown_choice"
    JUDGE_REQUIRED = "judge_required"
    JUDGE_NOT_USED = "judge_not_used"
    NOT_A_DATE = "not_a_date"
    IN_THE_FUTURE = "in_the_future"
    LINK_NOT_HTTP = "link_not_http"
    TOO_MANY = "too_many"


# --- typed text to a result ----------------------------------------------------------------------


def _number(raw: Any) -> float | str | None:
    """A float from a number or its text; the text itself when it is no finite number (so the
    problem can be shown beside it); None when empty."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else str(raw)
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an integer beyond any float (an imported file can hold one)
            return str(raw)[:40]
        return number if math.isfinite(number) else str(raw)
    text = str(raw).strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return str(raw).strip()
    return value if math.isfinite(value) else str(raw).strip()


def _count(raw: Any) -> int | str | None:
    value = _number(raw)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value is None else str(raw).strip()


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def result_from_form(data: Mapping[str, Any]) -> tuple[Result, dict[str, str]]:
    """A Result from submitted or imported fields, and the fields typed as numbers that are no
    numbers (field -> the text as typed), for result_problems to report. Never raises."""
    unreadable: dict[str, str] = {}
    result = Result()
    text_fields = {f.name for f in fields(Result)} - {
        "value",
        "uncertainty",
        "sample_size",
        "attempts",
        "breakdown",
    }
    for name in text_fields:
        setattr(result, name, _text(data.get(name)))
    # A level id stays text, and so does a number that is none: result_problems tells them apart
    # by the metric's scale.
    result.value = _number(data.get("value"))
    for name, reader in (("uncertainty", _number), ("sample_size", _count), ("attempts", _count)):
        read = reader(data.get(name))
        if isinstance(read, str):
            unreadable[name] = read
            read = None
        setattr(result, name, read)
    breakdown = data.get("breakdown") or []
    if isinstance(breakdown, list):
        for entry in breakdown:
            if not isinstance(entry, Mapping):
                unreadable["breakdown"] = str(entry)[:100]
                continue
            number = _number(entry.get("value"))
            name = _text(entry.get("name"))
            if not name and number is None:
                continue  # an empty row of the form
            if not isinstance(number, float):
                unreadable["breakdown"] = f"{name}: {entry.get('value')}"
                continue
            result.breakdown.append(Category(name, number))
    else:
        unreadable["breakdown"] = str(breakdown)[:100]
    return result, unreadable


# --- what stops a result from being saved ------------------------------------------------------


def _value_problem(metric: Metric, value: float | str | None, limits: ResultLimits):
    if value is None:
        return ResultProblem.REQUIRED
    if metric.kind is ScaleKind.GRADES:
        return (
            None if isinstance(value, str) and metric.level(value) else ResultProblem.UNKNOWN_LEVEL
        )
    if not isinstance(value, float):
        return ResultProblem.NOT_A_NUMBER
    low = metric.minimum if metric.minimum is not None else -limits.magnitude
    high = metric.maximum if metric.maximum is not None else limits.magnitude
    return None if low <= value <= high else ResultProblem.OUT_OF_RANGE


def _registry_problems(
    benchmark: Benchmark, result: Result, limits: ResultLimits
) -> list[tuple[str, ResultProblem]]:
    found: list[tuple[str, ResultProblem]] = []
    if result.version and benchmark.version(result.version) is None:
        found.append(("version", ResultProblem.UNKNOWN_VERSION))
    if result.configuration:
        if benchmark.configuration(result.configuration) is None:
            found.append(("configuration", ResultProblem.UNKNOWN_CONFIGURATION))
    elif benchmark.configurations:
        found.append(("configuration", ResultProblem.CONFIGURATION_REQUIRED))
    if result.language and (
        result.language not in benchmark.languages
        if benchmark.languages
        else not _LANGUAGE_TAG.fullmatch(result.language)
    ):
        found.append(("language", ResultProblem.UNKNOWN_LANGUAGE))
    metric = benchmark.metric(result.metric) if result.metric else None
    if result.metric and metric is None:
        found.append(("metric", ResultProblem.UNKNOWN_METRIC))
    if metric is not None:
        problem = _value_problem(metric, result.value, limits)
        if problem is not None and problem is not ResultProblem.REQUIRED:
            found.append(("value", problem))
        for category in result.breakdown:
            if metric.kind is ScaleKind.NUMBER and (
                _value_problem(metric, category.value, limits) is not None
            ):
                found.append(("breakdown", ResultProblem.OUT_OF_RANGE))
                break
    return found


def result_problems(
    result: Result,
    registry: Registry,
    today: date,
    limits: ResultLimits = ResultLimits(),
    unreadable: Mapping[str, str] | None = None,
) -> list[tuple[str, ResultProblem]]:
    """What stops a result from being saved, as (field, problem) pairs, at most one per field's
    kind of problem, in the order of the form."""
    found: list[tuple[str, ResultProblem]] = []
    for name in REQUIRED_FIELDS:
        if getattr(result, name) in ("", None):
            found.append((name, ResultProblem.REQUIRED))
    for name in unreadable or {}:
        counted = name in ("sample_size", "attempts")
        found.append((name, ResultProblem.NOT_A_COUNT if counted else ResultProblem.NOT_A_NUMBER))
    for f in fields(Result):
        value = getattr(result, f.name)
        if isinstance(value, str):
            longest = limits.long_text if f.name in _LONG_FIELDS else limits.text
            if f.name == "results_url":
                longest = limits.url
            if len(value) > longest:
                found.append((f.name, ResultProblem.TOO_LONG))
    benchmark = registry.get(result.benchmark) if result.benchmark else None
    if result.benchmark and benchmark is None:
        found.append(("benchmark", ResultProblem.UNKNOWN_BENCHMARK))
    if benchmark is not None:
        found += _registry_problems(benchmark, result, limits)
    if result.uncertainty is not None and result.uncertainty < 0:
        found.append(("uncertainty", ResultProblem.NEGATIVE))
    elif result.uncertainty is not None and result.uncertainty > limits.magnitude:
        found.append(("uncertainty", ResultProblem.OUT_OF_RANGE))
    for name, count in (("sample_size", result.sample_size), ("attempts", result.attempts)):
        if count is not None and not (1 <= count <= limits.magnitude):
            found.append((name, ResultProblem.NOT_A_COUNT))
    for name, enum in (
        ("subject", SubjectKind),
        ("grader", Grader),
        ("relationship", Relationship),
    ):
        value = getattr(result, name)
        if value and value not in {e.value for e in enum}:
            found.append((name, ResultProblem.UNKNOWN_CHOICE))
    if result.grader == Grader.LLM_JUDGE and not result.judge_model:
        found.append(("judge_model", ResultProblem.JUDGE_REQUIRED))
    if result.grader and result.grader != Grader.LLM_JUDGE:
        for name in ("judge_model", "judge_prompt"):
            if getattr(result, name):
                found.append((name, ResultProblem.JUDGE_NOT_USED))
    if result.run_on:
        try:
            run_on = date.fromisoformat(result.run_on)
        except ValueError:
            found.append(("run_on", ResultProblem.NOT_A_DATE))
        else:
            if len(result.run_on) != 10:
                found.append(("run_on", ResultProblem.NOT_A_DATE))
            elif run_on > today:
                found.append(("run_on", ResultProblem.IN_THE_FUTURE))
    if result.results_url and not is_http_url(result.results_url):
        found.append(("results_url", ResultProblem.LINK_NOT_HTTP))
    if len(result.breakdown) > limits.categories:
        found.append(("breakdown", ResultProblem.TOO_MANY))
    if any(not c.name for c in result.breakdown):
        found.append(("breakdown", ResultProblem.REQUIRED))
    if any(len(c.name) > limits.category_name for c in result.breakdown):
        found.append(("breakdown", ResultProblem.TOO_LONG))
    if any(abs(c.value) > limits.magnitude for c in result.breakdown):
        found.append(("breakdown", ResultProblem.OUT_OF_RANGE))
    order = {f.name: i for i, f in enumerate(fields(Result))}
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda pair: order.get(pair[0], len(order)))


# A BCP 47 tag's shape (language, then subtags), for a benchmark whose languages are not known.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_LONG_FIELDS = {"generation", "safeguards", "tools", "attack", "confidential_note"}


# --- stored form -------------------------------------------------------------------------------


def result_to_dict(result: Result, public: bool = True) -> dict[str, Any]:
    """A result as plain JSON (what answers, snapshots and the open data hold); ``public`` leaves
    out the confidential fields."""
    data = asdict(result)
    for name in ("subject", "grader", "relationship"):
        data[name] = str(data[name])
    if public:
        for name in CONFIDENTIAL_FIELDS:
            data.pop(name, None)
    return data


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """A stored result (result_to_dict) as a Result; unknown keys are ignored."""
    result, _ = result_from_form(data)
    return result


# --- what may stand side by side ----------------------------------------------------------------


def _compared(result: Result, name: str) -> str:
    value = getattr(result, name)
    # Judge details only matter for an LLM judge: others have none (result_problems refuses
    # them), so they compare equal.
    return str(value or "")


def comparison_key(result: Result) -> tuple[str, ...]:
    """What two results must share to be compared (COMPARED_FIELDS, in order)."""
    return tuple(_compared(result, name) for name in COMPARED_FIELDS)


def differences(a: Result, b: Result) -> tuple[str, ...]:
    """The compared fields in which two results differ; empty when they are comparable."""
    return tuple(name for name in COMPARED_FIELDS if _compared(a, name) != _compared(b, name))


def comparable(a: Result, b: Result) -> bool:
    """True when the two numbers measure the same thing the same way."""
    return not differences(a, b)


@dataclass
class Group:
    """Results that are all comparable with each other, in the order given."""

    key: tuple[str, ...]
    members: list[Any]  # whatever was grouped: results or rows holding one (see ``group``)

    def value(self, name: str) -> str:
        return self.key[COMPARED_FIELDS.index(name)]


def group(items: Iterable[Any], result_of=lambda item: item) -> list[Group]:
    """Comparable groups of items (results, or rows from which ``result_of`` takes one), largest
    first, then in order of first appearance."""
    groups: dict[tuple[str, ...], Group] = {}
    for item in items:
        key = comparison_key(result_of(item))
        groups.setdefault(key, Group(key, [])).members.append(item)
    return sorted(groups.values(), key=lambda g: -len(g.members))


def nearest(result: Result, groups: Iterable[Group]) -> tuple[Group | None, tuple[str, ...]]:
    """The group whose setup differs from the result's in the fewest compared fields (ties: the
    larger group, then the first), and those fields. (None, ()) without groups."""
    best: tuple[Group | None, tuple[str, ...]] = (None, ())
    best_rank: tuple[int, int] | None = None
    for candidate in groups:
        differing = tuple(
            name
            for name, mine in zip(COMPARED_FIELDS, comparison_key(result), strict=True)
            if candidate.value(name) != mine
        )
        rank = (len(differing), -len(candidate.members))
        if best_rank is None or rank < best_rank:
            best, best_rank = (candidate, differing), rank
    return best
