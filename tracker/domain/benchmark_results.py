"""What the public pages show of a benchmark's published results. No Flask here.

A benchmark's page charts side by side only what is comparable (tracker.domain.results:
``differences``): each comparable group of at least two results on one axis, with the metric's
direction, unit and range (or its grade levels); every other result is listed apart with the
compared fields in which it differs from its nearest group. Who ran a result (the company, an
independent third party, or a party the company commissioned) is told by a marker's shape and a
word, never by colour alone.

The cycle's matrix says, per company and benchmark, whether the company filed results or only
named the benchmark, and how many companies have at least one result comparable with another
company's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tracker.domain.benchmarks import Benchmark, Level, Metric, ScaleKind
from tracker.domain.languages import Text
from tracker.domain.results import (
    COMPARED_FIELDS,
    Group,
    Relationship,
    Result,
    comparison_key,
    group,
    nearest,
)

# Where a company names the benchmarks it reports (a multi-select of registry ids).
NAMING_ITEM = "c2.benchmarks-reported"
NAMING_FIELD = "benchmarks"


class Marker(StrEnum):
    """A result's marker on a chart, by who ran it."""

    CIRCLE = "circle"  # the company itself
    DIAMOND = "diamond"  # an independent third party
    SQUARE = "square"  # a party the company commissioned


MARKERS = {
    Relationship.FIRST_PARTY.value: Marker.CIRCLE,
    Relationship.THIRD_PARTY.value: Marker.DIAMOND,
    Relationship.COMMISSIONED.value: Marker.SQUARE,
}


@dataclass(frozen=True)
class Reported:
    """One published result with the company that published it."""

    company_slug: str
    company_name: Text
    result: Result

    @property
    def marker(self) -> Marker:
        return MARKERS.get(str(self.result.relationship), Marker.CIRCLE)

    @property
    def first_party(self) -> bool:
        return str(self.result.relationship) == Relationship.FIRST_PARTY.value


def format_number(value: float) -> str:
    """A value as pages print it: up to four significant digits, no exponent for usual sizes."""
    if value == 0:
        return "0"
    if abs(value) >= 1e6 or abs(value) < 1e-3:
        return f"{value:.3g}"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about five ticks over
    ``span``."""
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


@dataclass(frozen=True)
class Tick:
    position: float  # 0 (left) to 1 (right)
    label: str  # a number, or a level's id (see ``level``)
    level: Level | None = None  # on a graded axis: the level, whose name the page shows


@dataclass(frozen=True)
class Axis:
    """The scale results of one metric are drawn on: the metric's range (or, when it has none,
    the results' span widened to round numbers), or its grade levels from worst to best."""

    kind: ScaleKind
    lower_is_better: bool | None  # None: the metric is not in the registry
    unit: str
    low: float
    high: float
    levels: tuple[Level, ...] = ()

    def position(self, value: float | str | None) -> float | None:
        """Where a value sits, 0 (left) to 1 (right); None for a value not on this axis."""
        if self.kind is ScaleKind.GRADES:
            ids = [level.id for level in self.levels]
            if value not in ids:
                return None
            return ids.index(str(value)) / (len(ids) - 1) if len(ids) > 1 else 0.5
        if not isinstance(value, float | int) or isinstance(value, bool):
            return None
        if self.high <= self.low:
            return 0.5
        return min(1.0, max(0.0, (float(value) - self.low) / (self.high - self.low)))

    def ticks(self) -> list[Tick]:
        if self.kind is ScaleKind.GRADES:
            return [
                Tick(position, level.id, level)
                for level in self.levels
                if (position := self.position(level.id)) is not None
            ]
        if self.high <= self.low:
            return [Tick(0.5, format_number(self.low))]
        step = _nice_step(self.high - self.low)
        first = math.ceil(self.low / step - 1e-9)
        ticks, n = [], first
        while n * step <= self.high + step * 1e-9:
            value = n * step
            ticks.append(Tick((value - self.low) / (self.high - self.low), format_number(value)))
            n += 1
        return ticks

    def rank(self, value: float | str | None) -> float:
        """A value's place for sorting, best first (unknown direction: highest first)."""
        position = self.position(value)
        if position is None:
            return math.inf
        return position if self.lower_is_better else -position


def axis_for(metric: Metric | None, values: Iterable[float | str | None]) -> Axis:
    """The axis of a metric's results (``metric`` None: a metric no longer in the registry,
    drawn on the results' own span, direction unknown)."""
    if metric is not None and metric.kind is ScaleKind.GRADES:
        return Axis(ScaleKind.GRADES, metric.lower_is_better, "", 0, 1, metric.levels)
    numbers = [float(v) for v in values if isinstance(v, float | int) and not isinstance(v, bool)]
    low = metric.minimum if metric is not None else None
    high = metric.maximum if metric is not None else None
    if low is None or high is None:
        seen_low = min(numbers, default=0.0)
        seen_high = max(numbers, default=1.0)
        span = (seen_high - seen_low) or abs(seen_high) or 1.0
        step = _nice_step(span)
        if low is None:
            low = math.floor(seen_low / step + 1e-9) * step
            if low >= seen_high:  # one value, or all the same: centred
                low -= step
        if high is None:
            high = math.ceil(seen_high / step - 1e-9) * step
            if high <= max(low, seen_low):
                high = max(low, seen_low) + step
    return Axis(
        ScaleKind.NUMBER,
        metric.lower_is_better if metric is not None else None,
        metric.unit if metric is not None else "",
        low,
        high,
    )


@dataclass(frozen=True)
class ComparableGroup:
    """Results that may stand side by side (at least two), best first, on one axis."""

    number: int  # 1, 2, … on the page (anchors, chart ids)
    setup: dict[str, str]  # compared field -> its value, shared by every member
    metric: Metric | None
    axis: Axis
    members: list[Reported]

    @property
    def companies(self) -> list[str]:
        """The members' companies, each once, in the members' order."""
        return list(dict.fromkeys(m.company_slug for m in self.members))


@dataclass(frozen=True)
class Apart:
    """A result that is comparable with no other: the group nearest to it, and the compared
    fields in which it differs from that group (all of them shown when there is none)."""

    reported: Reported
    metric: Metric | None
    nearest: ComparableGroup | None
    differing: tuple[str, ...]


@dataclass(frozen=True)
class BenchmarkResults:
    """A benchmark's published results as its page shows them."""

    benchmark: Benchmark
    groups: list[ComparableGroup]
    apart: list[Apart]
    results: list[Reported]  # every result, by company, as given

    @property
    def companies(self) -> list[str]:
        """The companies that report results, each once."""
        return list(dict.fromkeys(r.company_slug for r in self.results))

    def versions_used(self) -> list[tuple[str, int]]:
        """(version, results) of the versions results were filed on, in the registry's order."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.result.version] = counts.get(r.result.version, 0) + 1
        order = [v.id for v in self.benchmark.versions]
        return sorted(
            counts.items(),
            key=lambda pair: (order.index(pair[0]) if pair[0] in order else len(order), pair[0]),
        )


def _sorted(members: list[Reported], axis: Axis) -> list[Reported]:
    return sorted(
        members,
        key=lambda r: (axis.rank(r.result.value), r.company_name.en, r.result.model),
    )


def analyse(benchmark: Benchmark, results: Sequence[Reported]) -> BenchmarkResults:
    """Sort a benchmark's published results into comparable groups and results apart."""
    groups: list[ComparableGroup] = []
    kept: list[Group] = []
    singles: list[Reported] = []
    for found in group(results, lambda r: r.result):
        if len(found.members) < 2:
            singles.extend(found.members)
            continue
        metric = benchmark.metric(found.value("metric"))
        axis = axis_for(metric, [m.result.value for m in found.members])
        groups.append(
            ComparableGroup(
                number=len(groups) + 1,
                setup=dict(zip(COMPARED_FIELDS, found.key, strict=True)),
                metric=metric,
                axis=axis,
                members=_sorted(found.members, axis),
            )
        )
        kept.append(found)
    by_key = {tuple(g.setup.values()): g for g in groups}
    apart = []
    for single in sorted(singles, key=lambda r: (r.company_name.en, comparison_key(r.result))):
        close, differing = nearest(single.result, kept)
        apart.append(
            Apart(
                reported=single,
                metric=benchmark.metric(single.result.metric),
                nearest=by_key[close.key] if close is not None else None,
                differing=differing if close is not None else COMPARED_FIELDS,
            )
        )
    return BenchmarkResults(benchmark, groups, apart, list(results))


# --- the cycle's matrix ---------------------------------------------------------------------------


class Reporting(StrEnum):
    """What a company's published disclosure says of a benchmark."""

    RESULTS = "results"  # at least one result filed
    NAMED = "named"  # named among the benchmarks it reports, with no result


def named_benchmarks(structured: Mapping[str, Mapping]) -> set[str]:
    """The benchmark ids a disclosure names (item id -> structured answer, as stored)."""
    answer = (structured.get(NAMING_ITEM) or {}).get(NAMING_FIELD) or {}
    selected = answer.get("selected") if isinstance(answer, Mapping) else None
    return {str(s) for s in selected or () if isinstance(s, str)}


def comparable_companies(results: Iterable[Reported]) -> set[str]:
    """The companies with at least one result comparable with another company's."""
    found: set[str] = set()
    for comparable in group(results, lambda r: r.result):
        companies = {m.company_slug for m in comparable.members}
        if len(companies) >= 2:
            found |= companies
    return found


@dataclass(frozen=True)
class ResultsMatrix:
    """Per company and benchmark: results reported, named only, or nothing."""

    companies: list[tuple[str, Text]]  # (slug, name) of every published company, in order
    benchmarks: list[Benchmark]  # those any company reports or names, in the registry's order
    cells: dict[tuple[str, str], Reporting]  # (company slug, benchmark id) -> what it says
    comparable: frozenset[str]  # company slugs with a result comparable with another company's

    def cell(self, company_slug: str, benchmark_id: str) -> Reporting | None:
        return self.cells.get((company_slug, benchmark_id))

    def count(self, benchmark_id: str, reporting: Reporting) -> int:
        """How many companies say ``reporting`` of the benchmark."""
        return sum(
            1 for (_, bid), said in self.cells.items() if bid == benchmark_id and said is reporting
        )

    @property
    def comparable_share(self) -> int | None:
        """The whole percentage of companies with at least one comparable result (None: no
        company published)."""
        if not self.companies:
            return None
        return round(100 * len(self.comparable) / len(self.companies))


def results_matrix(
    benchmarks: Sequence[Benchmark],
    companies: Sequence[tuple[str, Text]],
    named: Mapping[str, Iterable[str]],
    results: Sequence[Reported],
) -> ResultsMatrix:
    """The matrix of the registry's ``benchmarks`` over the published ``companies`` (slug,
    name), from the benchmarks each names (slug -> ids) and their published results."""
    published = {slug for slug, _ in companies}
    known = {b.id for b in benchmarks}
    cells: dict[tuple[str, str], Reporting] = {}
    for slug, ids in named.items():
        for bid in ids:
            if slug in published and bid in known:
                cells[(slug, bid)] = Reporting.NAMED
    for r in results:
        if r.company_slug in published and r.result.benchmark in known:
            cells[(r.company_slug, r.result.benchmark)] = Reporting.RESULTS
    used = {bid for _, bid in cells}
    return ResultsMatrix(
        companies=list(companies),
        benchmarks=[b for b in benchmarks if b.id in used],
        cells=cells,
        comparable=frozenset(
            comparable_companies(r for r in results if r.company_slug in published)
        ),
    )
