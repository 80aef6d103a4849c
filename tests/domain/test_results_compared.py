"""A benchmark's page and the cycle's matrix, from published results: tables of cases."""

from dataclasses import replace

import pytest

from tracker.domain.benchmark_results import (
    Marker,
    Reported,
    Reporting,
    analyse,
    axis_for,
    comparable_companies,
    format_number,
    named_benchmarks,
    results_matrix,
)
from tracker.domain.benchmarks import (
    Benchmark,
    Configuration,
    Level,
    Metric,
    Release,
    ScaleKind,
)
from tracker.domain.charts import Dot, dot_chart, marker_key
from tracker.domain.languages import Text
from tracker.domain.results import COMPARED_FIELDS, Result


def _text(s: str) -> Text:
    return Text(en=s, zh=s)


RATE = Metric(
    "refusal-rate", _text("Refusal rate"), _text("d"), ScaleKind.NUMBER, False, "%", 0, 100
)
ASR = Metric("asr", _text("ASR"), _text("d"), ScaleKind.NUMBER, True, "%", 0, 100)
OPEN = Metric("logit", _text("Logit"), _text("d"), ScaleKind.NUMBER, False)
LEVELS = tuple(Level(i, _text(i.title())) for i in ("poor", "fair", "good", "excellent"))
GRADE = Metric("grade", _text("Grade"), _text("d"), ScaleKind.GRADES, False, levels=LEVELS)
BENCH = Benchmark(
    id="harmbench",
    name=_text("HarmBench"),
    homepage="https://example.org",
    description=_text("d"),
    versions=(Release("1.0"), Release("1.1")),
    configurations=(Configuration("standard", _text("Standard")),),
    languages=("en", "zh"),
    metrics=(RATE, ASR, OPEN, GRADE),
    sources=(),
)

BASE = Result(
    benchmark="harmbench",
    version="1.0",
    configuration="standard",
    language="en",
    metric="refusal-rate",
    value=90.0,
    model="m",
    model_version="1",
    subject="model",
    grader="rules",
    run_by="X",
    relationship="first_party",
    run_on="2026-01-01",
)


def rep(slug: str, **changes) -> Reported:
    return Reported(slug, _text(slug.title()), replace(BASE, **changes))


@pytest.mark.parametrize(
    ("results", "groups", "apart"),
    [
        # nothing reported: nothing to show
        ([], [], []),
        # one result alone: no group, listed apart with every compared field "differing"
        ([rep("a")], [], [("a", COMPARED_FIELDS)]),
        # two comparable results from two companies: one group, best (highest) first
        ([rep("a", value=80.0), rep("b", value=95.0)], [["b", "a"]], []),
        # lower is better: lowest first
        (
            [rep("a", metric="asr", value=30.0), rep("b", metric="asr", value=10.0)],
            [["b", "a"]],
            [],
        ),
        # a version mismatch: apart, differing in the version
        ([rep("a"), rep("b"), rep("c", version="1.1")], [["a", "b"]], [("c", ("version",))]),
        # a judge mismatch: the judge model differs
        (
            [
                rep("a", grader="llm_judge", judge_model="j1"),
                rep("b", grader="llm_judge", judge_model="j1"),
                rep("c", grader="llm_judge", judge_model="j2"),
            ],
            [["a", "b"]],
            [("c", ("judge_model",))],
        ),
        # bare model against a system with safeguards
        ([rep("a"), rep("b"), rep("c", subject="system")], [["a", "b"]], [("c", ("subject",))]),
        # two fields differ; nearest is the larger group on a tie
        (
            [
                rep("a"),
                rep("b"),
                rep("c"),
                rep("d", language="zh"),
                rep("e", language="zh"),
                rep("f", language="zh", version="1.1", grader="human"),
            ],
            [["a", "b", "c"], ["d", "e"]],
            [("f", ("version", "grader"))],
        ),
        # who ran it does not change what is comparable
        ([rep("a"), rep("b", relationship="third_party")], [["a", "b"]], []),
    ],
)
def test_groups_and_results_apart(results, groups, apart):
    page = analyse(BENCH, results)
    assert [[m.company_slug for m in g.members] for g in page.groups] == groups
    assert [(a.reported.company_slug, a.differing) for a in page.apart] == apart
    assert [g.number for g in page.groups] == list(range(1, len(groups) + 1))
    assert page.companies == list(dict.fromkeys(r.company_slug for r in results))


def test_apart_result_points_at_its_nearest_group():
    page = analyse(BENCH, [rep("a"), rep("b"), rep("c", version="1.1")])
    assert page.apart[0].nearest is page.groups[0]
    assert page.groups[0].setup["version"] == "1.0"


@pytest.mark.parametrize(
    ("relationship", "marker", "first"),
    [
        ("first_party", Marker.CIRCLE, True),
        ("third_party", Marker.DIAMOND, False),
        ("commissioned", Marker.SQUARE, False),
    ],
)
def test_markers_by_who_ran_it(relationship, marker, first):
    reported = rep("a", relationship=relationship)
    assert (reported.marker, reported.first_party) == (marker, first)


@pytest.mark.parametrize(
    ("metric", "values", "low", "high", "ticks"),
    [
        (RATE, [10.0, 20.0], 0, 100, ["0", "25", "50", "75", "100"]),
        (OPEN, [1.2, 3.4], 1.0, 4.0, ["1", "2", "3", "4"]),
        (OPEN, [-3.0, 3.0], -4.0, 4.0, ["-4", "-2", "0", "2", "4"]),
        (OPEN, [5.0, 5.0], 4.0, 6.0, ["4", "4.5", "5", "5.5", "6"]),
        (None, [0.5], 0.4, 0.6, ["0.4", "0.45", "0.5", "0.55", "0.6"]),
    ],
)
def test_number_axes(metric, values, low, high, ticks):
    axis = axis_for(metric, values)
    assert (axis.low, axis.high) == (pytest.approx(low), pytest.approx(high))
    assert [t.label for t in axis.ticks()] == ticks
    assert all(0 <= axis.position(v) <= 1 for v in values)


def test_graded_axis_from_worst_to_best():
    axis = axis_for(GRADE, ["good"])
    assert [(t.position, t.label) for t in axis.ticks()] == [
        (0.0, "poor"),
        (pytest.approx(1 / 3), "fair"),
        (pytest.approx(2 / 3), "good"),
        (1.0, "excellent"),
    ]
    assert axis.position("excellent") == 1.0
    assert axis.position("unknown") is None
    page = analyse(
        BENCH, [rep("a", metric="grade", value="fair"), rep("b", metric="grade", value="excellent")]
    )
    assert [m.company_slug for m in page.groups[0].members] == ["b", "a"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (87.25, "87.25"),
        (87.256, "87.26"),
        (0.12345, "0.1235"),
        (1234.6, "1235"),
        (2e7, "2e+07"),
        (-1.5, "-1.5"),
        (100.0, "100"),
    ],
)
def test_numbers_as_printed(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("structured", "named"),
    [
        ({}, set()),
        (
            {"c2.benchmarks-reported": {"benchmarks": {"selected": ["harmbench", "xstest"]}}},
            {"harmbench", "xstest"},
        ),
        ({"c2.benchmarks-reported": {"benchmarks": {"selected": None}}}, set()),
        ({"c2.benchmarks-reported": {"benchmarks": "harmbench"}}, set()),
        ({"c2.benchmarks-reported": {"benchmarks": {"selected": [1, "x"]}}}, {"x"}),
    ],
)
def test_named_benchmarks(structured, named):
    assert named_benchmarks(structured) == named


OTHER = replace(BENCH, id="xstest", name=_text("XSTest"))
UNUSED = replace(BENCH, id="wmdp", name=_text("WMDP"))


@pytest.mark.parametrize(
    ("named", "results", "cells", "comparable", "share"),
    [
        ({}, [], {}, set(), 0),
        ({"a": ["xstest"]}, [], {("a", "xstest"): Reporting.NAMED}, set(), 0),
        # results win over naming
        (
            {"a": ["harmbench"]},
            [rep("a")],
            {("a", "harmbench"): Reporting.RESULTS},
            set(),
            0,
        ),
        # two results of one company comparable with each other: not "with another company"
        ({}, [rep("a"), rep("a")], {("a", "harmbench"): Reporting.RESULTS}, set(), 0),
        # comparable across companies: both count; c's mismatch does not
        (
            {"c": ["xstest"]},
            [rep("a"), rep("b"), rep("c", version="1.1")],
            {
                ("a", "harmbench"): Reporting.RESULTS,
                ("b", "harmbench"): Reporting.RESULTS,
                ("c", "harmbench"): Reporting.RESULTS,
                ("c", "xstest"): Reporting.NAMED,
            },
            {"a", "b"},
            50,
        ),
        # unknown benchmarks and unpublished companies are left out
        ({"z": ["harmbench"], "a": ["nope"]}, [rep("z")], {}, set(), 0),
    ],
)
def test_results_matrix(named, results, cells, comparable, share):
    companies = [(s, _text(s)) for s in ("a", "b", "c", "d")]
    matrix = results_matrix([BENCH, OTHER, UNUSED], companies, named, results)
    assert matrix.cells == cells
    assert set(matrix.comparable) == comparable
    assert matrix.comparable_share == share
    assert [b.id for b in matrix.benchmarks] == [
        b for b in ("harmbench", "xstest") if any(bid == b for _, bid in cells)
    ]
    assert comparable_companies(results) == comparable


def test_matrix_without_companies_has_no_share():
    assert results_matrix([BENCH], [], {}, []).comparable_share is None


def test_matrix_counts_per_benchmark():
    matrix = results_matrix(
        [BENCH], [("a", _text("a")), ("b", _text("b"))], {"b": ["harmbench"]}, [rep("a")]
    )
    assert matrix.count("harmbench", Reporting.RESULTS) == 1
    assert matrix.count("harmbench", Reporting.NAMED) == 1
    assert matrix.cell("a", "harmbench") is Reporting.RESULTS
    assert matrix.cell("b", "xstest") is None


def test_dot_chart_escapes_and_titles():
    svg = dot_chart(
        [
            Dot("<A&B>", "m1", 0.5, "50 %", "circle", 0.4, 0.6),
            Dot("C", "m2, third party", 1.0, "100 %", "diamond"),
            Dot("D", "m3", 0.2, "20 %", "square"),
            Dot("E", "m4", None, "?", "circle"),
        ],
        [(0.0, "0"), (1.0, "100")],
        chart_id="g1",
        title="Refusal <rate>",
        desc="Higher is better",
        axis_label="Refusal rate (%)",
    )
    assert "<A&B>" not in svg and "&lt;A&amp;B&gt;" in svg
    assert '<title id="g1-title">Refusal &lt;rate&gt;</title>' in svg
    assert '<desc id="g1-desc">Higher is better</desc>' in svg
    assert 'aria-labelledby="g1-title g1-desc"' in svg
    assert svg.count("<circle") == 1 and svg.count("<path") == 1 and svg.count("<rect") == 1
    assert 'aria-label="a &quot;b&quot;"' in marker_key("diamond", 'a "b"')
