"""Search terms: how a text and a query become terms, and where a query matches a text.

Both go through the same steps. The text is normalised (NFKC, so that full-width ``ＡＢＣ``
and ``１２`` are ``ABC`` and ``12``, then casefolded). Words of letters and digits (any script
but CJK) are terms whole. Runs of CJK characters (Han, kana, Hangul), which are written
without spaces, become their overlapping two-character pieces ("bigrams", as Lucene's
CJKAnalyzer does): 红队测试 gives 红队, 队测, 测试; the last character of a run, and a run of one
character, is a term on its own too, so that every character begins some term.

A query's terms must all be found (AND). A CJK run of two or more characters in a query is
its bigrams; a single CJK character, and the last word of a query when it is a word of at
least ``PREFIX_MIN`` characters, are *prefixes*: they match every term that begins with them
(``bench`` finds benchmark, 红 finds 红队). So any stretch of one or more CJK characters of a
text, and any whole word of it, finds the text (tests/domain/test_search.py).

Limits, by design: no stemming (``benchmark`` does not find ``benchmarks`` unless it is the
query's last word), and a CJK phrase matches a text that holds all its bigrams even when they
are not next to each other there (as with every bigram index).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

# Han (with extensions and compatibility ideographs), kana, Hangul, bopomofo.
_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f"
    "\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A term: a run of CJK characters, or a run of letters, digits and combining marks of any
# other script (``\w`` without the underscore).
_TOKEN = re.compile(f"[{_CJK}]+|(?:(?![{_CJK}])[^\\W_])+")

MAX_TERM = 64  # characters of a word kept (the column's size); longer words are cut alike
PREFIX_MIN = 3  # the last word of a query matches as a prefix from this many characters
MAX_QUERY_LENGTH = 200  # characters of a query
MAX_QUERY_TERMS = 12  # terms of a query (each is one range of the index to read)


def normalise(text: str) -> str:
    """NFKC, then casefolded: what terms are made of."""
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.match(text))


def _runs(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def terms(text: str) -> Counter[str]:
    """The terms of a text, each with how many times it occurs."""
    found: Counter[str] = Counter()
    for run in _runs(text):
        if is_cjk(run):
            found.update(run[i : i + 2] for i in range(len(run) - 1))
            found[run[-1]] += 1
        else:
            found[run[:MAX_TERM]] += 1
    return found


@dataclass(frozen=True)
class Query:
    """A query's terms: ``exact`` must each be a term of the text, ``prefixes`` must each begin
    one. ``words`` are the query's runs as typed (normalised), for finding where it matches."""

    exact: tuple[str, ...]
    prefixes: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def size(self) -> int:
        """How many terms must match."""
        return len(self.exact) + len(self.prefixes)

    def __bool__(self) -> bool:
        return self.size > 0


class QueryTooLong(ValueError):
    """More than MAX_QUERY_LENGTH characters or MAX_QUERY_TERMS terms."""


def parse_query(query: str) -> Query:
    """The terms a text must have to match ``query`` (QueryTooLong past the limits)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong(query)
    runs = _runs(query)
    exact: list[str] = []
    prefixes: list[str] = []
    for position, run in enumerate(runs):
        if is_cjk(run):
            if len(run) == 1:
                prefixes.append(run)
            else:
                exact.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif position == len(runs) - 1 and PREFIX_MIN <= len(run) < MAX_TERM:
            prefixes.append(run)
        else:
            exact.append(run[:MAX_TERM])
    unique_exact = tuple(dict.fromkeys(exact))
    unique_prefixes = tuple(p for p in dict.fromkeys(prefixes) if p not in unique_exact)
    if len(unique_exact) + len(unique_prefixes) > MAX_QUERY_TERMS:
        raise QueryTooLong(query)
    return Query(unique_exact, unique_prefixes, tuple(dict.fromkeys(runs)))


def prefix_end(prefix: str) -> str:
    """The smallest string after every string that begins with ``prefix`` (in code point
    order, which is byte order in UTF-8): ``term >= prefix AND term < prefix_end(prefix)``
    reads one range of an index."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def matches(text: str, query: Query) -> bool:
    """Whether the text's terms include every term of the query (what the index answers)."""
    found = terms(text)
    return all(t in found for t in query.exact) and all(
        any(t.startswith(p) for t in found) for p in query.prefixes
    )


# --- where a query matches a text, for the snippet under a result ------------------------


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """The text normalised character by character, with each normalised character's position
    in the original text."""
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = normalise(char)
        out.append(folded)
        positions.extend([index] * len(folded))
    return "".join(out), positions


def _pattern(word: str, prefix: bool) -> re.Pattern[str]:
    """Where ``word`` occurs as a term would: CJK anywhere, a word not inside another word
    (a prefix may run on)."""
    if is_cjk(word):
        return re.compile(re.escape(word))
    end = "" if prefix else r"(?![^\W_])"
    return re.compile(r"(?<![^\W_])" + re.escape(word) + end)


def first_match(text: str, query: Query) -> tuple[int, int] | None:
    """(start, end) in ``text`` of the earliest place where one of the query's words occurs
    (the first bigram of a CJK phrase found nowhere whole), or None."""
    folded, positions = _normalised_with_positions(text)
    last = query.words[-1] if query.words else None
    best: tuple[int, int] | None = None
    for word in query.words:
        candidates = [word]
        if is_cjk(word) and len(word) > 2:
            candidates.append(word[:2])  # the phrase's bigrams may stand apart
        for candidate in candidates:
            found = _pattern(candidate, candidate == last).search(folded)
            if found is None:
                continue
            start = positions[found.start()]
            end = positions[found.end() - 1] + 1
            if best is None or start < best[0]:
                best = (start, end)
            break
    return best


@dataclass(frozen=True)
class Snippet:
    """The part of a text shown under a result: ``before``, the ``match``, ``after``, and
    whether text was left out before or after (plain text: the template escapes it)."""

    before: str
    match: str
    after: str
    cut_before: bool
    cut_after: bool


def snippet(text: str, query: Query, width: int = 160) -> Snippet:
    """About ``width`` characters of ``text`` around the query's first match (its start when
    the query matches only a title or a name)."""
    text = " ".join(text.split())
    found = first_match(text, query)
    if found is None:
        shown = text[:width]
        return Snippet(shown, "", "", False, len(text) > width)
    start, end = found
    end = min(end, start + width)
    room = max(0, width - (end - start))
    left = max(0, start - room // 3)
    right = min(len(text), end + room - (start - left))
    before, after = text[left:start], text[end:right]
    # A cut falls between words where it can (CJK text has no spaces to fall on).
    if left > 0 and " " in before[:20]:
        before = before[before.index(" ") + 1 :]
    if right < len(text) and " " in after[-20:]:
        after = after[: after.rindex(" ")]
    return Snippet(before, text[start:end], after, left > 0, right < len(text))


class _TextOnly(HTMLParser):
    BLOCKS = frozenset({"p", "br", "li", "blockquote", "pre", "tr", "td", "th", "h1", "h2"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data) -> None:
        self.parts.append(data)


def plain_text(rendered: str) -> str:
    """The text of rendered (sanitised) HTML, tags dropped, entities read, spaces collapsed:
    what a reader sees of a narrative, without its Markdown."""
    parser = _TextOnly()
    parser.feed(rendered)
    parser.close()
    return " ".join(html.unescape("".join(parser.parts)).split())


def language_of_text(text: str) -> str:
    """ "zh" when the text is mostly Chinese (a CJK character weighs as much as three Latin
    letters, about a word), else "en": the ``lang`` of a snippet."""
    cjk = sum(1 for c in text if is_cjk(c))
    other = sum(1 for c in text if c.isalpha() and not is_cjk(c))
    return "zh" if cjk and cjk * 3 >= other else "en"
