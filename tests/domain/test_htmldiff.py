"""Differences of two narratives shown on their rendered text: Markdown formatting kept,
insertions in <ins>, deletions in <del>, and the result as safe as the sanitised inputs."""

import nh3
import pytest

from tracker.domain.diff import DiffBudget
from tracker.domain.htmldiff import html_diff
from tracker.domain.markdown import render_markdown


def diff(before: str, after: str, budget: DiffBudget | None = None) -> str:
    return html_diff(render_markdown(before), render_markdown(after), budget)


def test_formatting_is_kept_and_changes_marked():
    assert (
        diff("We run **red-teaming** yearly.", "We run **red-teaming** every quarter.")
        == "<p>We run <strong>red-teaming</strong> <del>yearly</del><ins>every quarter</ins>.</p>"
    )


def test_a_word_that_became_bold_is_a_change():
    assert (
        diff("a plan", "a **plan**") == "<p>a <del>plan</del><strong><ins>plan</ins></strong></p>"
    )


def test_removed_text_keeps_its_formatting_but_not_its_link():
    out = diff("See [the policy](https://a.example/p) and *more*.", "See this.")
    assert "<del>" in out and "<em>more</em>" in out
    assert 'href="https://a.example/p"' not in out  # removed text leads nowhere


def test_lists_and_paragraphs():
    assert diff("- a\n- b\n- c", "- a\n- c") == "<ul><li>a</li><li><del>b</del></li><li>c</li></ul>"
    assert (
        diff("One.\n\nGone.\n\nThree.", "One.\n\nThree.")
        == "<p>One.</p><p><del>Gone.</del></p><p>Three.</p>"
    )
    assert diff("", "New") == "<p><ins>New</ins></p>"
    assert diff("Old", "") == "<p><del>Old</del></p>"


def test_chinese_character_by_character():
    assert diff("我们有红队测试。", "我们有完整的红队测试流程。") == (
        "<p>我们有<ins>完整的</ins>红队测试<ins>流程</ins>。</p>"
    )


HOSTILE = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[x](javascript:alert(1))",
    "<iframe src=https://evil.example></iframe>",
    '<p style="color:red" onclick="alert(1)">styled</p>',
    "&lt;script&gt;alert(1)&lt;/script&gt; in text",
    "`<b>code</b>`",
    "<del>a</del><ins>fake</ins>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_html_in_a_narrative_stays_sanitised(hostile):
    for before, after in ((hostile, "Plain."), ("Plain.", hostile), (hostile, hostile + " x")):
        out = diff(before, after)
        lowered = out.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert "javascript:" not in lowered and "<iframe" not in lowered and "style=" not in lowered
        assert "<img" not in lowered
        # Nothing a sanitiser allowing <ins> and <del> would still take out.
        cleaner = nh3.Cleaner(
            tags={"p", "ins", "del", "strong", "em", "code", "a", "b", "br"},
            attributes={"a": {"href", "title"}},
            link_rel="noopener noreferrer nofollow ugc",
        )
        assert cleaner.clean(out) == out or "<a" in out or "<ul" in out


def test_escaped_text_stays_text():
    out = diff("Plain.", "&lt;script&gt;alert(1)&lt;/script&gt; in text")
    assert "&lt;script&gt;" in out and "<script" not in out


def test_a_long_text_is_bounded_and_whole():
    before = "\n\n".join(f"Paragraph {n} says word{n} again." for n in range(2000))
    after = before.replace("word5 ", "changed5 ").replace("word1990", "changed1990")
    out = diff(before, after, DiffBudget(1000))
    assert "<ins>changed5</ins>" in out or "changed5" in out
    assert out.count("<p>") == 2000 + out.count("<p><del>")


def test_a_spent_budget_shows_the_change_whole():
    out = diff("alpha beta gamma delta", "alpha zeta gamma epsilon", DiffBudget(0))
    assert "<del>" in out and "<ins>" in out and "zeta" in out


def test_a_long_text_is_compared_paragraph_by_paragraph():
    """Too many tokens to compare at once: the paragraphs are compared, then the words of the
    ones that changed."""
    before = "\n\n".join(f"Paragraph {n} says word{n} again and again." for n in range(300))
    after = before.replace("word5 ", "changed5 ").replace("word290 ", "changed290 ")
    out = diff(before, after)
    assert "<del>word5</del><ins>changed5</ins>" in out
    assert "<del>word290</del><ins>changed290</ins>" in out
    assert out.count("<p>") == 300 and out.count("<ins>") == 2
