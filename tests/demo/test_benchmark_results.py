"""The demo's benchmark results: each one valid against the shipped registry, stored in the shape
results are kept in, filed by a demo company, and together showing every case the benchmark pages
tell apart."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from tracker.demo.benchmark_results import BENCHMARK_RESULTS, demo_results
from tracker.domain.benchmarks import load_registry_file
from tracker.domain.results import (
    Relationship,
    SubjectKind,
    group,
    nearest,
    result_from_dict,
    result_problems,
    result_to_dict,
)

REPO = Path(__file__).resolve().parents[2]
REGISTRY = load_registry_file(REPO / "commitments" / "benchmarks" / "registry.yaml")
COMPANIES = yaml.safe_load((REPO / "tracker/demo/data/companies.yaml").read_text("utf-8"))
ALL = demo_results()


@pytest.mark.parametrize(
    ("slug", "stored"), ALL, ids=[f"{s}-{r['benchmark']}-{i}" for i, (s, r) in enumerate(ALL)]
)
def test_each_result_is_valid_against_the_registry(slug, stored):
    result = result_from_dict(stored)
    assert result_problems(result, REGISTRY, date(2025, 12, 1)) == []
    assert result_to_dict(result, public=False) == stored  # exactly the stored shape


def test_every_result_is_filed_by_a_demo_company():
    slugs = {company["slug"] for company in COMPANIES}
    assert set(BENCHMARK_RESULTS) <= slugs
    assert all(BENCHMARK_RESULTS.values())


def _differing_from_the_others(name: str) -> list[tuple[str, ...]]:
    """For each result, the fields by which it differs from the nearest group of the others."""
    found = []
    for index, (_, stored) in enumerate(ALL):
        result = result_from_dict(stored)
        others = [result_from_dict(r) for i, (_, r) in enumerate(ALL) if i != index]
        _, differing = nearest(result, group(others))
        if differing == (name,):
            found.append(differing)
    return found


def test_there_is_a_comparable_group_of_at_least_three_companies():
    groups = group(ALL, result_of=lambda pair: result_from_dict(pair[1]))
    companies = [{slug for slug, _ in g.members} for g in groups]
    assert max(len(c) for c in companies) >= 4
    assert sum(1 for c in companies if len(c) >= 3) >= 2  # HarmBench and SafetyBench


@pytest.mark.parametrize("field", ["version", "judge_model", "subject"])
def test_a_result_differs_from_a_group_in_just_one_field(field):
    assert _differing_from_the_others(field)


def test_first_third_party_and_commissioned_runs_and_both_subject_kinds():
    results = [result_from_dict(stored) for _, stored in ALL]
    assert {r.relationship for r in results} == {rel.value for rel in Relationship}
    assert {r.subject for r in results} == {kind.value for kind in SubjectKind}
    systems = [r for r in results if r.subject == SubjectKind.SYSTEM]
    assert all(r.safeguards for r in systems)


def test_a_confidential_note_stays_out_of_the_public_form():
    noted = [stored for _, stored in ALL if stored["confidential_note"]]
    assert noted
    for stored in noted:
        assert "confidential_note" not in result_to_dict(result_from_dict(stored))


def test_outside_evaluators_are_marked_fictional():
    outside = [r for _, r in ALL if r["relationship"] != Relationship.FIRST_PARTY]
    assert outside and all(r["run_by"].endswith("(fictional)") for r in outside)
