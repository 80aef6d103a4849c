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
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from tracker.domain.benchmarks_schema import REGISTRY_SCHEMA
from tracker.domain.canonical import sha256_hex
from tracker.domain.languages import Text
from tracker.domain.yamlfile import (
    FileError,
    FileProblem,
    Found,
    YamlPath,
    check,
    duplicates,
    ids_of,
    parse_yaml,
    read_text,
)


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
    # BCP 47 tags of the prompt languages ("en", "zh", …); empty when its public documentation
    # does not establish them: a result may then name any language.
    languages: tuple[str, ...]
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

    @property
    def ids(self) -> tuple[str, ...]:
        """The benchmarks' ids, in the order of the file."""
        return tuple(b.id for b in self.benchmarks)


# --- loading the registry file ------------------------------------------------------------------

# One problem of the registry file: file, line, path and message (as for checklists).
RegistryProblem = FileProblem


class RegistryError(FileError):
    """The registry file is wrong; ``problems`` lists every problem found."""


def _metric_problems(metric: dict, path: YamlPath) -> Found:
    found: Found = []
    scale = metric.get("scale")
    if scale == ScaleKind.GRADES:
        if "levels" not in metric:
            found.append((path, "a graded metric needs its levels (from worst to best)"))
        for key in ("unit", "minimum", "maximum"):
            if key in metric:
                found.append(((*path, key), f"a graded metric has levels, not a {key}"))
        if metric.get("lower_is_better") is True:
            found.append(
                (
                    (*path, "lower_is_better"),
                    "a graded metric lists its levels from worst to best: lower_is_better must "
                    "be false",
                )
            )
        found += duplicates(ids_of(metric.get("levels"), (*path, "levels")), "level")
    elif scale == ScaleKind.NUMBER:
        if "levels" in metric:
            found.append(((*path, "levels"), "a metric on a number scale has no levels"))
        low, high = metric.get("minimum"), metric.get("maximum")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
        if numbers and not low < high:  # type: ignore[operator]  # both numbers, just checked
            found.append(((*path, "maximum"), f"maximum {high} must be greater than minimum {low}"))
    return found


def _registry_rules(data: Any) -> Found:
    """What the schema cannot state: unique ids at every level, scales that fit their metric."""
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        return []
    found = duplicates(ids_of(data["benchmarks"], ("benchmarks",)), "benchmark")
    for bi, benchmark in enumerate(data["benchmarks"]):
        if not isinstance(benchmark, dict):
            continue
        bpath: YamlPath = ("benchmarks", bi)
        for key, what in (
            ("versions", "version"),
            ("configurations", "configuration"),
            ("metrics", "metric"),
        ):
            found += duplicates(ids_of(benchmark.get(key), (*bpath, key)), what)
        metrics = benchmark.get("metrics")
        for mi, metric in enumerate(metrics if isinstance(metrics, list) else []):
            if isinstance(metric, dict):
                found += _metric_problems(metric, (*bpath, "metrics", mi))
    return found


def _text(raw: dict) -> Text:
    return Text(en=raw["en"].strip(), zh=raw["zh"].strip())


def _metric(raw: dict) -> Metric:
    def bound(key: str) -> float | None:
        return float(raw[key]) if key in raw else None

    return Metric(
        id=raw["id"],
        name=_text(raw["name"]),
        definition=_text(raw["definition"]),
        kind=ScaleKind(raw["scale"]),
        lower_is_better=raw["lower_is_better"],
        unit=raw.get("unit", ""),
        minimum=bound("minimum"),
        maximum=bound("maximum"),
        levels=tuple(Level(lv["id"], _text(lv["name"])) for lv in raw.get("levels", [])),
    )


def _build(data: dict, content_hash: str) -> Registry:
    return Registry(
        benchmarks=tuple(
            Benchmark(
                id=b["id"],
                name=_text(b["name"]),
                homepage=b["homepage"],
                description=_text(b["description"]),
                versions=tuple(Release(v["id"], v.get("released", "")) for v in b["versions"]),
                configurations=tuple(
                    Configuration(c["id"], _text(c["name"])) for c in b.get("configurations", [])
                ),
                languages=tuple(b.get("languages", ())),
                metrics=tuple(_metric(m) for m in b["metrics"]),
                sources=tuple(b["sources"]),
            )
            for b in data["benchmarks"]
        ),
        content_hash=content_hash,
    )


def registry_from_data(
    data: Any, source: str = "<data>", lines: dict[YamlPath, int] | None = None
) -> Registry:
    """Validate already-parsed registry data and build the Registry, or raise RegistryError."""
    problems = check(data, REGISTRY_SCHEMA, _registry_rules, source, lines or {})
    if problems:
        raise RegistryError(problems)
    # Equal content, equal hash, whatever the layout of the file (as for checklists).
    return _build(data, sha256_hex(data))


def parse_registry(text: str, source: str = "<text>") -> Registry:
    """Parse and validate the registry file's text; RegistryError lists every problem."""
    data, lines, problems = parse_yaml(text, source, RegistryError)
    try:
        registry = registry_from_data(data, source, lines)
    except RegistryError as exc:
        raise RegistryError(problems + exc.problems) from None
    if problems:
        raise RegistryError(problems)
    return registry


def load_registry_file(path: Path | str) -> Registry:
    """Read, parse and validate the registry file (its text parsed once per process, like a
    checklist file's: the Registry is immutable)."""
    return _parsed(read_text(Path(path), RegistryError), str(path))


@lru_cache(maxsize=8)
def _parsed(text: str, source: str) -> Registry:
    return parse_registry(text, source)
