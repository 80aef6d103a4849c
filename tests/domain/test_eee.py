"""Every Eval Ever records: a result to a record that the schema accepts, and back, with every
problem of a record located (record index, JSON path)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from tracker.domain import eee
from tracker.domain.benchmarks import (
    Benchmark,
    Configuration,
    Level,
    Metric,
    Registry,
    Release,
    ScaleKind,
)
from tracker.domain.languages import Text
from tracker.domain.results import Category, Result, result_problems

DATA = Path(__file__).resolve().parent.parent / "data" / "every_eval_ever"
TODAY = date(2026, 6, 1)

HARMBENCH = Benchmark(
    id="harmbench",
    name=Text("HarmBench", "HarmBench"),
    homepage="https://www.harmbench.org/",
    description=Text("Red teaming.", "红队测试。"),
    versions=(Release("1.0"),),
    configurations=(
        Configuration("standard", Text("Standard", "标准")),
        Configuration("contextual", Text("Contextual", "上下文")),
    ),
    languages=("en",),
    metrics=(
        Metric(
            "asr",
            Text("Attack success rate", "攻击成功率"),
            Text("Share of attacks that succeed.", "攻击成功的比例。"),
            ScaleKind.NUMBER,
            lower_is_better=True,
            unit="%",
            minimum=0,
            maximum=100,
        ),
    ),
    sources=("https://arxiv.org/abs/2402.04249",),
)
AILUMINATE = Benchmark(
    id="ailuminate",
    name=Text("AILuminate", "AILuminate"),
    homepage="",
    description=Text("Hazards.", "危害。"),
    versions=(Release("1.0"),),
    configurations=(),
    languages=("en", "zh"),
    metrics=(
        Metric(
            "grade",
            Text("Grade", "等级"),
            Text("Overall grade.", "总体等级。"),
            ScaleKind.GRADES,
            lower_is_better=False,
            levels=(
                Level("poor", Text("Poor", "差")),
                Level("fair", Text("Fair", "一般")),
                Level("good", Text("Good", "良好")),
            ),
        ),
        Metric(
            "score",
            Text("Score", "分数"),
            Text("Unbounded.", "无界。"),
            ScaleKind.NUMBER,
            lower_is_better=False,
        ),
    ),
    sources=(),
)
REGISTRY = Registry((HARMBENCH, AILUMINATE))

JUDGED = Result(
    benchmark="harmbench",
    version="1.0",
    configuration="standard",
    language="en",
    metric="asr",
    value=12.5,
    uncertainty=1.1,
    sample_size=400,
    breakdown=[Category("cybercrime", 20.0), Category("化学", 3.25)],
    model="acme/orbit-7b",
    model_version="2026-03-01",
    subject="system",
    safeguards="input and output classifiers",
    generation="temperature 0, max 512 tokens",
    attempts=3,
    tools="none",
    attack="GCG, PAIR",
    grader="llm_judge",
    judge_model="harmbench-cls-13b",
    judge_prompt="v2",
    run_by="Acme Safety Team",
    relationship="first_party",
    run_on="2026-04-02",
    harness="inspect_evals",
    harness_version="0.8.1",
    results_url="https://example.org/logs",
    confidential_note="SECRET-NOTE",
)
GRADED = Result(
    benchmark="ailuminate",
    version="1.0",
    language="zh",
    metric="grade",
    value="good",
    model="acme/orbit",
    model_version="v3",
    subject="model",
    grader="rules",
    run_by="MLCommons",
    relationship="commissioned",
    run_on="2026-01-15",
)
PUBLISHED = Published = eee.Published(
    company="acme",
    company_name_en="Acme <b>AI</b>",
    company_name_zh="阿克米",
    cycle="2026",
    version=2,
    published_at=datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
    item="c2.benchmarks-reported",
    position=1,
    company_website="https://acme.example",
)


def validate(record: dict) -> None:
    jsonschema.Draft7Validator(json.loads((DATA / "eval.schema.json").read_text())).validate(record)


def test_the_shipped_schema_is_the_one_kept_with_the_tests():
    assert eee.schema() == json.loads((DATA / "eval.schema.json").read_text())
    assert eee.schema()["version"] == eee.SCHEMA_VERSION == "0.3.0"
    assert (DATA / "LICENSE").read_text().startswith("MIT License")
    assert (eee.SCHEMA_PATH.parent / "LICENSE").read_text() == (DATA / "LICENSE").read_text()


@pytest.mark.parametrize(
    "result",
    [
        JUDGED,
        GRADED,
        replace(GRADED, metric="score", value=-3e9, benchmark="ailuminate"),
        replace(JUDGED, uncertainty=None, sample_size=None, breakdown=[], attempts=None),
        replace(JUDGED, harness="", harness_version="", grader="human", judge_model=""),
        # withdrawn from the registry after publication: still a valid record
        replace(JUDGED, benchmark="gone", metric="gone"),
        replace(GRADED, benchmark="gone", metric="gone"),
        replace(GRADED, value="excellent"),  # a level the registry no longer has
    ],
)
def test_a_record_validates_against_the_schema(result):
    record = eee.to_record(result, PUBLISHED, REGISTRY.get(result.benchmark))
    validate(record)
    assert "SECRET-NOTE" not in json.dumps(record)


def test_the_record_holds_each_part_where_the_schema_says():
    record = eee.to_record(JUDGED, PUBLISHED, HARMBENCH)
    (evaluation,) = record["evaluation_results"]
    assert record["retrieved_timestamp"] == str(int(PUBLISHED.published_at.timestamp()))
    assert record["eval_library"] == {"name": "inspect_evals", "version": "0.8.1"}
    assert record["model_info"]["id"] == "acme/orbit-7b"
    assert record["model_info"]["additional_details"]["subject"] == "system"
    meta = record["source_metadata"]
    assert meta["evaluator_relationship"] == "first_party"
    assert meta["source_type"] == "documentation"
    assert meta["additional_details"]["company"] == "acme"
    assert meta["additional_details"]["cycle"] == "2026"
    assert meta["additional_details"]["run_by"] == "Acme Safety Team"
    assert evaluation["source_data"]["url"] == ["https://www.harmbench.org/"]
    config = evaluation["metric_config"]
    assert config["lower_is_better"] is True
    assert (config["min_score"], config["max_score"]) == (0, 100)
    assert config["metric_unit"] == "percent"
    assert config["llm_scoring"]["judges"][0]["model_info"]["id"] == "harmbench-cls-13b"
    score = evaluation["score_details"]
    assert score["score"] == 12.5
    interval = score["uncertainty"]["confidence_interval"]
    assert (interval["lower"], interval["upper"], interval["confidence_level"]) == (
        pytest.approx(11.4),
        pytest.approx(13.6),
        0.95,
    )
    assert score["uncertainty"]["num_samples"] == 400
    assert score["details"]["category:化学"] == "3.25"
    assert evaluation["generation_config"]["generation_args"] == {"max_attempts": 3}
    graded = eee.to_record(GRADED, PUBLISHED, AILUMINATE)["evaluation_results"][0]
    assert graded["metric_config"]["level_names"] == ["poor", "fair", "good"]
    assert graded["score_details"]["score"] == 2
    assert graded["source_data"]["source_type"] == "other"
    commissioned = eee.to_record(GRADED, PUBLISHED, AILUMINATE)["source_metadata"]
    assert commissioned["evaluator_relationship"] == "other"
    assert commissioned["additional_details"]["relationship"] == "commissioned"


@pytest.mark.parametrize("result", [JUDGED, GRADED, replace(JUDGED, uncertainty=0.0)])
def test_round_trip_gives_the_same_result_without_the_confidential_note(result):
    records = [eee.to_record(result, PUBLISHED, REGISTRY.get(result.benchmark))]
    imported = eee.from_records(json.loads(json.dumps(records)), REGISTRY, TODAY, room=50)
    assert imported.problems == []
    assert imported.results == [replace(result, confidential_note="")]


def test_a_record_made_elsewhere_is_read_from_the_schema_fields():
    record = eee.to_record(JUDGED, PUBLISHED, HARMBENCH)
    evaluation = record["evaluation_results"][0]
    # keep only what the schema itself says, plus the version and configuration
    evaluation["source_data"]["additional_details"] = {
        "version": "1.0",
        "configuration": "standard",
    }
    evaluation["source_data"]["additional_details"]["language"] = "en"
    evaluation["evaluation_name"] = "HARMBENCH"
    evaluation["metric_config"].pop("additional_details")
    evaluation["metric_config"]["llm_scoring"].pop("additional_details")
    evaluation["score_details"]["details"] = {}
    evaluation["generation_config"] = {"generation_args": {"temperature": 0.7, "max_tokens": 256}}
    record["source_metadata"]["additional_details"] = {}
    record["source_metadata"]["source_organization_name"] = "Independent Lab"
    record["source_metadata"]["evaluator_relationship"] = "third_party"
    record["model_info"]["additional_details"] = {
        "deployment_type": "unknown",
        "model_availability": "open_weights",
        "model_version": "1",
        "subject": "model",
    }
    imported = eee.from_records([record], REGISTRY, TODAY, room=50)
    assert imported.problems == []
    (result,) = imported.results
    assert result.benchmark == "harmbench"
    assert result.metric == "asr"
    assert result.grader == "llm_judge"
    assert result.judge_prompt == "v2"
    assert result.run_by == "Independent Lab"
    assert result.relationship == "third_party"
    assert result.generation == "temperature=0.7, max_tokens=256"
    assert result.uncertainty == pytest.approx(1.1)
    assert result.breakdown == []


def problems(document, room=50):
    return [
        (p.record, p.path, p.code)
        for p in eee.from_records(document, REGISTRY, TODAY, room).problems
    ]


def good():
    return eee.to_record(JUDGED, PUBLISHED, HARMBENCH)


def test_the_document_must_hold_records():
    assert problems("text") == [(-1, "$", "not_records")]
    assert problems([]) == [(-1, "$", "no_records")]
    assert problems([good()] * 3, room=2) == [(-1, "$", "too_many_records")]
    # one record may hold several results: they count too
    several = good()
    several["evaluation_results"] *= 3
    assert problems([several], room=2) == [(-1, "$", "too_many_records")]
    assert problems(good()) == []  # one record alone


def test_schema_problems_are_located_and_nothing_is_returned():
    broken = good()
    del broken["model_info"]["id"]
    broken["evaluation_results"][0]["score_details"]["score"] = "12.5"
    broken["evaluation_results"][0]["<script>x</script>"] = 1
    outcome = eee.from_records([good(), broken], REGISTRY, TODAY, room=50)
    assert outcome.results == []
    found = {(p.record, p.path, p.code) for p in outcome.problems}
    assert (1, "$.model_info.id", "schema_required") in found
    assert (1, "$.evaluation_results[0].score_details.score", "schema_type") in found
    assert all(p.record == 1 for p in outcome.problems)


def test_mapping_and_registry_problems_point_at_the_record_and_path():
    unknown = good()
    unknown["evaluation_results"][0]["source_data"]["additional_details"]["benchmark"] = "nope"
    huge = good()
    huge["evaluation_results"][0]["score_details"]["score"] = 1e300
    wrong_level = eee.to_record(GRADED, PUBLISHED, AILUMINATE)
    wrong_level["evaluation_results"][0]["score_details"]["score"] = 7
    future = good()
    future["evaluation_results"][0]["evaluation_timestamp"] = "2099-01-01"
    found = problems([unknown, huge, wrong_level, future])
    assert (
        0,
        "$.evaluation_results[0].source_data.additional_details.benchmark",
        "unknown_benchmark",
    ) in found
    assert (1, "$.evaluation_results[0].score_details.score", "out_of_range") in found
    assert (2, "$.evaluation_results[0].score_details.score", "not_a_level_index") in found
    assert (3, "$.evaluation_results[0].evaluation_timestamp", "in_the_future") in found


def test_missing_fields_say_where_they_belong():
    bare = good()
    bare["evaluation_results"][0]["source_data"]["additional_details"] = {}
    bare["model_info"]["additional_details"] = {
        "deployment_type": "unknown",
        "model_availability": "unknown",
    }
    found = problems([bare])
    assert (
        0,
        "$.evaluation_results[0].source_data.additional_details.version",
        "required",
    ) in found
    assert (0, "$.model_info.additional_details.subject", "required") in found


def test_hostile_numbers_and_text():
    record = good()
    evaluation = record["evaluation_results"][0]
    evaluation["score_details"]["score"] = 10**400  # no float holds it
    evaluation["score_details"]["uncertainty"]["num_samples"] = 10**30
    evaluation["score_details"]["details"]["category:x"] = "NaN"
    record["model_info"]["id"] = "m" * 10_000
    found = {(p.path, p.code) for p in eee.from_records([record], REGISTRY, TODAY, 50).problems}
    assert ("$.evaluation_results[0].score_details.score", "out_of_range") in found
    assert ("$.evaluation_results[0].score_details.uncertainty.num_samples", "not_a_count") in found
    assert ("$.evaluation_results[0].score_details.details", "not_a_number") in found
    assert ("$.model_info.id", "too_long") in found


def test_an_interval_at_another_level_is_refused_rather_than_guessed():
    record = good()
    evaluation = record["evaluation_results"][0]
    del evaluation["score_details"]["details"]["uncertainty_95"]
    evaluation["score_details"]["uncertainty"]["confidence_interval"]["confidence_level"] = 0.9
    assert (
        0,
        "$.evaluation_results[0].score_details.uncertainty.confidence_interval.confidence_level",
        "not_95_percent",
    ) in problems([record])


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"not json", "syntax"),
        (b"\xff\xfe", "encoding"),
        (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
        (b"[NaN]", "constant"),
        (b"[Infinity]", "constant"),
        (b"[" + b"9" * 5000 + b"]", "too_large"),
    ],
)
def test_what_is_no_json(raw, why):
    assert eee.parse_json(raw) == (None, why)


def test_parse_json_reads_a_document_with_a_byte_order_mark():
    assert eee.parse_json("\ufeff[1]".encode()) == ([1], None)


def test_a_record_with_many_schema_errors_reports_only_the_first():
    record = copy.deepcopy(good())
    record["evaluation_results"] = [{"x": i} for i in range(1000)]
    outcome = eee.from_records([record], REGISTRY, TODAY, room=5000)
    assert 0 < len(outcome.problems) <= eee.SCHEMA_PROBLEMS_PER_RECORD


def test_json_paths():
    assert eee.json_path(["a", 0, "b c", "ok"]) == '$.a[0]["b c"].ok'


def _shipped_results():
    """A plausible result for every benchmark × configuration × metric × language of the shipped
    registry (the values the demo would file: the middle of a range, every grade level)."""
    from tracker.domain.benchmarks import load_registry_file

    registry = load_registry_file(
        Path(__file__).resolve().parents[2] / "commitments" / "benchmarks" / "registry.yaml"
    )
    for benchmark in registry.benchmarks:
        for configuration in benchmark.configurations or (None,):
            for metric in benchmark.metrics:
                values: list[float | str]
                if metric.kind is ScaleKind.GRADES:
                    values = [level.id for level in metric.levels]
                else:
                    low = metric.minimum if metric.minimum is not None else -50.0
                    high = metric.maximum if metric.maximum is not None else 50.0
                    values = [float(low), (low + high) / 3, float(high)]
                for language in benchmark.languages:
                    for value in values:
                        yield (
                            registry,
                            replace(
                                JUDGED,
                                benchmark=benchmark.id,
                                version=benchmark.versions[-1].id,
                                configuration=configuration.id if configuration else "",
                                language=language,
                                metric=metric.id,
                                value=value,
                                uncertainty=None if isinstance(value, str) else 0.5,
                                breakdown=[],
                                run_on="2025-01-01",
                            ),
                        )


def test_every_result_the_shipped_registry_takes_exports_valid_and_reads_back():
    seen = 0
    for registry, result in _shipped_results():
        assert result_problems(result, registry, TODAY) == [], result
        record = eee.to_record(result, PUBLISHED, registry.get(result.benchmark))
        validate(record)
        back = eee.from_records([json.loads(json.dumps(record))], registry, TODAY, room=50)
        assert back.problems == [] and back.results == [replace(result, confidential_note="")]
        seen += 1
    assert seen > 20


def test_every_demo_result_exports_valid_and_reads_back():
    """The demo's results (every case the pages tell apart) as EEE records: each valid, and
    read back as the same result less its confidential note."""
    from tracker.demo.benchmark_results import demo_results
    from tracker.domain.benchmarks import load_registry_file
    from tracker.domain.results import result_from_dict

    registry = load_registry_file(
        Path(__file__).resolve().parents[2] / "commitments" / "benchmarks" / "registry.yaml"
    )
    results = [result_from_dict(stored) for _, stored in demo_results()]
    assert len(results) >= 10
    for result in results:
        record = eee.to_record(result, PUBLISHED, registry.get(result.benchmark))
        validate(record)
        back = eee.from_records([json.loads(json.dumps(record))], registry, TODAY, room=50)
        assert back.problems == [], back.problems
        assert back.results == [replace(result, confidential_note="")]
