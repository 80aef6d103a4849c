"""The aggregate report of a cycle: headline figures, the companies × commitments matrix, the
adoption of every item, the benchmark matrix, and one summary per company. No Flask here.

It is built from the companies' published reports only (tracker.domain.company_report), so it shows
exactly what the public pages show.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.benchmark_results import (
    Reported,
    ResultsMatrix,
    named_benchmarks,
    results_matrix,
)
from tracker.domain.benchmarks import Benchmark as RegistryBenchmark
from tracker.domain.checklist import Checklist, Field, Item
from tracker.domain.company_report import CompanyReport
from tracker.domain.languages import Text
from tracker.domain.statuses import Status


@dataclass(frozen=True)
class ItemAdoption:
    """How the companies answered one item."""

    item: Item
    counts: Counter  # Status or None (unanswered) -> companies

    @property
    def applicable(self) -> int:
        return sum(self.counts.values()) - self.counts[Status.NOT_APPLICABLE]

    @property
    def adopted(self) -> int:
        """Companies that meet the item fully or partly."""
        return self.counts[Status.MET] + self.counts[Status.PARTIALLY_MET]

    @property
    def rate(self) -> int | None:
        """Adopted (met fully or partly), as a whole percentage of the companies it applies to
        (None: it applies to none)."""
        return round(100 * self.adopted / self.applicable) if self.applicable else None

    @property
    def met_rate(self) -> int | None:
        """Met fully, as a whole percentage of the companies it applies to (None: none): a
        partly met item is not met, so the reports show this beside ``rate``."""
        return round(100 * self.counts[Status.MET] / self.applicable) if self.applicable else None


@dataclass(frozen=True)
class Benchmark:
    key: str  # an option id, or "other:<text>" for a free-text entry
    option: object | None  # the checklist Option, None for free text
    text: str  # the free text ("" for an option)
    companies: frozenset[str]  # company slugs that report it


@dataclass(frozen=True)
class BenchmarkMatrix:
    """Which companies report which benchmarks, for one multi-select field."""

    item: Item
    field: Field
    companies: list[str]  # slugs of the companies in the matrix, in report order
    rows: list[Benchmark]  # most reported first

    def shared_by(self, at_least: int) -> int:
        """How many benchmarks at least ``at_least`` companies report."""
        return sum(1 for row in self.rows if len(row.companies) >= at_least)

    def per_company(self) -> dict[str, int]:
        return {
            slug: sum(1 for row in self.rows if slug in row.companies) for slug in self.companies
        }


@dataclass(frozen=True)
class LedgerHead:
    sequence: int
    entry_hash: str


@dataclass(frozen=True)
class CycleReport:
    cycle_slug: str
    cycle_name: Text
    checklist: Checklist
    companies: list[CompanyReport]  # published, by name
    invited: int  # disclosures the cycle has (published or not)
    adoption: list[ItemAdoption]
    benchmarks: list[BenchmarkMatrix]
    ledger_head: LedgerHead | None  # the cycle's latest ledger entry it was built from
    # per company and registry benchmark: results reported, named only or nothing
    results: ResultsMatrix | None = None
    # the invited companies without a published version in the cycle, by name
    not_published: tuple[Text, ...] = ()

    @property
    def overall_scores(self) -> list[int]:
        return [
            r.scorecard.overall.percent
            for r in self.companies
            if r.scorecard.overall.percent is not None
        ]

    @property
    def mean_score(self) -> int | None:
        scores = self.overall_scores
        return round(statistics.fmean(scores)) if scores else None

    @property
    def median_score(self) -> int | None:
        scores = self.overall_scores
        return round(statistics.median(scores)) if scores else None

    def commitment_means(self) -> dict[str, int | None]:
        """Commitment id -> mean score over the companies where it counts."""
        means = {}
        for commitment in self.checklist.commitments:
            percents = [r.scorecard.by_commitment[commitment.id].percent for r in self.companies]
            values = [v for v in percents if v is not None]
            means[commitment.id] = round(statistics.fmean(values)) if values else None
        return means


def adoption(
    checklist: Checklist, statuses: Sequence[Mapping[str, Status | None]]
) -> list[ItemAdoption]:
    """How every item was answered over the companies (one mapping item id -> status each)."""
    result = []
    for item in checklist.items:
        counts: Counter = Counter()
        for answered in statuses:
            counts[answered.get(item.id)] += 1
        result.append(ItemAdoption(item, counts))
    return result


def benchmarks(
    checklist: Checklist, structured: Sequence[tuple[str, Mapping[str, Mapping]]]
) -> list[BenchmarkMatrix]:
    """Which companies report which options of every multi-select field, from (company slug,
    item id -> structured answer) pairs, in report order."""
    matrices = []
    for item in checklist.items:
        for field in item.fields:
            if field.type != "multi_select":
                continue
            reported: dict[str, set[str]] = {}
            texts: dict[str, str] = {}
            for slug, answers in structured:
                chosen = (answers.get(item.id) or {}).get(field.id) or {}
                for option_id in chosen.get("selected", []):
                    reported.setdefault(option_id, set()).add(slug)
                for text in chosen.get("other", []):
                    key = "other:" + " ".join(text.split()).casefold()
                    texts.setdefault(key, " ".join(text.split()))
                    reported.setdefault(key, set()).add(slug)
            options = {option.id: option for option in field.options}
            rows = [
                Benchmark(key, options.get(key), texts.get(key, ""), frozenset(slugs))
                for key, slugs in reported.items()
            ]
            order = list(options)
            rows.sort(
                key=lambda b: (
                    -len(b.companies),
                    b.key.startswith("other:"),
                    order.index(b.key) if b.key in options else 0,
                    b.text,
                )
            )
            matrices.append(BenchmarkMatrix(item, field, [slug for slug, _ in structured], rows))
    return matrices


def _statuses(report: CompanyReport) -> dict[str, Status | None]:
    return {item_id: answer.status for item_id, answer in report.answers.items()}


def _structured(report: CompanyReport) -> tuple[str, dict[str, dict]]:
    return report.company_slug, {
        item_id: answer.structured for item_id, answer in report.answers.items()
    }


def build_cycle_report(
    *,
    cycle: dict,
    checklist: Checklist,
    companies: list[CompanyReport],
    invited: int,
    ledger_head: LedgerHead | None,
    registry: Sequence[RegistryBenchmark] = (),
    not_published: Sequence[Text] = (),
) -> CycleReport:
    """The aggregate report of a cycle from its companies' published reports; ``registry``:
    the benchmarks of the results matrix (none: no matrix); ``not_published``: the names of the
    invited companies that published nothing in the cycle."""
    return CycleReport(
        cycle_slug=cycle["slug"],
        cycle_name=Text(en=cycle["name_en"], zh=cycle["name_zh"]),
        checklist=checklist,
        companies=companies,
        invited=invited,
        adoption=adoption(checklist, [_statuses(r) for r in companies]),
        benchmarks=benchmarks(checklist, [_structured(r) for r in companies]),
        ledger_head=ledger_head,
        results=_results_matrix(registry, companies) if registry else None,
        not_published=tuple(not_published),
    )


def _results_matrix(
    registry: Sequence[RegistryBenchmark], companies: list[CompanyReport]
) -> ResultsMatrix:
    return results_matrix(
        registry,
        [(r.company_slug, r.company_name) for r in companies],
        {r.company_slug: named_benchmarks(_structured(r)[1]) for r in companies},
        [
            Reported(r.company_slug, r.company_name, result)
            for r in companies
            for _, result in r.results()
        ],
    )
