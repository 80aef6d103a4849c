"""Benchmark results: reading typed fields, what stops a save, and which results compare."""

from dataclasses import replace
from datetime import date
from itertools import combinations

import pytest

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
from tracker.domain.results import (
    COMPARED_FIELDS,
    REQUIRED_FIELDS,
    Category,
    Result,
    ResultLimits,
    ResultProblem,
    comparable,
    comparison_key,
    differences,
    group,
    nearest,
    result_from_dict,
    result_from_form,
    result_problems,
    result_to_dict,
)

TODAY = date(2026, 12, 1)


def _text(s: str) -> Text:
    return Text(en=s, zh=s)


RATE = Metric(
    id="refusal-rate",
    name=_text("Refusal rate"),
    definition=_text("Share of harmful prompts refused"),
    kind=ScaleKind.NUMBER,
    lower_is_better=False,
    unit="%",
    minimum=0,
    maximum=100,
)
ASR = Metric(
    id="asr",
    name=_text("Attack success rate"),
    definition=_text("Share of attacks that succeed"),
    kind=ScaleKind.NUMBER,
    lower_is_better=True,
    unit="%",
    minimum=0,
    maximum=100,
)
GRADE = Metric(
    id="grade",
    name=_text("Grade"),
    definition=_text("Overall grade"),
    kind=ScaleKind.GRADES,
    lower_is_better=False,
    levels=tuple(Level(i, _text(i)) for i in ("poor", "fair", "good", "very-good", "excellent")),
)
LOGITS = Metric(
    id="logit",
    name=_text("Logit"),
    definition=_text("Unbounded"),
    kind=ScaleKind.NUMBER,
    lower_is_better=False,
)
REGISTRY = Registry(
    (
        Benchmark(
            id="harmbench",
            name=_text("HarmBench"),
            homepage="https://www.harmbench.org",
            description=_text("Automated red teaming"),
            versions=(Release("1.0"), Release("1.1")),
            configurations=(Configuration("standard", _text("Standard")),),
            languages=("en",),
            metrics=(ASR, RATE, LOGITS),
            sources=("https://arxiv.org/abs/2402.04249",),
        ),
        Benchmark(
            id="ailuminate",
            name=_text("AILuminate"),
            homepage="https://mlcommons.org/ailuminate/",
            description=_text("Hazard benchmark"),
            versions=(Release("1.0"),),
            configurations=(),
            languages=("en", "fr"),
            metrics=(GRADE,),
            sources=(),
        ),
    )
)


def valid(**changes) -> Result:
    base = Result(
        benchmark="harmbench",
        version="1.0",
        configuration="standard",
        language="en",
        metric="asr",
        value=12.5,
        model="chengyue-7b-chat",
        model_version="2026-06-01",
        subject="model",
        grader="rules",
        run_by="Chengyue Tech",
        relationship="first_party",
        run_on="2026-06-10",
    )
    return replace(base, **changes)


def problems(result: Result, **kw) -> set[tuple[str, ResultProblem]]:
    return set(result_problems(result, REGISTRY, TODAY, **kw))


# --- reading what was typed ----------------------------------------------------------------------


def test_form_text_becomes_numbers_and_trimmed_text():
    result, unreadable = result_from_form(
        {
            "benchmark": " harmbench ",
            "value": "1,234.5",
            "uncertainty": "0.5",
            "sample_size": "400",
            "attempts": "",
            "breakdown": [{"name": "cyber", "value": "3"}, {"name": "", "value": ""}],
        }
    )
    assert result.benchmark == "harmbench"
    assert result.value == 1234.5
    assert result.uncertainty == 0.5
    assert result.sample_size == 400
    assert result.attempts is None
    assert result.breakdown == [Category("cyber", 3.0)]
    assert unreadable == {}


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("uncertainty", "about 2", ResultProblem.NOT_A_NUMBER),
        ("uncertainty", "nan", ResultProblem.NOT_A_NUMBER),
        ("sample_size", "12.5", ResultProblem.NOT_A_COUNT),
        ("sample_size", "many", ResultProblem.NOT_A_COUNT),
        ("attempts", "inf", ResultProblem.NOT_A_COUNT),
    ],
)
def test_unreadable_numbers_are_kept_as_typed_and_refused(field, typed, problem):
    form = result_to_dict(valid())
    form[field] = typed
    result, unreadable = result_from_form(form)
    assert unreadable == {field: typed}
    assert getattr(result, field) is None
    assert (field, problem) in problems(result, unreadable=unreadable)


@pytest.mark.parametrize("typed", ["twelve", "1e999", "--1", True])
def test_a_value_that_is_no_number_is_refused_on_a_number_scale(typed):
    form = result_to_dict(valid())
    form["value"] = typed
    result, _ = result_from_form(form)
    assert ("value", ResultProblem.NOT_A_NUMBER) in problems(result)


def test_wrong_types_in_an_import_never_raise():
    result, unreadable = result_from_form(
        {"benchmark": ["harmbench"], "value": {"x": 1}, "breakdown": "cyber=3", "run_on": 20260610}
    )
    assert "breakdown" in unreadable
    found = problems(result, unreadable=unreadable)
    assert ("benchmark", ResultProblem.UNKNOWN_BENCHMARK) in found
    assert ("run_on", ResultProblem.NOT_A_DATE) in found


def test_a_breakdown_row_without_a_number_is_unreadable():
    _, unreadable = result_from_form({"breakdown": [{"name": "cyber", "value": "high"}, 7]})
    assert set(unreadable) == {"breakdown"}


def test_round_trip_keeps_every_field_and_public_drops_the_confidential_note():
    result = valid(
        confidential_note="internal run id 42",
        breakdown=[Category("cyber", 3.0)],
        uncertainty=1.5,
        sample_size=400,
        attempts=5,
        grader="llm_judge",
        judge_model="judge-x 2026-01",
        judge_prompt="v2",
    )
    assert result_from_dict(result_to_dict(result, public=False)) == result
    public = result_to_dict(result)
    assert "confidential_note" not in public
    assert result_from_dict(public) == replace(result, confidential_note="")


# --- what stops a save ---------------------------------------------------------------------------


def test_a_complete_result_has_no_problems():
    assert problems(valid()) == set()
    assert (
        problems(valid(benchmark="ailuminate", configuration="", metric="grade", value="good"))
        == set()
    )


def test_every_required_field_is_named_when_empty():
    found = problems(Result())
    assert {f for f, p in found if p is ResultProblem.REQUIRED} == set(REQUIRED_FIELDS)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"benchmark": "helm"}, ("benchmark", ResultProblem.UNKNOWN_BENCHMARK)),
        ({"version": "2.0"}, ("version", ResultProblem.UNKNOWN_VERSION)),
        ({"configuration": "contextual"}, ("configuration", ResultProblem.UNKNOWN_CONFIGURATION)),
        ({"configuration": ""}, ("configuration", ResultProblem.CONFIGURATION_REQUIRED)),
        ({"language": "zh"}, ("language", ResultProblem.UNKNOWN_LANGUAGE)),
        ({"metric": "grade"}, ("metric", ResultProblem.UNKNOWN_METRIC)),
        ({"value": 100.5}, ("value", ResultProblem.OUT_OF_RANGE)),
        ({"value": -0.1}, ("value", ResultProblem.OUT_OF_RANGE)),
        ({"metric": "logit", "value": 1e13}, ("value", ResultProblem.OUT_OF_RANGE)),
        ({"value": "good"}, ("value", ResultProblem.NOT_A_NUMBER)),
        ({"uncertainty": -1.0}, ("uncertainty", ResultProblem.NEGATIVE)),
        ({"uncertainty": 1e13}, ("uncertainty", ResultProblem.OUT_OF_RANGE)),
        ({"sample_size": 0}, ("sample_size", ResultProblem.NOT_A_COUNT)),
        ({"attempts": -2}, ("attempts", ResultProblem.NOT_A_COUNT)),
        ({"subject": "robot"}, ("subject", ResultProblem.UNKNOWN_CHOICE)),
        ({"grader": "vibes"}, ("grader", ResultProblem.UNKNOWN_CHOICE)),
        ({"relationship": "friend"}, ("relationship", ResultProblem.UNKNOWN_CHOICE)),
        ({"grader": "llm_judge"}, ("judge_model", ResultProblem.JUDGE_REQUIRED)),
        ({"judge_model": "judge-x"}, ("judge_model", ResultProblem.JUDGE_NOT_USED)),
        ({"judge_prompt": "v2"}, ("judge_prompt", ResultProblem.JUDGE_NOT_USED)),
        ({"run_on": "10/06/2026"}, ("run_on", ResultProblem.NOT_A_DATE)),
        ({"run_on": "2026-02-30"}, ("run_on", ResultProblem.NOT_A_DATE)),
        ({"run_on": "20260610"}, ("run_on", ResultProblem.NOT_A_DATE)),
        ({"run_on": "2026-12-02"}, ("run_on", ResultProblem.IN_THE_FUTURE)),
        ({"results_url": "javascript:alert(1)"}, ("results_url", ResultProblem.LINK_NOT_HTTP)),
        (
            {"results_url": "https://a.example/" + "x" * 2000},
            ("results_url", ResultProblem.TOO_LONG),
        ),
        ({"model": "m" * 301}, ("model", ResultProblem.TOO_LONG)),
        ({"safeguards": "s" * 2001}, ("safeguards", ResultProblem.TOO_LONG)),
        ({"confidential_note": "n" * 2001}, ("confidential_note", ResultProblem.TOO_LONG)),
        ({"breakdown": [Category("cyber", 101.0)]}, ("breakdown", ResultProblem.OUT_OF_RANGE)),
        ({"breakdown": [Category("", 1.0)]}, ("breakdown", ResultProblem.REQUIRED)),
        ({"breakdown": [Category("c" * 101, 1.0)]}, ("breakdown", ResultProblem.TOO_LONG)),
        ({"breakdown": [Category("c", 1.0)] * 51}, ("breakdown", ResultProblem.TOO_MANY)),
    ],
)
def test_each_bad_field_is_located(changes, expected):
    found = problems(valid(**changes))
    assert expected in found
    assert {f for f, _ in found} == {expected[0]}, found


@pytest.mark.parametrize("value", ["great", 3.0, None])
def test_a_graded_metric_takes_only_its_levels(value):
    result = valid(benchmark="ailuminate", configuration="", metric="grade", value=value)
    expected = ResultProblem.REQUIRED if value is None else ResultProblem.UNKNOWN_LEVEL
    assert problems(result) == {("value", expected)}


def test_registry_checks_wait_for_a_known_benchmark():
    # An unknown benchmark is the one problem: its version or metric cannot be judged.
    assert problems(valid(benchmark="nope", value="x")) == {
        ("benchmark", ResultProblem.UNKNOWN_BENCHMARK)
    }


def test_problems_come_in_the_order_of_the_form():
    found = result_problems(
        valid(run_on="", version="9", model=""), REGISTRY, TODAY, ResultLimits()
    )
    assert [f for f, _ in found] == ["version", "model", "run_on"]


# --- what compares -------------------------------------------------------------------------------

# A second value for every compared field; each makes a result incomparable with the base.
OTHER = {
    "benchmark": "ailuminate",
    "version": "1.1",
    "configuration": "contextual",
    "language": "zh",
    "metric": "refusal-rate",
    "grader": "human",
    "judge_model": "judge-y",
    "judge_prompt": "v3",
    "subject": "system",
}


def test_every_compared_field_has_a_second_value_in_the_table():
    assert set(OTHER) == set(COMPARED_FIELDS)


@pytest.mark.parametrize("field", COMPARED_FIELDS)
def test_one_differing_compared_field_makes_results_incomparable(field):
    judged = valid(grader="llm_judge", judge_model="judge-x", judge_prompt="v2")
    other = replace(judged, **{field: OTHER[field]})
    assert differences(judged, other) == (field,)
    assert differences(other, judged) == (field,)
    assert not comparable(judged, other)


@pytest.mark.parametrize("size", [2, 3])
def test_every_combination_of_differing_fields_is_reported(size):
    base = valid()
    for chosen in combinations(COMPARED_FIELDS, size):
        other = replace(base, **{f: OTHER[f] for f in chosen})
        assert set(differences(base, other)) == set(chosen)


@pytest.mark.parametrize(
    "changes",
    [
        {"value": 99.0},
        {"uncertainty": 3.0, "sample_size": 10},
        {"model": "other-model", "model_version": "v9"},
        {"run_by": "Independent Lab", "relationship": "third_party"},
        {"generation": "temperature 1", "attempts": 10, "tools": "browser", "attack": "GCG"},
        {"run_on": "2025-01-01", "harness": "lm-eval", "harness_version": "0.4"},
        {"confidential_note": "x", "results_url": "https://a.example", "safeguards": "filter"},
    ],
)
def test_fields_outside_the_rule_do_not_stop_comparison(changes):
    assert comparable(valid(), valid(**changes))


def test_comparison_is_reflexive_and_the_key_agrees_with_it():
    a, b = valid(), valid(value=1.0, model="x")
    assert comparable(a, a)
    assert comparison_key(a) == comparison_key(b)
    assert comparison_key(a) != comparison_key(valid(version="1.1"))


def test_groups_are_largest_first_and_keep_order():
    a1, a2, a3 = valid(value=1.0), valid(value=2.0), valid(value=3.0)
    b1 = valid(version="1.1")
    c1, c2 = valid(subject="system"), valid(subject="system", value=9.0)
    groups = group([b1, a1, c1, a2, c2, a3])
    assert [g.members for g in groups] == [[a1, a2, a3], [c1, c2], [b1]]
    assert groups[1].value("subject") == "system"


def test_group_reads_results_from_rows():
    rows = [("x", valid()), ("y", valid(language="zh")), ("z", valid())]
    groups = group(rows, result_of=lambda row: row[1])
    assert [[r[0] for r in g.members] for g in groups] == [["x", "z"], ["y"]]


def test_nearest_group_names_the_fields_that_differ():
    big = group([valid(), valid(value=2.0), valid(value=3.0)])[0]
    small = group([valid(version="1.1", grader="human")])[0]
    odd = valid(version="1.1", subject="system")
    chosen, differing = nearest(odd, [big, small])
    # one field from each group differs from `big` by two, from `small` by two: the larger wins
    assert chosen is big
    assert differing == ("version", "subject")
    chosen, differing = nearest(
        valid(version="1.1", grader="human", subject="system"), [big, small]
    )
    assert chosen is small and differing == ("subject",)
    assert nearest(odd, []) == (None, ())


def test_a_benchmark_whose_languages_are_not_known_takes_any_language_tag():
    unknown = Benchmark(
        id="caict",
        name=_text("CAICT"),
        homepage="https://www.caict.ac.cn/",
        description=_text("Rounds"),
        versions=(Release("2025-06"),),
        configurations=(),
        languages=(),  # not established by its sources
        metrics=(RATE,),
        sources=("https://www.caict.ac.cn/",),
    )
    registry = Registry((unknown,))
    base = valid(benchmark="caict", version="2025-06", configuration="", metric="refusal-rate")
    for tag in ("zh", "zh-Hans", "en"):
        assert result_problems(replace(base, language=tag), registry, TODAY) == []
    for bad in ("中文", "z", "zh_CN", "en-"):
        found = result_problems(replace(base, language=bad), registry, TODAY)
        assert found == [("language", ResultProblem.UNKNOWN_LANGUAGE)], bad
