"""Scores from answers and checklist weights.

Methodology (printed in the README and every report): each item earns credit
met = 1, partially met = 0.5, not met = 0, not disclosed = 0, and an item left unanswered counts
as not disclosed. An item marked not applicable leaves the denominator. A score is
sum(weight x credit) / sum(weight) over the items that count, per commitment and overall; it is
``None`` when no item counts (everything not applicable), which is not the same as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.domain.checklist import Checklist, Item
from tracker.domain.statuses import CREDIT, Status


@dataclass(frozen=True)
class Score:
    """Earned and possible weight over a set of items; ``value`` is their ratio or None."""

    earned: float
    possible: float
    counted: int
    not_applicable: int

    @property
    def value(self) -> float | None:
        return self.earned / self.possible if self.possible else None

    @property
    def percent(self) -> int | None:
        """The score as a whole percentage, rounded half up, or None."""
        value = self.value
        return None if value is None else int(value * 100 + 0.5)


@dataclass(frozen=True)
class Scorecard:
    overall: Score
    by_commitment: dict[str, Score]


def score_items(items: Iterable[Item], statuses: Mapping[str, Status | None]) -> Score:
    """Score some items from a mapping item id -> status (missing or None: not disclosed)."""
    earned = possible = 0.0
    counted = not_applicable = 0
    for item in items:
        status = statuses.get(item.id) or Status.NOT_DISCLOSED
        if status is Status.NOT_APPLICABLE:
            not_applicable += 1
            continue
        earned += item.weight * CREDIT[status]
        possible += item.weight
        counted += 1
    return Score(earned=earned, possible=possible, counted=counted, not_applicable=not_applicable)


def score_disclosure(checklist: Checklist, statuses: Mapping[str, Status | None]) -> Scorecard:
    """Per-commitment and overall scores of one disclosure."""
    return Scorecard(
        overall=score_items(checklist.items, statuses),
        by_commitment={c.id: score_items(c.items, statuses) for c in checklist.commitments},
    )
