"""Word-level differences (character-level for Chinese) between two versions of an answer."""

import pytest

from tests.support.pathological import CJK, DIFF_PAIRS, cpu_seconds, machine_factor
from tracker.domain.diff import MAX_PAGE_PAIRS, Chunk, DiffBudget, text_diff


def same(text: str) -> Chunk:
    return Chunk("same", text)


def added(text: str) -> Chunk:
    return Chunk("added", text)


def removed(text: str) -> Chunk:
    return Chunk("removed", text)


def rebuild(chunks: list[Chunk]) -> tuple[str, str]:
    """The texts before and after, put back together from the chunks."""
    before = "".join(c.text for c in chunks if c.kind in ("same", "removed"))
    after = "".join(c.text for c in chunks if c.kind in ("same", "added"))
    return before, after


@pytest.mark.parametrize("text", ["We have a team.", "我们设立了安全团队。", "line one\nline two"])
def test_identical_text_is_one_same_chunk(text):
    assert text_diff(text, text) == [same(text)]


def test_an_inserted_word():
    assert text_diff("We test models.", "We test all models.") == [
        same("We test "),
        added("all "),
        same("models."),
    ]


def test_a_removed_phrase():
    assert text_diff(
        "We test all of our models before release.", "We test models before release."
    ) == [same("We test"), removed(" all of our"), same(" models before release.")]


def test_a_changed_word_is_removed_then_added():
    assert text_diff("Team of 5 people.", "Team of 12 people.") == [
        same("Team of "),
        removed("5"),
        added("12"),
        same(" people."),
    ]


def test_a_word_is_not_split():
    # "modelling" is a different word from "models", not "model" plus "ling"
    chunks = text_diff("We test models.", "We test modelling.")
    assert removed("models") in chunks and added("modelling") in chunks


def test_chinese_shows_only_the_changed_characters():
    assert text_diff("我们每季度开展一次红队测试。", "我们每月开展一次红队测试。") == [
        same("我们每"),
        removed("季度"),
        added("月"),
        same("开展一次红队测试。"),
    ]


def test_chinese_insertion():
    assert text_diff("模型安全", "模型安全评测") == [same("模型安全"), added("评测")]
    assert text_diff("发布前评测", "发布前安全评测") == [
        same("发布前"),
        added("安全"),
        same("评测"),
    ]


def test_mixed_chinese_and_english_separated_by_spaces():
    assert text_diff("我们使用 HELM Safety 基准", "我们使用 HarmBench 基准") == [
        same("我们使用 "),
        removed("HELM Safety"),
        added("HarmBench"),
        same(" 基准"),
    ]


def test_chinese_after_latin_letters_shows_only_the_changed_characters():
    assert text_diff("我们的AI安全团队有五人", "我们的AI安全团队有六人") == [
        same("我们的AI安全团队有"),
        removed("五"),
        added("六"),
        same("人"),
    ]


def test_empty_before_or_after():
    assert text_diff("", "") == []
    assert text_diff("", "New text.") == [added("New text.")]
    assert text_diff("Old text.", "") == [removed("Old text.")]
    assert text_diff(None, "新的") == [added("新的")]  # type: ignore[arg-type]
    assert text_diff("旧的", None) == [removed("旧的")]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "We have a team of five.\n\nIt reports to the CTO.",
            "We have a team of seven.\n\nIt reports to the CEO and the board.",
        ),
        ("我们设立了安全团队，共五人。", "我们设立了人工智能安全团队，共七人，向首席执行官汇报。"),
        ("", "x"),
        ("a  b\tc", "a b c"),
    ],
)
def test_the_chunks_rebuild_both_texts(before, after):
    chunks = text_diff(before, after)
    assert rebuild(chunks) == (before, after)
    assert all(c.text for c in chunks)
    assert all(c.kind in ("same", "added", "removed") for c in chunks)


# --- bounded cost -------------------------------------------------------------------------------

PAIRS = DIFF_PAIRS
BUDGET = 0.2  # seconds of CPU for one diff at the form's limit


@pytest.mark.timed
@pytest.mark.parametrize("case", list(PAIRS))
def test_a_diff_at_the_limit_stays_within_the_budget(case):
    before, after = PAIRS[case]
    chunks = text_diff(before, after)
    seconds = cpu_seconds(text_diff, before, after)
    assert seconds < BUDGET * machine_factor(), f"{case}: {seconds:.3f} s"
    # Whatever the path, the new text is all there, in order.
    assert "".join(c.text for c in chunks if c.kind != "removed") == after
    assert (
        "".join(c.before if c.kind == "changed" else c.text for c in chunks if c.kind != "added")
        == before
    )


def test_one_edit_in_a_long_text_still_shows_just_that_edit():
    before, after = PAIRS["cjk edited once"]
    chunks = text_diff(before, after)
    assert [c.kind for c in chunks] == ["same", "removed", "added", "same"]
    assert chunks[1].text == CJK[10_000] and chunks[2].text == "月"


def test_a_part_too_long_to_compare_is_shown_as_changed():
    before, after = PAIRS["cjk shifted"]
    chunks = text_diff(before, after)
    assert [c.kind for c in chunks] == ["changed"]
    assert chunks[0].text == after and chunks[0].before == before


def _page_of_diffs(pairs: int) -> tuple[float, list[list[Chunk]]]:
    """40 diffs of the same two long texts sharing one budget of ``pairs``: CPU time, chunks."""
    before, after = DIFF_PAIRS["many changed lines between same ones"]
    budget = DiffBudget(pairs)
    shown: list[list[Chunk]] = []
    seconds = cpu_seconds(lambda: shown.extend(text_diff(before, after, budget) for _ in range(40)))
    return seconds, shown


@pytest.mark.timed
def test_one_budget_bounds_all_the_diffs_of_a_page():
    _, after = DIFF_PAIRS["many changed lines between same ones"]
    # Reading 40 texts of 20,000 characters costs time whatever the budget (tokens, common
    # ends): that floor is measured with an empty budget, and what the page's budget buys on
    # top of it is what must stay bounded. Best of three for both: the machine is shared.
    floor = min(_page_of_diffs(0)[0] for _ in range(3))
    runs = [_page_of_diffs(MAX_PAGE_PAIRS) for _ in range(3)]
    seconds = min(run[0] for run in runs)
    assert seconds - floor < 2 * BUDGET * machine_factor(), f"{seconds:.3f} s over {floor:.3f} s"
    # The first diffs go word by word; once the page's budget is spent, the rest show the
    # changed part whole, and still rebuild the new text.
    shown = runs[0][1]
    assert len(shown[-1]) < len(shown[0])
    assert "changed" in [c.kind for c in shown[-1]]
    for chunks in shown:
        assert "".join(c.text for c in chunks if c.kind != "removed") == after


def test_a_spent_budget_is_not_overdrawn():
    budget = DiffBudget(100)
    assert not budget.take(101) and budget.pairs == 100
    assert budget.take(100) and budget.pairs == 0
    assert text_diff("a b", "a c", budget) == [Chunk("same", "a "), Chunk("changed", "c", "b")]
