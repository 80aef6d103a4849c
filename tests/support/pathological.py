"""Generated families of Markdown built to be slow, for the render and diff budgets.

Each family is a function of a length in characters: the text it returns is at most that long,
so a family at ``NARRATIVE_MAX_LENGTH`` is the worst the filing form accepts of its kind.
"""

from __future__ import annotations

import functools
import gc
import random
import time
from collections.abc import Callable

# The CPU seconds an ordinary Markdown narrative at the form's limit took to render on the
# machine where the budgets of the timed tests were set (its worst pathological render then:
# 0.126 s). The same code on a slower machine of this kind took 0.167 s, its worst 0.388 s.
REFERENCE_ORDINARY_RENDER = 0.055


@functools.cache
def machine_factor() -> float:
    """How much slower this machine renders ordinary Markdown than the one the budgets were set
    on (at least 1): the timed tests' budgets are multiplied by it, so that they catch a cost
    that grows faster than the text (seconds where milliseconds were) on any machine, and a
    slower machine does not fail them. Measured once, best of three."""
    from tracker.domain.markdown import render_markdown

    text = FAMILIES["ordinary markdown"](LIMIT)
    best = min(cpu_seconds(render_markdown, text) for _ in range(3))
    return max(1.0, best / REFERENCE_ORDINARY_RENDER)


def cpu_seconds(function: Callable[..., object], *args: object) -> float:
    """The CPU time of one call, in this process. CPU, not wall time: the machine is shared.
    The garbage collector runs before, not during: a full collection of the test session's
    large heap would be counted against whichever render it happened to interrupt."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        function(*args)
        return time.process_time() - start
    finally:
        gc.enable()


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


FAMILIES: dict[str, Callable[[int], str]] = {
    "open brackets": lambda n: _repeat("[", n),
    "close brackets": lambda n: _repeat("]", n),
    "image openers": lambda n: _repeat("![", n),
    "bracket pairs": lambda n: _repeat("[]", n),
    "link middles": lambda n: _repeat("](", n),
    "unclosed links": lambda n: _repeat("[a](", n),
    "nested links": lambda n: _repeat("[", n // 2) + _repeat("](x)", n - n // 2),
    "bracket text": lambda n: _repeat("[a ", n),
    "reference links": lambda n: _repeat("[a][b]", n),
    "parentheses": lambda n: _repeat("[a](" + "(" * 50, n),
    "stars": lambda n: _repeat("*", n),
    "star words": lambda n: _repeat("*a ", n),
    "underscores": lambda n: _repeat("_", n),
    "underscore words": lambda n: _repeat("_a ", n),
    "strong openers": lambda n: _repeat("**a ", n),
    "mixed emphasis": lambda n: _repeat("*_", n),
    "nested emphasis": lambda n: _repeat("*", n // 2) + "a" + _repeat("*", n - n // 2 - 1),
    "backticks": lambda n: _repeat("`", n),
    "backtick runs": lambda n: "".join("`" * (k % 40 + 1) + "a" for k in range(n))[:n],
    "angle brackets": lambda n: _repeat("<", n),
    "autolink openers": lambda n: _repeat("<a", n),
    "html tags": lambda n: _repeat("<div>", n),
    "html attributes": lambda n: _repeat('<a href="', n),
    "html comments": lambda n: _repeat("<!--", n),
    "entities": lambda n: _repeat("&#", n),
    "blockquote nesting": lambda n: _repeat(">", n - 1) + "a",
    "spaced blockquotes": lambda n: _repeat("> ", n - 1) + "a",
    "blockquote lines": lambda n: _repeat("> > > > > > > > a\n", n),
    "list nesting": lambda n: (
        "".join("    " * k + "- a\n" for k in range(200))[:n]
        + _repeat("- a\n", max(0, n - len("".join("    " * k + "- a\n" for k in range(200)))))
    ),
    "list markers": lambda n: _repeat("- ", n),
    "ordered markers": lambda n: _repeat("1. ", n),
    "indented lines": lambda n: _repeat("    a\n", n),
    "headings": lambda n: _repeat("#", n),
    "setext": lambda n: _repeat("a\n=\n", n),
    "rules between lines": lambda n: _repeat("a\n***\n", n),
    "definitions between lines": lambda n: _repeat("a\n[a]: b\n", n),
    "headings between lines": lambda n: _repeat("a\n# b\n", n),
    "quotes between lines": lambda n: _repeat("a\n> b\n", n),
    "reference definitions": lambda n: _repeat("[a]: http://x.example/ 'b'\n", n),
    "long reference definition": lambda n: "[a]: http://x.example/" + _repeat("a", n - 30),
    "table pipes": lambda n: "a|b\n-|-\n" + _repeat("|", n - 8),
    "table rows": lambda n: "a|b\n-|-\n" + _repeat("|a|b|\n", n - 8),
    "wide header over short rows": lambda n: (
        _repeat("|a", n // 8) + "\n" + _repeat("|-", n // 8) + "\n" + _repeat("|\n", n)
    )[:n],
    "long table": lambda n: ("a|b\n-|-\n" + _repeat("|\n", n))[:n],
    "wide table": lambda n: _repeat("|a", n // 3) + "\n" + _repeat("|-", n // 3) + "\n",
    "backslashes": lambda n: _repeat("\\", n),
    "escaped brackets": lambda n: _repeat("\\[", n),
    "line breaks": lambda n: _repeat("a  \n", n),
    "blank lines": lambda n: _repeat("\n", n),
    "cjk with brackets": lambda n: _repeat("【安全】[评测](", n),
    "cjk emphasis": lambda n: _repeat("**安全*评测_", n),
    "cjk plain": lambda n: _repeat("我们设立了安全委员会，每季度开展一次红队测试。", n),
    "latin plain": lambda n: _repeat("We test every model before release. ", n),
    "ordinary markdown": lambda n: _repeat(
        "## Team\n\nWe have **five** people and *one* [site](https://example.org).\n\n"
        "- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
        n,
    ),
}


LIMIT = 20_000  # NARRATIVE_MAX_LENGTH; tracker.config's default, checked by the tests
CJK = ("我们设立了安全委员会，每季度开展一次红队测试。" * 1_000)[:LIMIT]
LATIN = ("We test every model before release. " * 600)[:LIMIT]
# Pairs of texts at the narrative limit that make a character diff slow (before, after).
DIFF_PAIRS = {
    "cjk edited once": (CJK, CJK[:10_000] + "月" + CJK[10_001:]),
    "cjk edited at both ends": (CJK, "甲" + CJK[1:-1] + "乙"),
    "latin edited at both ends": (LATIN, "X" + LATIN[1:-1] + "Y"),
    "cjk shifted": ("甲乙" * (LIMIT // 2), "乙甲" * (LIMIT // 2)),
    "cjk unrelated": ("甲" * LIMIT, "乙" * LIMIT),
    "latin lines each changed": (
        "\n".join(["a b a b a b a"] * 1_400),
        "\n".join(["b a b a b a b"] * 1_400),
    ),
    "many changed lines between same ones": (
        "".join(f"line {k}\n" + "a b " * 120 + "\n" for k in range(40))[:LIMIT],
        "".join(f"line {k}\n" + "b a " * 120 + "\n" for k in range(40))[:LIMIT],
    ),
    "empty to full": ("", CJK),
}


def random_markdown(seed: int, length: int) -> str:
    """Seeded random text from the characters Markdown gives meaning to, plus words and CJK."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test input, not a secret
    atoms = [*"[]()!*_`<>&#|\\-=:'\"~ \n", "a", "ab ", "安全", "http://x.example", "\n\n", "    "]
    weights = [rng.random() ** 3 for _ in atoms]  # each seed favours a few atoms: long runs
    out: list[str] = []
    size = 0
    while size < length:
        atom = rng.choices(atoms, weights)[0] * rng.choice((1, 1, 2, 5, 50))
        out.append(atom)
        size += len(atom)
    return "".join(out)[:length]


def mixed_families(seed: int, length: int) -> str:
    """Seeded pieces of the families above, of random sizes, one after another (and so one
    inside another: an open bracket of one piece may close in the next)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test input, not a secret
    names = sorted(FAMILIES)
    out: list[str] = []
    size = 0
    while size < length:
        piece = FAMILIES[rng.choice(names)](min(length - size, rng.choice((10, 100, 1_000, 5_000))))
        out.append(piece + rng.choice(("", "\n", "\n\n", " ")))
        size += len(out[-1])
    return "".join(out)[:length]
