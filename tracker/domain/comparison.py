"""Published disclosures side by side: what a comparison asks for, and the rows it reads.

A comparison puts two to four columns next to each other: several companies in one cycle, or
one company across several cycles. Each column is a published report (or nothing, for a
company that did not publish in that cycle); the rows are the commitments and items of every
column's checklist version, in checklist order, so that an item one version does not have is
shown as absent on that side rather than dropped.

No Flask here: the view parses the request into a :class:`Selection` with
:func:`parse_selection` (which refuses with a :class:`CompareRefusal`) and aligns the reports
with :func:`align`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.domain.checklist import Commitment, Item
from tracker.domain.company_report import CompanyReport, ReportAnswer
from tracker.domain.refusals import Refusal
from tracker.domain.scoring import Score

MIN_COLUMNS, MAX_COLUMNS = 2, 4
_SHOWN = 40  # characters of a refused value repeated in a message


class CompareRefusal(Refusal):
    """A comparison that cannot be made as asked; ``value`` names what was wrong."""

    codes = (
        "compare.too_many",
        "compare.duplicate",
        "compare.unknown_company",
        "compare.unknown_cycle",
        "compare.cycle_and_cycles",
        "compare.cycles_need_one_company",
        "compare.unknown_filter",
    )
    status = 400

    def __init__(self, code: str, value: str = "", *, status: int = 400):
        super().__init__(value, code=code)
        self.value = value[:_SHOWN] + ("…" if len(value) > _SHOWN else "")
        self.status = status


@dataclass(frozen=True)
class Selection:
    """What a comparison shows, as its address says it. ``cycles`` empty: ``companies`` side
    by side in ``cycle`` (None: the default cycle); else one company across ``cycles``."""

    companies: tuple[str, ...] = ()
    cycle: str | None = None
    cycles: tuple[str, ...] = ()
    commitment: str | None = None  # a commitment's id (c2), or one item's (c2.red-team-internal)

    @property
    def across_cycles(self) -> bool:
        return bool(self.cycles)

    @property
    def columns(self) -> int:
        return len(self.cycles) if self.across_cycles else len(self.companies)

    @property
    def is_comparison(self) -> bool:
        """Enough columns to compare (else the page shows the picker alone)."""
        return self.columns >= MIN_COLUMNS

    def query(self) -> list[tuple[str, str]]:
        """The stable address's parameters, in one order: the same comparison always has the
        same address (companies and cycles in the reader's order)."""
        pairs = [("companies", ",".join(self.companies))]
        if self.across_cycles:
            pairs.append(("cycles", ",".join(self.cycles)))
        elif self.cycle:
            pairs.append(("cycle", self.cycle))
        if self.commitment:
            pairs.append(("commitment", self.commitment))
        return pairs


def _listed(values: Iterable[str]) -> tuple[str, ...]:
    """Comma-separated values of one or several parameters, trimmed, empty ones left out."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise CompareRefusal("compare.duplicate", value)
        seen.add(value)
    if len(values) > MAX_COLUMNS:
        raise CompareRefusal("compare.too_many", str(len(values)))
    return values


def parse_selection(
    companies: Sequence[str],
    cycle: str | None,
    cycles: Sequence[str],
    commitment: str | None = None,
) -> Selection:
    """A selection from the request's parameters (each list: every value given, as a form sends
    them or comma-separated): more than four columns, a company or cycle named twice, a cycle
    and cycles together, or several companies across cycles are refused (400)."""
    listed_cycles = _unique(_listed(cycles))
    listed_companies = _listed(companies)
    if len(listed_companies) > MAX_COLUMNS and not listed_cycles:
        raise CompareRefusal("compare.too_many", str(len(listed_companies)))
    listed_companies = _unique(listed_companies)
    chosen_cycle = (cycle or "").strip() or None
    if listed_cycles:
        if chosen_cycle:
            raise CompareRefusal("compare.cycle_and_cycles", chosen_cycle)
        if len(listed_companies) > 1:
            raise CompareRefusal("compare.cycles_need_one_company", str(len(listed_companies)))
    return Selection(
        companies=listed_companies,
        cycle=chosen_cycle,
        cycles=listed_cycles,
        commitment=(commitment or "").strip() or None,
    )


@dataclass(frozen=True)
class Cell:
    """One column's answer to an item: ``in_checklist`` False when the column's checklist
    version has no such item; ``answer`` None when it has but the column has no answer (or no
    report at all)."""

    in_checklist: bool
    answer: ReportAnswer | None


@dataclass(frozen=True)
class ItemRow:
    item: Item  # as the first column whose checklist has it words it
    cells: list[Cell]


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    scores: list[Score | None]  # None: no report, or the commitment is not in its checklist
    items: list[ItemRow]


def _merged(sequences: Iterable[Sequence[str]]) -> list[str]:
    """Every id of the sequences once, in order: an id only a later sequence has is placed
    after the id that precedes it there."""
    merged: list[str] = []
    for sequence in sequences:
        previous: str | None = None
        for key in sequence:
            if key not in merged:
                merged.insert(merged.index(previous) + 1 if previous is not None else 0, key)
            previous = key
    return merged


def align(reports: Sequence[CompanyReport | None], only: str | None = None) -> list[CommitmentRow]:
    """The rows of a comparison of these reports (None: a column without one): every
    commitment and item of their checklists, or only those of the commitment, or the one
    item, whose id is ``only``. An id none of the checklists has is a CompareRefusal."""
    checklists = [r.checklist for r in reports if r is not None]
    commitments: dict[str, Commitment] = {}
    items: dict[str, Item] = {}
    for checklist in checklists:
        for c in checklist.commitments:
            commitments.setdefault(c.id, c)
            for it in c.items:
                items.setdefault(it.id, it)
    commitment_id = item_id = None
    if only is not None:
        if only in commitments:
            commitment_id = only
        elif only in items:
            item_id = only
        else:
            raise CompareRefusal("compare.unknown_filter", only)
    rows = []
    for cid in _merged([c.id for c in checklist.commitments] for checklist in checklists):
        if commitment_id is not None and cid != commitment_id:
            continue
        per_checklist = [
            [it.id for c in checklist.commitments if c.id == cid for it in c.items]
            for checklist in checklists
        ]
        item_rows = [
            ItemRow(items[iid], [_cell(report, iid) for report in reports])
            for iid in _merged(per_checklist)
            if item_id is None or iid == item_id
        ]
        if not item_rows:
            continue
        rows.append(
            CommitmentRow(
                commitments[cid],
                [
                    report.scorecard.by_commitment.get(cid) if report is not None else None
                    for report in reports
                ],
                item_rows,
            )
        )
    return rows


def _cell(report: CompanyReport | None, item_id: str) -> Cell:
    if report is None:
        return Cell(in_checklist=False, answer=None)
    in_checklist = any(it.id == item_id for it in report.checklist.items)
    return Cell(in_checklist=in_checklist, answer=report.answers.get(item_id))
