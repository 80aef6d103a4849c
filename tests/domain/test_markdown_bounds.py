"""Rendering is bounded: every generated family of slow Markdown, at sizes up to the form's
limit, renders within the budget; ordinary Markdown renders exactly as python-markdown alone
renders it; the hard budget abandons a render that overruns it."""

from __future__ import annotations

import time

import markdown as python_markdown
import pytest

from tests.support import pathological
from tests.support.pathological import (
    FAMILIES,
    cpu_seconds,
    machine_factor,
    mixed_families,
    random_markdown,
)
from tracker.config import DEFAULTS
from tracker.domain import markdown
from tracker.domain.markdown import (
    RenderOverrun,
    plain_paragraphs,
    render_markdown,
    render_within,
)

LIMIT = DEFAULTS["NARRATIVE_MAX_LENGTH"]  # the longest narrative the filing form accepts
BUDGET = 0.25  # seconds of CPU for one render at that length, on the reference machine


def budget() -> float:
    """BUDGET on this machine (tests.support.pathological.machine_factor)."""
    return BUDGET * machine_factor()


def test_the_families_are_built_at_the_forms_limit():
    assert pathological.LIMIT == LIMIT


def render_seconds(text: str) -> float:
    return cpu_seconds(render_markdown, text)


@pytest.mark.timed
@pytest.mark.parametrize("size", [2_000, LIMIT])
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_renders_within_the_budget(family, size):
    text = FAMILIES[family](size)
    assert len(text) <= size
    seconds = render_seconds(text)
    assert seconds < budget(), f"{family} at {size} characters: {seconds:.3f} s"


@pytest.mark.timed
@pytest.mark.parametrize("seed", range(24))
def test_random_markdown_renders_within_the_budget(seed):
    seconds = render_seconds(random_markdown(seed, LIMIT))
    assert seconds < budget(), f"seed {seed}: {seconds:.3f} s"


@pytest.mark.timed
@pytest.mark.parametrize("seed", range(40))
def test_families_mixed_together_render_within_the_budget(seed):
    seconds = render_seconds(mixed_families(seed, LIMIT))
    assert seconds < budget(), f"seed {seed}: {seconds:.3f} s"


@pytest.mark.timed
def test_the_machine_factor_scales_but_cannot_hide_a_blow_up():
    """The factor is this machine's speed, not a way out: a render a hundred times slower than
    an ordinary text of its length (what python-markdown did with 10,000 "[") is over budget on
    any machine."""
    factor = machine_factor()
    assert 1.0 <= factor < 20, f"factor {factor:.1f}: is this machine that slow?"
    ordinary = render_seconds(FAMILIES["ordinary markdown"](LIMIT))
    assert 100 * ordinary > budget()


def test_a_table_too_large_to_build_stays_text():
    wide = "|a" * 1_500 + "\n" + "|-" * 1_500 + "\n" + "|\n" * 4_000  # 6 million cells
    assert "<table>" not in render_markdown(wide)
    assert "<table>" in render_markdown("a|b\n-|-\n" + "|1|2|\n" * 1_000)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "![" * 5_000,
        "[" * LIMIT,
        "[a](" * 5_000,
        "".join("`" * k + "a" for k in range(1, 150)),
    ],
    ids=["10k [", "5k ![", "20k [", "unclosed links", "unpaired backticks"],
)
def test_the_reported_inputs_render_literally(text):
    html = render_markdown(text)
    assert html == f"<p>{text}</p>"


def test_nesting_beyond_the_cap_renders_flat_instead_of_recursing():
    quotes = render_markdown("> " * 3_000 + "deep")
    assert quotes.count("<blockquote>") == markdown.MAX_NESTING
    assert "deep" in quotes
    lists = render_markdown("1. " * 3_000 + "deep")
    assert lists.count("<ol>") == markdown.MAX_NESTING
    assert "deep" in lists


# The old pipeline (python-markdown, then nh3), for comparison with the bounded one.
def legacy_render(text: str) -> str:
    html = python_markdown.markdown(text, extensions=["sane_lists", "tables"])
    html = markdown._HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}", html)
    return markdown._CLEANER.clean(html)


ORDINARY = [
    "**Bold** and *em*\n\n- one\n- two\n\n[site](https://example.org)",
    "# Top\n\n## Next\n\nText\n===\n\nMore\n---\n\n***",
    "A [link](https://example.org/a_(b)) and [another](https://x.example 'title').",
    "Nested [a [b] c](https://example.org) and [ref][r] and [r].\n\n[r]: https://r.example",
    "Code `a [b (c` and ``x ` y`` and `unclosed, then [link](https://e.org)",
    "    code [block (with\n    brackets\n\nafter",
    "> quoted\n> > twice\n>\n> back [x](https://e.org)",
    "1. one\n2. two\n    - nested (a\n    - b)\n3. three",
    "| a | b |\n|---|:-:|\n| 1 | [2](https://e.org) |\n| 3 | `|` |",
    'a < b and c > d, <https://auto.example>, <em>raw</em> <span title="[x">y</span>',
    "Escapes: \\[ \\] \\( \\) \\` and \\\\[real](https://e.org)",
    "Parentheses (one (two (three))) and an open one (here.",
    "Unclosed [bracket here and ] later ] and ![img](https://i.example/x.png)",
    "中文 **加粗** 与 [链接](https://example.cn)（括号）【方括号】",
    "line one  \nline two\n\n- a\n\n- b\n\n1) x\n2) y",
    "<!-- comment [x -->\n\n<div>\n[md](https://e.org)\n</div>",
    "Email <someone@example.org> and &amp; &copy; &#91; entity",
    "* star list\n+ plus list\n\n---\n\n___",
    "`code with <b>tag` and a < c < d",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_markdown_renders_exactly_as_before(text):
    assert render_markdown(text) == legacy_render(text)


@pytest.mark.parametrize("family", ["ordinary markdown", "cjk plain", "latin plain"])
def test_long_ordinary_text_renders_exactly_as_before(family):
    text = FAMILIES[family](5_000)
    assert render_markdown(text) == legacy_render(text)


def test_private_use_characters_in_the_text_do_not_come_out_as_markup():
    assert render_markdown("a \ue000 \ue005 b") == "<p>a \ufffd \ufffd b</p>"


def test_render_within_gives_the_same_html():
    for text in ORDINARY:
        assert render_within(text) == render_markdown(text)
    assert render_within("") == ""


def test_an_overrun_is_abandoned_and_the_next_render_works():
    slow = FAMILIES["ordinary markdown"](LIMIT)  # tens of milliseconds: far past 1 ms
    start = time.monotonic()
    with pytest.raises(RenderOverrun):
        render_within(slow, seconds=0.001)
    assert time.monotonic() - start < 1.0  # the worker did not wait for the render
    assert render_within("*again*") == "<p><em>again</em></p>"
    assert render_within(slow) == render_markdown(slow)


def slow_to_start(connection) -> None:
    """A helper process whose start takes longer than a render's budget (top level: the
    helper process imports it by name)."""
    time.sleep(1.5)
    markdown._serve(connection)


def test_a_helper_slow_to_start_is_waited_for_and_then_kept():
    """Starting the helper is not part of a render's budget: a start that took longer than
    the budget used to be killed as an overrun, again and again, and nothing rendered."""
    helper = markdown._Helper(slow_to_start)
    try:
        assert helper.render("*a*", 0.5) == "<p><em>a</em></p>"
        started = helper.pid
        assert started is not None
        assert [helper.render("**b**", 0.5) for _ in range(20)] == [
            "<p><strong>b</strong></p>"
        ] * 20
        assert helper.pid == started  # started once, never killed
    finally:
        helper._stop()


def test_a_helper_that_never_says_it_is_ready_is_given_up(monkeypatch):
    monkeypatch.setattr(markdown, "STARTUP_BUDGET", 0.2)
    helper = markdown._Helper(slow_to_start)
    try:
        # no helper to be had: rendered in this process instead, still bounded by design
        assert helper.render("*a*", 0.5) == "<p><em>a</em></p>"
        assert helper.pid is None
    finally:
        helper._stop()


def test_the_fallback_is_escaped_plain_paragraphs():
    assert plain_paragraphs("<b>x</b> [a](b)\nnext\n\nsecond") == (
        "<p>&lt;b&gt;x&lt;/b&gt; [a](b)<br>\nnext</p>\n<p>second</p>"
    )
    assert plain_paragraphs("  ") == ""
