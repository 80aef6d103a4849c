"""What a comparison asks for (parse_selection) and how its columns line up (align)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.domain import company_report
from tracker.domain.checklist import Checklist, load_checklist_file
from tracker.domain.comparison import (
    Cell,
    CompareRefusal,
    Selection,
    _merged,
    align,
    parse_selection,
)
from tracker.domain.statuses import Status


def test_companies_side_by_side_in_the_readers_order():
    selection = parse_selection(["b, a", ""], "2025", [], "c2")
    assert selection == Selection(("b", "a"), "2025", (), "c2")
    assert selection.is_comparison and not selection.across_cycles
    assert selection.query() == [("companies", "b,a"), ("cycle", "2025"), ("commitment", "c2")]


def test_the_pickers_repeated_fields_read_as_one_list():
    selection = parse_selection(["a", "b", "", "c"], None, [])
    assert selection.companies == ("a", "b", "c")
    assert selection.query() == [("companies", "a,b,c")]


def test_one_company_across_cycles():
    selection = parse_selection(["a"], None, ["2024", "2025"])
    assert selection.across_cycles and selection.columns == 2
    assert selection.query() == [("companies", "a"), ("cycles", "2024,2025")]


def test_one_company_alone_is_not_yet_a_comparison():
    assert not parse_selection(["a"], None, []).is_comparison
    assert not parse_selection(["a"], None, ["2025"]).is_comparison
    assert not parse_selection([], None, []).is_comparison


@pytest.mark.parametrize(
    ("companies", "cycle", "cycles", "code"),
    [
        (["a,b,c,d,e"], None, [], "compare.too_many"),
        (["a,b,a"], None, [], "compare.duplicate"),
        (["a"], None, ["x,y,x"], "compare.duplicate"),
        (["a"], None, ["1,2,3,4,5"], "compare.too_many"),
        (["a"], "x", ["x,y"], "compare.cycle_and_cycles"),
        (["a,b"], None, ["x,y"], "compare.cycles_need_one_company"),
    ],
)
def test_what_cannot_be_compared_is_refused_with_what_was_wrong(companies, cycle, cycles, code):
    with pytest.raises(CompareRefusal) as refused:
        parse_selection(companies, cycle, cycles)
    assert refused.value.code == code and refused.value.status == 400


def test_a_refused_value_is_cut_short():
    with pytest.raises(CompareRefusal) as refused:
        parse_selection(["x" * 500 + ",y", "x" * 500], None, [])
    assert len(refused.value.value) == 41


def test_ids_only_a_later_sequence_has_go_after_their_predecessor():
    assert _merged([["a", "b", "d"], ["a", "b", "c", "d", "e"], ["z", "a"]]) == [
        "z",
        "a",
        "b",
        "c",
        "d",
        "e",
    ]


COMMITMENTS = Path(__file__).resolve().parents[2] / "commitments"


def checklist(name: str) -> Checklist:
    return load_checklist_file(COMMITMENTS / name)[1]


def report(cl: Checklist, statuses: dict[str, Status]) -> company_report.CompanyReport:
    return company_report.build(
        company={"slug": "x", "name_en": "X", "name_zh": "X"},
        cycle={"slug": "y", "name_en": "Y", "name_zh": "Y"},
        checklist=cl,
        answers={
            item_id: company_report.ReportAnswer(status, "", "", [], {})
            for item_id, status in statuses.items()
        },
        publication=None,
    )


OLD = checklist("aiia-2024-2.yaml")  # 2025.2 adds c1.risk-thresholds, c1.halt-condition, c7
NEW = checklist("aiia-2025-2.yaml")


def test_items_one_version_lacks_are_shown_absent_on_that_side():
    rows = align(
        [
            report(OLD, {"c1.safety-team": Status.MET}),
            report(NEW, {"c1.risk-thresholds": Status.NOT_MET}),
            None,
        ]
    )
    assert [r.commitment.id for r in rows] == [f"c{n}" for n in range(1, 8)]
    c1 = {line.item.id: line for line in rows[0].items}
    assert list(c1) == [item.id for item in NEW.commitments[0].items]
    new = c1["c1.risk-thresholds"]
    assert not new.cells[0].in_checklist
    assert new.cells[1].in_checklist and new.cells[1].answer.status is Status.NOT_MET
    assert new.cells[2] == Cell(in_checklist=False, answer=None)
    assert c1["c1.safety-team"].cells[0].answer.status is Status.MET
    assert c1["c1.safety-team"].cells[1].in_checklist
    assert c1["c1.safety-team"].cells[1].answer is None
    c7 = rows[6]
    assert c7.scores[0] is None and c7.scores[1] is not None and c7.scores[2] is None


def test_one_commitment_or_one_item_only():
    reports = [report(OLD, {}), report(NEW, {})]
    assert [r.commitment.id for r in align(reports, "c2")] == ["c2"]
    only = align(reports, "c1.halt-condition")
    assert [r.commitment.id for r in only] == ["c1"]
    assert [line.item.id for line in only[0].items] == ["c1.halt-condition"]


def test_an_id_no_checklist_has_is_refused():
    with pytest.raises(CompareRefusal) as refused:
        align([report(OLD, {}), None], "c7")
    assert refused.value.code == "compare.unknown_filter"
