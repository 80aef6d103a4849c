"""Scoring: table-driven, with the edge cases the methodology names."""

import pytest

from tracker.domain.checklist import Checklist, Commitment, Item
from tracker.domain.languages import Text
from tracker.domain.scoring import score_disclosure, score_items
from tracker.domain.statuses import Status

M, P, N, NA, ND = (
    Status.MET,
    Status.PARTIALLY_MET,
    Status.NOT_MET,
    Status.NOT_APPLICABLE,
    Status.NOT_DISCLOSED,
)


def item(item_id: str, weight: float = 1) -> Item:
    return Item(
        id=item_id,
        commitment_id=item_id.split(".")[0],
        title=Text("t", "t"),
        guidance=Text("g", "g"),
        required=True,
        weight=weight,
        statuses=tuple(Status),
        narrative=True,
        evidence=True,
        fields=(),
        crosswalk=(),
    )


A, B, C = item("c1.a"), item("c1.b"), item("c1.c", weight=2)


@pytest.mark.parametrize(
    ("items", "statuses", "expected_value", "counted", "not_applicable"),
    [
        ([A], {"c1.a": M}, 1.0, 1, 0),
        ([A], {"c1.a": P}, 0.5, 1, 0),
        ([A], {"c1.a": N}, 0.0, 1, 0),
        ([A], {"c1.a": ND}, 0.0, 1, 0),
        ([A], {}, 0.0, 1, 0),  # unanswered counts as not disclosed
        ([A], {"c1.a": None}, 0.0, 1, 0),  # a blank answer too
        ([A], {"c1.a": NA}, None, 0, 1),  # all not applicable: no score, not 0
        ([A, B], {"c1.a": M, "c1.b": NA}, 1.0, 1, 1),  # N/A leaves the denominator
        ([A, B], {"c1.a": M, "c1.b": P}, 0.75, 2, 0),
        ([A, C], {"c1.a": N, "c1.c": M}, 2 / 3, 2, 0),  # weight 2 counts twice
        ([A, C], {"c1.a": M, "c1.c": P}, 2 / 3, 2, 0),
        ([A, C], {"c1.a": M, "c1.c": NA}, 1.0, 1, 1),
        ([], {}, None, 0, 0),  # no items at all
        ([A, B, C], {"c1.a": ND, "c1.b": N, "c1.c": ND}, 0.0, 3, 0),
    ],
)
def test_score_items(items, statuses, expected_value, counted, not_applicable):
    score = score_items(items, statuses)
    assert (
        score.value == pytest.approx(expected_value)
        if expected_value is not None
        else score.value is None
    )
    assert (score.counted, score.not_applicable) == (counted, not_applicable)


@pytest.mark.parametrize(
    ("earned_statuses", "percent"),
    [({"c1.a": M, "c1.b": P}, 75), ({"c1.a": P, "c1.b": N}, 25), ({"c1.a": NA, "c1.b": NA}, None)],
)
def test_percent_rounds_half_up_and_keeps_none(earned_statuses, percent):
    assert score_items([A, B], earned_statuses).percent == percent


def test_percent_of_two_thirds_is_67():
    assert score_items([A, C], {"c1.a": N, "c1.c": M}).percent == 67


def test_scorecard_per_commitment_and_overall():
    c1 = Commitment(id="c1", title=Text("1", "1"), guidance=Text("", ""), items=(A, B))
    d = item("c2.d")
    c2 = Commitment(id="c2", title=Text("2", "2"), guidance=Text("", ""), items=(d,))
    checklist = Checklist(
        id="x",
        version="1",
        released="2025-01",
        title=Text("x", "x"),
        publisher=Text("p", "p"),
        source=Text("s", "s"),
        commitments=(c1, c2),
        content_hash="h",
    )
    card = score_disclosure(checklist, {"c1.a": M, "c1.b": N, "c2.d": NA})
    assert card.by_commitment["c1"].value == 0.5
    assert card.by_commitment["c2"].value is None
    assert card.overall.value == 0.5
    empty = score_disclosure(checklist, {})
    assert empty.overall.value == 0.0
    assert all(s.value == 0.0 for s in empty.by_commitment.values())
