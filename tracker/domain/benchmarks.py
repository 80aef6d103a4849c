"""The benchmark registry: which safety benchmarks results may be filed against, and what each
one's versions, configurations, languages and metrics are.

The registry is a file in ``commitments/benchmarks/`` reviewed like the checklists and validated
the same way: every problem at once, each located by file, line and path. A result names a
benchmark, one of its versions, configurations, languages and metrics, and its value must fit
the metric's scale (tracker.domain.results checks that).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from tracker.domain.languages import Text


class ScaleKind(StrEnum):
    NUMBER = "number"  # a value on a continuous scale, between minimum and maximum when given
    GRADES = "grades"  # one of an ordered list of grade levels, worst first or best first


@dataclass(frozen=True)
class Level:
    """One grade of a graded metric (e.g. AILuminate's "Good")."""

    id: str
    name: Text


@dataclass(frozen=True)
class Metric:
    id: str
    name: Text
    definition: Text
    kind: ScaleKind
    lower_is_better: bool
    unit: str = ""  # "%", "" for a plain number or a grade
    minimum: float | None = None  # for NUMBER; None: unbounded
    maximum: float | None = None
    levels: tuple[Level, ...] = ()  # for GRADES, from worst to best

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


@dataclass(frozen=True)
class Release:
    """A version or release of a benchmark, as its maintainers name it."""

    id: str
    released: str = ""  # YYYY-MM or YYYY-MM-DD when known


@dataclass(frozen=True)
class Configuration:
    """A prompt set, split, subset or setup of a benchmark whose numbers differ from the others'."""

    id: str
    name: Text


@dataclass(frozen=True)
class Benchmark:
    id: str
    name: Text
    homepage: str
    description: Text
    versions: tuple[Release, ...]
    configurations: tuple[Configuration, ...]  # empty: the benchmark has one setup
    languages: tuple[str, ...]  # BCP 47 tags of the prompt languages ("en", "zh", …)
    metrics: tuple[Metric, ...]
    sources: tuple[str, ...]  # where the facts above come from (URLs)

    def version(self, version_id: str) -> Release | None:
        return next((v for v in self.versions if v.id == version_id), None)

    def configuration(self, configuration_id: str) -> Configuration | None:
        return next((c for c in self.configurations if c.id == configuration_id), None)

    def metric(self, metric_id: str) -> Metric | None:
        return next((m for m in self.metrics if m.id == metric_id), None)


@dataclass(frozen=True)
class Registry:
    benchmarks: tuple[Benchmark, ...]
    content_hash: str = ""

    @cached_property
    def _by_id(self) -> dict[str, Benchmark]:
        return {b.id: b for b in self.benchmarks}

    def get(self, benchmark_id: str) -> Benchmark | None:
        """The benchmark with this id, or None."""
        return self._by_id.get(benchmark_id)
