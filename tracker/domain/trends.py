"""A company's scores across cycles, and how they changed from one cycle to the next.

Plain data from the scores stored at publication of each cycle's version (oldest cycle first).
Checklist versions differ between cycles: a commitment a cycle's checklist does not have has no
value there, and the commitments are listed in the order of the latest checklist, then those
only older ones had. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.checklist import Checklist
from tracker.domain.languages import Text
from tracker.domain.scoring import Score, Scorecard


@dataclass(frozen=True)
class CycleScores:
    """One cycle's published scores: the version shown for that cycle."""

    slug: str
    name: Text
    version: int
    checklist: Checklist
    scorecard: Scorecard


@dataclass(frozen=True)
class ScoreChange:
    """A score from one cycle to the next (``None``: no score, e.g. every item not applicable,
    or the commitment was not in that cycle's checklist)."""

    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str | None:
        """ "up", "down" or "same"; None when one side has no score."""
        delta = self.delta
        if delta is None:
            return None
        return "up" if delta > 0 else "down" if delta < 0 else "same"


@dataclass(frozen=True)
class TrendRow:
    """One commitment (or the overall score: ``commitment_id`` "") across the cycles."""

    commitment_id: str
    title: Text | None  # None: the overall score
    values: list[int | None]  # per cycle, oldest first
    present: list[bool]  # whether that cycle's checklist had the commitment

    @property
    def last_change(self) -> ScoreChange:
        """From the cycle before the latest to the latest."""
        if len(self.values) < 2:
            return ScoreChange(None, self.values[-1] if self.values else None)
        return ScoreChange(self.values[-2], self.values[-1])


@dataclass(frozen=True)
class Trend:
    cycles: list[CycleScores]  # oldest first
    overall: TrendRow
    rows: list[TrendRow]  # per commitment

    @property
    def has_history(self) -> bool:
        """Two cycles or more: something to draw."""
        return len(self.cycles) > 1


def _percent(score: Score | None) -> int | None:
    return score.percent if score is not None else None


def commitment_titles(checklists: list[Checklist]) -> dict[str, Text]:
    """Commitment id -> title: the latest checklist's first, then ids only older ones have
    (``checklists`` newest first)."""
    titles: dict[str, Text] = {}
    for checklist in checklists:
        for commitment in checklist.commitments:
            titles.setdefault(commitment.id, commitment.title)
    return titles


def trend(cycles: list[CycleScores]) -> Trend:
    """The scores per commitment across ``cycles`` (oldest first)."""
    titles = commitment_titles([c.checklist for c in reversed(cycles)])
    rows = [
        TrendRow(
            cid,
            title,
            [_percent(c.scorecard.by_commitment.get(cid)) for c in cycles],
            [cid in c.scorecard.by_commitment for c in cycles],
        )
        for cid, title in titles.items()
    ]
    overall = TrendRow(
        "", None, [c.scorecard.overall.percent for c in cycles], [True] * len(cycles)
    )
    return Trend(cycles=list(cycles), overall=overall, rows=rows)


@dataclass(frozen=True)
class CommitmentChange:
    """A commitment's score in the earlier cycle and in this one (``title`` None: overall)."""

    commitment_id: str
    title: Text | None
    change: ScoreChange
    in_before: bool = True  # the earlier checklist had it
    in_after: bool = True


def score_changes(
    before: Scorecard,
    after: Scorecard,
    before_checklist: Checklist,
    after_checklist: Checklist,
) -> list[CommitmentChange]:
    """Overall first, then every commitment of either checklist (this one's order first)."""
    titles = commitment_titles([after_checklist, before_checklist])
    return [
        CommitmentChange("", None, ScoreChange(before.overall.percent, after.overall.percent)),
        *(
            CommitmentChange(
                cid,
                title,
                ScoreChange(
                    _percent(before.by_commitment.get(cid)), _percent(after.by_commitment.get(cid))
                ),
                cid in before.by_commitment,
                cid in after.by_commitment,
            )
            for cid, title in titles.items()
        ),
    ]
