"""The benchmark registry: the shipped file, every kind of broken file with its located message,
and results validated against the shipped file."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from tracker.domain.benchmarks import (
    RegistryError,
    ScaleKind,
    load_registry_file,
    parse_registry,
    registry_from_data,
)
from tracker.domain.benchmarks_schema import SCALES
from tracker.domain.checklist import load_checklist_directory
from tracker.domain.results import ResultProblem, result_from_form, result_problems

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "commitments" / "benchmarks" / "registry.yaml"
BROKEN = Path(__file__).parent / "broken_registries"
BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped():
    return load_registry_file(REGISTRY)


# --- the shipped file --------------------------------------------------------------------------


def test_the_shipped_registry_loads_with_the_benchmarks_of_the_issue(shipped):
    assert set(shipped.ids) == {
        "ailuminate",
        "helm-safety",
        "air-bench-2024",
        "facts",
        "simpleqa",
        "harmbench",
        "xstest",
        "simplesafetytests",
        "bbq",
        "truthfulqa",
        "halueval",
        "wmdp",
        "strongreject",
        "jailbreakbench",
        "caict-ai-safety-benchmark",
        "safetybench",
        "cvalues",
        "flames",
        "sc-safety",
    }
    assert len(shipped.ids) == len(set(shipped.ids))


def test_every_benchmark_a_checklist_offers_is_in_the_registry(shipped):
    """The checklist's ``benchmarks`` options and the registry share their ids: a company that
    names a benchmark can file its results against the same id."""
    offered = {
        (loaded.path.name, item.id, option.id)
        for loaded in load_checklist_directory(REPO / "commitments")
        for item in loaded.checklist.items
        for field in item.fields
        if field.id == "benchmarks"
        for option in field.options
    }
    assert len(offered) >= 36  # both checklist versions offer their 18
    missing = sorted(entry for entry in offered if shipped.get(entry[2]) is None)
    assert not missing, f"checklist options without a registry entry: {missing}"


def test_every_benchmark_is_described_in_both_languages_with_its_sources(shipped):
    for benchmark in shipped.benchmarks:
        for text in (benchmark.name, benchmark.description):
            assert text.en.strip() and text.zh.strip(), benchmark.id
        assert benchmark.homepage.startswith("https://"), benchmark.id
        assert benchmark.sources and all(s.startswith("http") for s in benchmark.sources)
        assert benchmark.versions and benchmark.metrics, benchmark.id  # languages: see below
        for metric in benchmark.metrics:
            assert metric.definition.en.strip() and metric.definition.zh.strip(), metric.id
            if metric.kind is ScaleKind.NUMBER:
                assert not metric.levels
            else:
                assert len(metric.levels) >= 2 and not metric.lower_is_better


def test_ailuminate_has_its_prompt_sets_and_five_grades_worst_first(shipped):
    ailuminate = shipped.get("ailuminate")
    assert ailuminate is not None
    assert [c.id for c in ailuminate.configurations] == ["demo", "practice", "official"]
    assert {"en", "fr"} <= set(ailuminate.languages)
    grade = ailuminate.metric("grade")
    assert grade is not None and grade.kind is ScaleKind.GRADES
    assert [lv.name.en for lv in grade.levels] == ["Poor", "Fair", "Good", "Very Good", "Excellent"]
    assert grade.level("very-good") is not None and grade.level("Very Good") is None


def test_split_benchmarks_have_their_splits(shipped):
    harmbench, wmdp = shipped.get("harmbench"), shipped.get("wmdp")
    assert harmbench is not None and wmdp is not None
    assert [c.id for c in harmbench.configurations] == ["standard", "contextual", "copyright"]
    assert [c.id for c in wmdp.configurations] == ["bio", "chem", "cyber"]
    rate = harmbench.metric("attack-success-rate")
    assert rate is not None
    assert (rate.unit, rate.minimum, rate.maximum, rate.lower_is_better) == ("%", 0, 100, True)


def test_unknown_ids_are_none(shipped):
    assert shipped.get("mmlu") is None
    xstest = shipped.get("xstest")
    assert xstest is not None
    assert xstest.version("v2") is not None and xstest.version("v3") is None
    assert xstest.configuration("safe") is None  # one setup: no configurations
    assert xstest.metric("accuracy") is None


def test_the_scales_of_the_schema_are_the_scale_kinds():
    assert [kind.value for kind in ScaleKind] == SCALES


def test_content_hash_ignores_layout_but_not_content():
    original = REGISTRY.read_text(encoding="utf-8")
    registry = parse_registry(original)
    relaid = parse_registry("# another comment\n" + original.replace("\n\n", "\n"))
    edited = parse_registry(original.replace("Attack success rate", "Success rate of attacks"))
    assert registry.content_hash == relaid.content_hash
    assert registry.content_hash != edited.content_hash
    assert len(registry.content_hash) == 64


def test_stored_data_rebuilds_the_same_registry(shipped):
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    assert registry_from_data(data) == shipped


def test_data_that_is_wrong_is_refused_without_lines():
    with pytest.raises(RegistryError) as caught:
        registry_from_data({"format": 1, "benchmarks": [{"id": "x"}]}, "stored")
    assert "stored: benchmarks[0]: missing key 'homepage'" in str(caught.value)


# --- broken files ------------------------------------------------------------------------------


def _expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_the_broken_folder_is_not_empty():
    assert len(BROKEN_FILES) >= 12


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_file_is_refused_with_every_problem_located(path):
    with pytest.raises(RegistryError) as caught:
        load_registry_file(path)
    got = [str(problem).removeprefix(str(path)) for problem in caught.value.problems]
    assert sorted(got) == sorted(_expected(path))
    assert all(problem.file == str(path) for problem in caught.value.problems)


def test_unreadable_or_missing_file_is_reported(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: caf\xe9".encode("latin-1"))
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry_file(path)
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry_file(tmp_path / "missing.yaml")


def test_a_registry_error_is_no_checklist_error_but_reads_the_same():
    from tracker.domain.checklist import ChecklistError

    with pytest.raises(RegistryError) as caught:
        parse_registry("format: 1\nbenchmarks: []\n", "r.yaml")
    assert not isinstance(caught.value, ChecklistError)
    assert str(caught.value) == "r.yaml:2: benchmarks: must not be empty"


# --- results against the shipped registry ------------------------------------------------------


def _result(**changes):
    fields = {
        "benchmark": "ailuminate",
        "version": "v1.0",
        "configuration": "official",
        "language": "en",
        "metric": "grade",
        "value": "very-good",
        "model": "demo-model",
        "model_version": "2025-01-01",
        "subject": "system",
        "grader": "llm_judge",
        "judge_model": "AILuminate evaluator ensemble",
        "run_by": "MLCommons",
        "relationship": "third_party",
        "run_on": "2025-02-01",
    }
    return result_from_form({**fields, **changes})


def test_a_result_that_fits_the_registry_has_no_problems(shipped):
    result, unreadable = _result()
    assert result_problems(result, shipped, date(2025, 6, 1), unreadable=unreadable) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"value": "Very Good"}, ("value", ResultProblem.UNKNOWN_LEVEL)),
        ({"version": "v2.0"}, ("version", ResultProblem.UNKNOWN_VERSION)),
        ({"configuration": "test"}, ("configuration", ResultProblem.UNKNOWN_CONFIGURATION)),
        ({"configuration": ""}, ("configuration", ResultProblem.CONFIGURATION_REQUIRED)),
        ({"language": "zh"}, ("language", ResultProblem.UNKNOWN_LANGUAGE)),
        ({"metric": "accuracy"}, ("metric", ResultProblem.UNKNOWN_METRIC)),
        (
            {"benchmark": "wmdp", "version": "2024-03", "configuration": "bio"},
            ("metric", ResultProblem.UNKNOWN_METRIC),
        ),
        (
            {
                "benchmark": "wmdp",
                "version": "2024-03",
                "configuration": "cyber",
                "metric": "accuracy",
                "value": "101",
            },
            ("value", ResultProblem.OUT_OF_RANGE),
        ),
    ],
)
def test_a_result_is_checked_against_the_shipped_registry(shipped, changes, problem):
    result, unreadable = _result(**changes)
    assert problem in result_problems(result, shipped, date(2025, 6, 1), unreadable=unreadable)


def test_a_language_the_sources_do_not_establish_is_left_out(shipped):
    # CAICT's public material does not say its prompts' languages; nothing is made up
    assert shipped.get("caict-ai-safety-benchmark").languages == ()
    assert all(b.languages for b in shipped.benchmarks if b.id != "caict-ai-safety-benchmark")
