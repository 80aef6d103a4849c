"""Every Eval Ever (EEE): benchmark results as the EvalEval Coalition's public records.

One published result is one EEE record (schema 0.3.0, ``every_eval_ever/eval.schema.json``,
taken from the ``every-eval-ever`` wheel, MIT licence beside it) with one evaluation result.
What the schema has a field for goes in that field; what it lacks (the benchmark's version and
configuration in our registry, the subject's safeguards, who ran it, the company and the cycle)
goes in the ``additional_details`` objects the schema provides, whose values are strings, under
the keys of ``DETAIL_KEYS``. Nothing is put outside the schema.

Reading records back (an officer's import) is the reverse, and reads records made elsewhere
too: a key of ours, when present, wins over the schema field it refines. Every record is
checked in three steps, schema, then mapping, then ``result_problems`` against the registry, and
every problem is located by the record's index and a JSON path inside it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from tracker.domain.benchmarks import Benchmark, Metric, Registry, ScaleKind
from tracker.domain.results import (
    Grader,
    Relationship,
    Result,
    ResultLimits,
    result_from_form,
    result_problems,
    result_to_dict,
)

SCHEMA_VERSION = "0.3.0"
SCHEMA_PATH = Path(__file__).parent / "every_eval_ever" / "eval.schema.json"
UNKNOWN = "unknown"  # what the schema asks for when a library's version is not known
CATEGORY_PREFIX = "category:"  # score_details.details keys of the per-category breakdown
CONFIDENCE = 0.95  # our uncertainty is the half-width of the 95 % interval
Z_95 = 1.959963984540054  # a standard error times this is the 95 % half-width (normal)
# Problems of the schema shown per record: the first few say what is wrong; hundreds do not.
SCHEMA_PROBLEMS_PER_RECORD = 10
DEFAULT_LIMITS = ResultLimits()

# Where ours go among the schema's additional_details (values are strings).
DETAIL_KEYS = {
    "source_data": ("benchmark", "version", "configuration", "language"),
    "metric_config": ("metric", "grader"),
    "llm_scoring": ("judge_prompt",),
    "score_details": ("uncertainty_95",),
    "model_info": ("model_version", "subject", "safeguards"),
    "generation_config": ("generation", "tools", "attack"),
    "source_metadata": (
        "run_by",
        "relationship",
        "results_url",
        "company",
        "company_name_en",
        "company_name_zh",
        "cycle",
        "disclosure_version",
        "item",
        "published_at",
    ),
}

# Our relationships in the schema's terms: a commissioned run has no term of its own ("other",
# with ours in source_metadata.additional_details.relationship).
EVALUATOR_RELATIONSHIP = {
    Relationship.FIRST_PARTY.value: "first_party",
    Relationship.THIRD_PARTY.value: "third_party",
    Relationship.COMMISSIONED.value: "other",
}
RELATIONSHIP_OF_EVALUATOR = {"first_party": "first_party", "third_party": "third_party"}


@cache
def schema() -> dict:
    """The EEE record schema (draft 7), as shipped with every-eval-ever 0.3.0."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(schema())


# --- a published result as a record -----------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """Where a published result comes from: the company's disclosure in a cycle."""

    company: str  # slug
    company_name_en: str
    company_name_zh: str
    cycle: str  # slug
    version: int  # the disclosure's published version
    published_at: datetime  # aware, UTC
    item: str  # the checklist item the result was filed under
    position: int  # 1-based, among the item's results
    company_website: str = ""


def _number_text(value: float) -> str:
    """A float as text that reads back as the same float."""
    return repr(float(value))


def _details(values: Mapping[str, Any]) -> dict[str, str]:
    """The given, non-empty values as strings (additional_details hold strings only)."""
    return {k: str(v) for k, v in values.items() if v not in ("", None)}


def _timestamp(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _unit(metric: Metric) -> str:
    return "percent" if metric.unit == "%" else metric.unit


def _metric_config(result: Result, benchmark: Benchmark | None) -> dict[str, Any]:
    metric = benchmark.metric(result.metric) if benchmark else None
    config: dict[str, Any] = {
        "metric_id": f"{result.benchmark}.{result.metric}",
        "metric_name": metric.name.en if metric else result.metric,
        "lower_is_better": metric.lower_is_better if metric else False,
    }
    if metric is None:
        # The registry no longer knows it (a benchmark or metric was withdrawn after
        # publication): the schema wants a direction, the details say it is not known.
        config["additional_details"] = {"direction": UNKNOWN}
    elif metric.kind is ScaleKind.GRADES:
        config |= {
            "evaluation_description": metric.definition.en,
            "score_type": "levels",
            "level_names": [level.id for level in metric.levels],
            "level_metadata": [level.name.en for level in metric.levels],
            "has_unknown_level": False,
        }
    else:
        config |= {
            "evaluation_description": metric.definition.en,
            "score_type": "continuous",
            "min_score": metric.minimum if metric.minimum is not None else "-Infinity",
            "max_score": metric.maximum if metric.maximum is not None else "Infinity",
        }
        if metric.unit:
            config["metric_unit"] = _unit(metric)
    if isinstance(result.value, str) and result.value not in config.get("level_names", []):
        # A level the registry no longer has: the record still names it.
        config.pop("min_score", None)
        config.pop("max_score", None)
        config |= {
            "score_type": "levels",
            "level_names": [*config.get("level_names", []), result.value],
            "has_unknown_level": False,
        }
        config.pop("level_metadata", None)
    config["additional_details"] = config.get("additional_details", {}) | _details(
        {"metric": result.metric, "grader": result.grader}
    )
    if result.grader == Grader.LLM_JUDGE:
        config["llm_scoring"] = {
            "judges": [
                {
                    "model_info": {
                        "name": result.judge_model,
                        "id": result.judge_model,
                        "additional_details": {
                            "deployment_type": UNKNOWN,
                            "model_availability": UNKNOWN,
                        },
                    }
                }
            ],
            # We keep the grading prompt's version, not its text: the version is what names it.
            "input_prompt": result.judge_prompt,
            "additional_details": _details({"judge_prompt": result.judge_prompt}),
        }
    return config


def _score(result: Result, config: Mapping[str, Any]) -> float:
    if isinstance(result.value, str):
        return float(config["level_names"].index(result.value))
    return result.value if result.value is not None else 0.0


def _score_details(result: Result, config: Mapping[str, Any]) -> dict[str, Any]:
    score = _score(result, config)
    details: dict[str, Any] = {"score": score}
    uncertainty: dict[str, Any] = {}
    if result.uncertainty is not None and isinstance(result.value, float):
        uncertainty["confidence_interval"] = {
            "lower": result.value - result.uncertainty,
            "upper": result.value + result.uncertainty,
            "confidence_level": CONFIDENCE,
            "method": "reported",
        }
    if result.sample_size is not None:
        uncertainty["num_samples"] = result.sample_size
    if uncertainty:
        details["uncertainty"] = uncertainty
    extra: dict[str, str] = {}
    if result.uncertainty is not None:
        # Exactly as filed: the interval's bounds, halved, need not give back the same float.
        extra["uncertainty_95"] = _number_text(result.uncertainty)
    for category in result.breakdown:
        extra[CATEGORY_PREFIX + category.name] = _number_text(category.value)
    if result.value is None:
        extra["score"] = "not given"  # published results have one; older data may not
    if extra:
        details["details"] = extra
    return details


def _source_data(result: Result, benchmark: Benchmark | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dataset_name": benchmark.name.en if benchmark else result.benchmark,
        "additional_details": _details(
            {
                "benchmark": result.benchmark,
                "version": result.version,
                "configuration": result.configuration,
                "language": result.language,
            }
        ),
    }
    if benchmark and benchmark.homepage:
        data |= {"source_type": "url", "url": [benchmark.homepage]}
    else:
        data["source_type"] = "other"
    return data


def to_record(result: Result, published: Published, benchmark: Benchmark | None) -> dict:
    """The EEE record of one published result (``benchmark``: the registry's, None when it no
    longer knows it). The confidential note is never part of it."""
    public = result_to_dict(result, public=True)  # what may be published, nothing more
    assert "confidential_note" not in public
    retrieved = _timestamp(published.published_at)
    config = _metric_config(result, benchmark)
    generation: dict[str, Any] = {}
    if result.attempts is not None:
        generation["generation_args"] = {"max_attempts": result.attempts}
    settings = _details(
        {"generation": result.generation, "tools": result.tools, "attack": result.attack}
    )
    if settings:
        generation["additional_details"] = settings
    evaluation: dict[str, Any] = {
        "evaluation_result_id": (
            f"{published.cycle}/{published.company}/v{published.version}/"
            f"{published.item}/{published.position}"
        ),
        "evaluation_name": result.benchmark,
        "source_data": _source_data(result, benchmark),
        "evaluation_timestamp": result.run_on,
        "metric_config": config,
        "score_details": _score_details(result, config),
    }
    if generation:
        evaluation["generation_config"] = generation
    source: dict[str, Any] = {
        "source_name": (
            f"AI Safety Commitments Tracker: {published.company_name_en}, "
            f"{published.cycle}, version {published.version}"
        ),
        # Aggregate numbers a company reported, not per-item outputs.
        "source_type": "documentation",
        "source_organization_name": published.company_name_en,
        "evaluator_relationship": EVALUATOR_RELATIONSHIP.get(str(result.relationship), "other"),
        "additional_details": _details(
            {
                "run_by": result.run_by,
                "relationship": result.relationship,
                "results_url": result.results_url,
                "company": published.company,
                "company_name_en": published.company_name_en,
                "company_name_zh": published.company_name_zh,
                "cycle": published.cycle,
                "disclosure_version": published.version,
                "item": published.item,
                "published_at": published.published_at.astimezone(UTC)
                .isoformat()
                .replace("+00:00", "Z"),
            }
        ),
    }
    if published.company_website:
        source["source_organization_url"] = published.company_website
    return {
        "schema_version": SCHEMA_VERSION,
        "evaluation_id": (
            f"{result.benchmark}/{result.model}/{retrieved}/"
            f"{published.company}/{published.cycle}/{published.item}/{published.position}"
        ),
        "evaluation_timestamp": result.run_on,
        "retrieved_timestamp": retrieved,
        "source_metadata": source,
        "eval_library": {
            "name": result.harness or UNKNOWN,
            "version": result.harness_version or UNKNOWN,
        },
        "model_info": {
            "name": result.model,
            "id": result.model,
            "developer": published.company_name_en,
            "additional_details": {
                # Not asked of a filer: the schema wants the keys, so they say "unknown".
                "deployment_type": UNKNOWN,
                "model_availability": UNKNOWN,
            }
            | _details(
                {
                    "model_version": result.model_version,
                    "subject": result.subject,
                    "safeguards": result.safeguards,
                }
            ),
        },
        "evaluation_results": [evaluation],
    }


def schema_errors(record: Any) -> list[tuple[str, str, dict[str, str]]]:
    """What in ``record`` the EEE schema refuses, as (JSON path, kind, details), at most
    SCHEMA_PROBLEMS_PER_RECORD, in document order."""
    # The first few found, then sorted: a record of thousands of errors is not walked to the end.
    errors = islice(_validator().iter_errors(record), SCHEMA_PROBLEMS_PER_RECORD)
    ordered = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    return [_schema_problem(error) for error in ordered]


def _schema_problem(error) -> tuple[str, str, dict[str, str]]:
    path = json_path(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = next(
            (name for name in error.validator_value if name not in (error.instance or {})), ""
        )
        return json_path([*error.absolute_path, missing]), "schema_required", {}
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (
            json_path([*error.absolute_path, extra[0]]) if extra else path,
            "schema_unknown_field",
            {},
        )
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else " | ".join(expected)
        return path, "schema_type", {"expected": expected}
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        return path, "schema_choice", {"allowed": ", ".join(json.dumps(a) for a in allowed)}
    return path, "schema_other", {"rule": str(kind)}


def json_path(parts: Sequence[Any]) -> str:
    """A JSON path of object keys and array indexes, e.g. ``$.evaluation_results[0].score``."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return text


# --- records as results (import) ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordProblem:
    """What stops one record of an import: ``record`` is its 0-based index (-1: the file),
    ``path`` a JSON path inside it, ``code`` the kind (a ResultProblem value, or one of this
    module's), ``field`` the result's field it concerns, if any."""

    record: int
    path: str
    code: str
    field: str = ""
    details: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass
class Imported:
    """The results read from a file, in order, and every problem; results are only to be saved
    when there is no problem at all."""

    results: list[Result] = dataclasses.field(default_factory=list)
    problems: list[RecordProblem] = dataclasses.field(default_factory=list)


def parse_json(raw: bytes) -> tuple[Any, str | None]:
    """The JSON document in ``raw`` and None, or None and why it is no JSON document: "encoding",
    "syntax", "too_deep" (nesting Python cannot follow), "constant" (NaN or Infinity, which
    JSON has not), "too_large" (a number of thousands of digits)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "encoding"

    def refuse(name: str) -> Any:
        raise _Constant(name)

    try:
        return json.loads(text, parse_constant=refuse), None
    except _Constant:
        return None, "constant"
    except RecursionError:
        return None, "too_deep"
    except json.JSONDecodeError:
        return None, "syntax"
    except ValueError:  # an integer longer than Python converts (sys.int_info)
        return None, "too_large"


class _Constant(ValueError):
    pass


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _match(registry: Registry, *names: Any) -> str | None:
    """The id of the registry's benchmark named by one of ``names`` (an id, or its English or
    Chinese name, letter case ignored)."""
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        wanted = name.strip().casefold()
        for benchmark in registry.benchmarks:
            if wanted in (benchmark.id.casefold(), benchmark.name.en.casefold(), benchmark.name.zh):
                return benchmark.id
    return None


def _finite(value: Any) -> Any:
    """A JSON number as a finite float, or its text when it is none (huge integers, 1e400)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    try:
        number = float(value)
    except OverflowError:
        return str(value)[:40]
    return number if math.isfinite(number) else str(value)


def _run_on(raw: Any) -> str:
    """A date from the schema's timestamps: ISO text (its date part) or Unix epoch seconds."""
    if not isinstance(raw, str) or not raw.strip():
        return ""
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= 12:
        try:
            return datetime.fromtimestamp(int(text), UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            return text
    return text[:10] if len(text) > 10 and text[10] in "T " else text


def _generation_text(arguments: Any) -> str:
    """Generation settings of a record made elsewhere, as the text our form takes."""
    if not isinstance(arguments, Mapping):
        return ""
    shown = ("temperature", "top_p", "top_k", "max_tokens", "reasoning")
    return ", ".join(f"{name}={json.dumps(arguments[name])}" for name in shown if name in arguments)


class _Reader:
    """Reads one evaluation result of one record into the form's fields, remembering the JSON
    path each field was read from (or where it belongs when absent)."""

    def __init__(self, record: Mapping, index: int, registry: Registry):
        self.record = record
        self.base = ["evaluation_results", index]
        self.evaluation = record["evaluation_results"][index]
        self.registry = registry
        self.fields: dict[str, Any] = {}
        self.paths: dict[str, str] = {}
        self.problems: list[tuple[str, str, str, dict[str, str]]] = []

    def take(self, name: str, *candidates: tuple[tuple[Any, ...], Any]) -> None:
        """The first given candidate (path, value) as field ``name``; its path either way."""
        for path, value in candidates:
            if value not in (None, ""):
                self.fields[name] = value
                self.paths[name] = json_path(path)
                return
        self.paths[name] = json_path(candidates[0][0])

    def problem(self, path: Sequence[Any], code: str, name: str, **details: str) -> None:
        self.problems.append((json_path(path), code, name, details))

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        record, evaluation, base = self.record, self.evaluation, self.base
        source = evaluation["source_data"]
        config = evaluation["metric_config"]
        score = evaluation["score_details"]
        model = record["model_info"]
        meta = record["source_metadata"]
        sd, sd_path = _get(source, "additional_details") or {}, [*base, "source_data"]
        sd_details = [*sd_path, "additional_details"]
        self.take(
            "benchmark",
            ((*sd_details, "benchmark"), sd.get("benchmark")),
            (
                (*base, "evaluation_name"),
                _match(self.registry, evaluation.get("evaluation_name"), source.get("dataset_name"))
                or evaluation.get("evaluation_name"),
            ),
        )
        for name in ("version", "configuration", "language"):
            self.take(name, ((*sd_details, name), sd.get(name)))
        benchmark = self.registry.get(str(self.fields.get("benchmark", "")))
        mc_path = [*base, "metric_config"]
        mc = config.get("additional_details") or {}
        metric_id = config.get("metric_id")
        prefix = f"{self.fields.get('benchmark', '')}."
        if isinstance(metric_id, str) and metric_id.startswith(prefix):
            metric_id = metric_id[len(prefix) :]
        by_name = None
        if benchmark is not None and isinstance(config.get("metric_name"), str):
            by_name = next(
                (
                    m.id
                    for m in benchmark.metrics
                    if config["metric_name"].casefold() in (m.id.casefold(), m.name.en.casefold())
                ),
                None,
            )
        self.take(
            "metric",
            ((*mc_path, "additional_details", "metric"), mc.get("metric")),
            ((*mc_path, "metric_id"), metric_id),
            ((*mc_path, "metric_name"), by_name),
        )
        metric = benchmark.metric(str(self.fields.get("metric", ""))) if benchmark else None
        self._value(score, config, metric)
        self._uncertainty(score)
        self._grading(config, mc)
        mi_path = ["model_info"]
        mi = model.get("additional_details") or {}
        self.take("model", ((*mi_path, "id"), model.get("id")))
        for name in ("model_version", "subject", "safeguards"):
            self.take(name, ((*mi_path, "additional_details", name), mi.get(name)))
        gc = evaluation.get("generation_config") or {}
        gc_path = [*base, "generation_config"]
        gd = gc.get("additional_details") or {}
        self.take(
            "generation",
            ((*gc_path, "additional_details", "generation"), gd.get("generation")),
            ((*gc_path, "generation_args"), _generation_text(gc.get("generation_args"))),
        )
        self.take(
            "attempts",
            (
                (*gc_path, "generation_args", "max_attempts"),
                _get(gc, "generation_args", "max_attempts"),
            ),
        )
        for name in ("tools", "attack"):
            self.take(name, ((*gc_path, "additional_details", name), gd.get(name)))
        sm = meta.get("additional_details") or {}
        sm_path = ["source_metadata", "additional_details"]
        self.take(
            "run_by",
            ((*sm_path, "run_by"), sm.get("run_by")),
            (("source_metadata", "source_organization_name"), meta.get("source_organization_name")),
        )
        evaluator = meta.get("evaluator_relationship")
        self.take(
            "relationship",
            ((*sm_path, "relationship"), sm.get("relationship")),
            (
                ("source_metadata", "evaluator_relationship"),
                RELATIONSHIP_OF_EVALUATOR.get(evaluator, evaluator),
            ),
        )
        self.take("results_url", ((*sm_path, "results_url"), sm.get("results_url")))
        self.take(
            "run_on",
            ((*base, "evaluation_timestamp"), _run_on(evaluation.get("evaluation_timestamp"))),
            (("evaluation_timestamp",), _run_on(record.get("evaluation_timestamp"))),
        )
        library = record["eval_library"]
        for name, key in (("harness", "name"), ("harness_version", "version")):
            value = library.get(key)
            self.take(name, (("eval_library", key), None if value == UNKNOWN else value))
        return self.fields, self.paths

    def _value(self, score: Mapping, config: Mapping, metric: Metric | None) -> None:
        path = [*self.base, "score_details", "score"]
        value = _finite(score["score"])
        if metric is not None and metric.kind is ScaleKind.GRADES:
            names = config.get("level_names")
            position = value if isinstance(value, float) and value.is_integer() else None
            if config.get("score_type") != "levels" or not isinstance(names, list):
                self.problem(
                    [*self.base, "metric_config", "score_type"], "levels_expected", "value"
                )
                value = None
            elif position is None or not 0 <= position < len(names):
                self.problem(path, "not_a_level_index", "value")
                value = None
            else:
                value = names[int(position)]
        elif metric is not None and config.get("score_type") == "levels":
            self.problem([*self.base, "metric_config", "score_type"], "number_expected", "value")
            value = None
        self.fields["value"] = value
        self.paths["value"] = json_path(path)
        details = score.get("details") or {}
        self.fields["breakdown"] = [
            {"name": key[len(CATEGORY_PREFIX) :], "value": _finite_text(number)}
            for key, number in details.items()
            if key.startswith(CATEGORY_PREFIX)
        ]
        self.paths["breakdown"] = json_path([*self.base, "score_details", "details"])

    def _uncertainty(self, score: Mapping) -> None:
        path = [*self.base, "score_details"]
        details = score.get("details") or {}
        spread = score.get("uncertainty") or {}
        interval = spread.get("confidence_interval")
        error = spread.get("standard_error")
        half: Any = None
        if "uncertainty_95" in details:
            half, where = details["uncertainty_95"], [*path, "details", "uncertainty_95"]
        elif interval is not None:
            where = [*path, "uncertainty", "confidence_interval"]
            level = interval.get("confidence_level", CONFIDENCE)
            if not math.isclose(level, CONFIDENCE):
                self.problem([*where, "confidence_level"], "not_95_percent", "uncertainty")
            else:
                half = (_finite(interval["upper"]), _finite(interval["lower"]))
                half = (
                    (half[0] - half[1]) / 2
                    if all(isinstance(h, float) for h in half)
                    else "not a number"
                )
        elif error is not None:
            where = [*path, "uncertainty", "standard_error", "value"]
            se = _finite(error["value"])
            half = se * Z_95 if isinstance(se, float) else se
        else:
            where = [*path, "uncertainty", "confidence_interval"]
        if isinstance(half, float) and not math.isfinite(half):
            half = str(half)
        self.fields["uncertainty"] = half
        self.paths["uncertainty"] = json_path(where)
        self.take(
            "sample_size",
            ((*path, "uncertainty", "num_samples"), _finite(spread.get("num_samples"))),
            (
                (*self.base, "source_data", "samples_number"),
                _finite(_get(self.evaluation, "source_data", "samples_number")),
            ),
        )

    def _grading(self, config: Mapping, details: Mapping) -> None:
        mc_path = [*self.base, "metric_config"]
        scoring = config.get("llm_scoring")
        self.take(
            "grader",
            ((*mc_path, "additional_details", "grader"), details.get("grader")),
            ((*mc_path, "llm_scoring"), Grader.LLM_JUDGE.value if scoring else None),
        )
        if not scoring:
            self.paths["judge_model"] = json_path([*mc_path, "llm_scoring", "judges"])
            self.paths["judge_prompt"] = json_path([*mc_path, "llm_scoring", "input_prompt"])
            return
        judges = [_get(j, "model_info", "id") for j in scoring["judges"]]
        self.take(
            "judge_model",
            ((*mc_path, "llm_scoring", "judges"), " + ".join(str(j) for j in judges if j)),
        )
        self.take(
            "judge_prompt",
            (
                (*mc_path, "llm_scoring", "additional_details", "judge_prompt"),
                _get(scoring, "additional_details", "judge_prompt"),
            ),
            ((*mc_path, "llm_scoring", "input_prompt"), scoring.get("input_prompt")),
        )


def _finite_text(text: Any) -> Any:
    """A breakdown value (the schema keeps it as text) as a number when it is one."""
    try:
        number = float(text)
    except (TypeError, ValueError, OverflowError):
        return text
    return number if math.isfinite(number) else text


def from_records(
    document: Any,
    registry: Registry,
    today: date,
    room: int,
    limits: ResultLimits = DEFAULT_LIMITS,
) -> Imported:
    """The results of a JSON document holding EEE records (an array of them, or one record),
    each record checked against the schema, then read, then checked as a result against the
    registry. ``room``: how many more results the item takes. Every problem is located; the
    results are complete only when there is none."""
    outcome = Imported()
    records = [document] if isinstance(document, dict) else document
    if not isinstance(records, list):
        outcome.problems.append(RecordProblem(-1, "$", "not_records"))
        return outcome
    if not records:
        outcome.problems.append(RecordProblem(-1, "$", "no_records"))
        return outcome
    # Counted before anything is read: a file of a million records is refused at once.
    if len(records) > room:
        outcome.problems.append(
            RecordProblem(-1, "$", "too_many_records", details={"room": str(room)})
        )
        return outcome
    valid = []
    for index, record in enumerate(records):
        refused = schema_errors(record)
        outcome.problems += [
            RecordProblem(index, path, code, details=details) for path, code, details in refused
        ]
        if not refused:
            valid.append((index, record))
    # A record may hold several evaluation results: they are counted before any is read.
    if sum(len(record["evaluation_results"]) for _, record in valid) > room:
        outcome.problems.append(
            RecordProblem(-1, "$", "too_many_records", details={"room": str(room)})
        )
        return outcome
    for index, record in valid:
        for position in range(len(record["evaluation_results"])):
            result, problems = _read_result(record, index, position, registry, today, limits)
            outcome.problems += problems
            outcome.results.append(result)
    if outcome.problems:
        outcome.results = []  # all or nothing: no caller can save half a file
    return outcome


def _read_result(
    record: Mapping,
    index: int,
    position: int,
    registry: Registry,
    today: date,
    limits: ResultLimits,
) -> tuple[Result, list[RecordProblem]]:
    reader = _Reader(record, position, registry)
    fields, paths = reader.read()
    found = [
        RecordProblem(index, path, code, name, details)
        for path, code, name, details in reader.problems
    ]
    result, unreadable = result_from_form(fields)
    located = {p.field for p in found}
    # Where the registry is consulted, the message names the metric's range or grades.
    context = {"benchmark": result.benchmark, "metric": result.metric}
    for name, problem in result_problems(result, registry, today, limits, unreadable):
        if name in located and problem.value in ("required", "not_a_number"):
            continue  # the mapping already said why it is missing
        found.append(RecordProblem(index, paths.get(name, "$"), problem.value, name, context))
    return result, found
