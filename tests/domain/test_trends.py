"""A company's scores across cycles, and the change summary of one cycle against the last:
score deltas, status changes, items a newer checklist added or dropped."""

from datetime import UTC, datetime

from tracker.domain.checklist import Checklist, Commitment, Item
from tracker.domain.company_report import PublicationRecord, ReportAnswer, build, compare
from tracker.domain.languages import Text
from tracker.domain.scoring import score_disclosure
from tracker.domain.statuses import Status
from tracker.domain.trends import CycleScores, ScoreChange, score_changes, trend

M, P, N, NA = Status.MET, Status.PARTIALLY_MET, Status.NOT_MET, Status.NOT_APPLICABLE


def item(item_id: str) -> Item:
    return Item(
        id=item_id,
        commitment_id=item_id.split(".")[0],
        title=Text(f"Title {item_id}", f"标题 {item_id}"),
        guidance=Text("g", "g"),
        required=True,
        weight=1,
        statuses=tuple(Status),
        narrative=True,
        evidence=True,
        fields=(),
        crosswalk=(),
    )


def checklist(version: str, ids: list[str]) -> Checklist:
    commitments = {}
    for item_id in ids:
        commitments.setdefault(item_id.split(".")[0], []).append(item(item_id))
    return Checklist(
        id="test",
        version=version,
        released="2025-01-01",
        title=Text("Test", "测试"),
        publisher=Text("p", "p"),
        source=Text("s", "s"),
        commitments=tuple(
            Commitment(cid, Text(f"Commitment {cid}", f"承诺 {cid}"), Text("", ""), tuple(items))
            for cid, items in commitments.items()
        ),
        content_hash="0" * 64,
    )


OLD = checklist("2024.1", ["c1.a", "c1.b", "c2.a", "c2.gone"])
NEW = checklist("2025.1", ["c1.a", "c1.b", "c2.a", "c3.new"])


def cycle(slug: str, list_: Checklist, statuses: dict) -> CycleScores:
    return CycleScores(slug, Text(slug, slug), 1, list_, score_disclosure(list_, statuses))


def test_the_trend_lists_every_commitment_of_any_cycle_oldest_cycle_first():
    t = trend(
        [
            cycle("2024", OLD, {"c1.a": N, "c1.b": P, "c2.a": M, "c2.gone": M}),
            cycle("2025", NEW, {"c1.a": M, "c1.b": M, "c2.a": M, "c3.new": P}),
        ]
    )
    assert t.has_history
    assert [c.slug for c in t.cycles] == ["2024", "2025"]
    assert t.overall.values == [63, 88]
    rows = {r.commitment_id: r for r in t.rows}
    assert list(rows) == ["c1", "c2", "c3"]  # the latest checklist's order
    assert rows["c1"].values == [25, 100]
    assert rows["c1"].last_change == ScoreChange(25, 100)
    assert rows["c1"].last_change.delta == 75 and rows["c1"].last_change.direction == "up"
    assert rows["c3"].values == [None, 50] and rows["c3"].present == [False, True]
    assert rows["c3"].last_change.direction is None  # nothing to compare with


def test_one_cycle_is_no_history():
    t = trend([cycle("2025", NEW, {"c1.a": M})])
    assert not t.has_history
    assert t.overall.last_change.delta is None


def test_a_commitment_only_an_older_checklist_had_comes_last():
    t = trend([cycle("2024", NEW, {}), cycle("2025", OLD, {})])
    assert [r.commitment_id for r in t.rows] == ["c1", "c2", "c3"]
    assert [r.present for r in t.rows][-1] == [True, False]


def test_directions():
    assert ScoreChange(56, 78).direction == "up" and ScoreChange(56, 78).delta == 22
    assert ScoreChange(78, 56).direction == "down" and ScoreChange(78, 56).delta == -22
    assert ScoreChange(50, 50).direction == "same"
    assert ScoreChange(None, 50).direction is None
    # Every item not applicable: no score, no delta.
    before = score_disclosure(OLD, {"c1.a": NA, "c1.b": NA})
    after = score_disclosure(NEW, {"c1.a": M})
    [_overall, c1, *_] = score_changes(before, after, OLD, NEW)
    assert c1.change == ScoreChange(None, 50) and c1.change.direction is None


def report(list_: Checklist, answers: dict):
    return build(
        company={"slug": "a", "name_en": "A", "name_zh": "甲"},
        cycle={"slug": "c", "name_en": "C", "name_zh": "丙"},
        checklist=list_,
        answers={k: ReportAnswer(s, "", text, [], {}) for k, (s, text) in answers.items()},
        publication=PublicationRecord(1, datetime(2025, 1, 1, tzinfo=UTC), "0" * 64, 1, "1" * 64),
    )


def test_the_change_summary_leads_with_scores_then_statuses_and_checklist_changes():
    earlier = report(
        OLD,
        {
            "c1.a": (N, "No team yet."),
            "c1.b": (M, "The **CTO**."),
            "c2.a": (M, "Same."),
            "c2.gone": (M, "Dropped item."),
        },
    )
    current = report(
        NEW,
        {
            "c1.a": (M, "A team of *four*."),
            "c1.b": (M, "The **CTO** and the board."),
            "c2.a": (M, "Same."),
            "c3.new": (P, "Started."),
        },
    )
    cmp = compare(current, earlier)
    scores = {s.commitment_id: s for s in cmp.scores}
    assert list(scores) == ["", "c1", "c2", "c3"]  # overall first, then this checklist's order
    assert scores[""].change == ScoreChange(75, 88)
    assert (scores["c1"].change.before, scores["c1"].change.after) == (50, 100)
    assert scores["c1"].change.direction == "up"
    assert scores["c2"].change == ScoreChange(100, 100)
    assert not scores["c3"].in_before and scores["c3"].change.before is None
    assert [(c.item.id, c.status_before, c.status_after) for c in cmp.status_changes] == [
        ("c1.a", N, M)
    ]
    assert [i.id for i in cmp.added_items] == ["c3.new"]
    assert [i.id for i in cmp.removed_items] == ["c2.gone"]
    assert [i.id for i in cmp.new_items] == ["c3.new"]
    narratives = {c.item.id: c.narrative for c in cmp.narrative_changes}
    assert set(narratives) == {"c1.a", "c1.b"}
    # On the rendered text: the bold stays bold, the emphasis is there, no Markdown marks.
    assert narratives["c1.b"] == "<p>The <strong>CTO</strong><ins> and the board</ins>.</p>"
    assert "<em>" in narratives["c1.a"] and "*" not in narratives["c1.a"]
    assert cmp.unchanged == 1


def test_the_trend_chart_is_titled_escaped_and_draws_the_last_three_cycles():
    from xml.etree import ElementTree

    from tracker.domain.charts import TrendLine, trend_chart

    svg = trend_chart(
        [
            TrendLine("Overall", "", [10, 20, 30, 40], strong=True),
            TrendLine("C1", '<script>alert("x")</script> & co', [None, 50, 40, 78]),
        ],
        ["2022", "2023", "2024", "<b>2025</b>"],
        chart_id="t",
        title="Scores & more",
        desc="Overall 10 → 40",
        na_label="n/a",
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG: well-formed, labels escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{ns}title").text == "Scores & more"
    assert root.find(f"{ns}desc").text == "Overall 10 → 40"
    assert "<script" not in svg and "<b>" not in svg
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "<b>2025</b>" in texts and "2022" not in texts  # the last three cycles
    assert "20 → 30 → 40" in texts and "50 → 40 → 78" in texts
    assert len(list(root.iter(f"{ns}circle"))) == 2 + 1  # the latest, per row, and the legend
