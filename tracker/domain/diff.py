"""Word-level differences between two versions of a text, for the history of an answer, in
bounded time.

``difflib`` compares every token of one side with every token of the other: on repetitive text
(a 20,000-character Chinese narrative is 20,000 tokens) that took 42 s. So the work is bounded
by the product of the two sides' token counts: small texts are compared token by token exactly
as before; larger ones lose their common beginning and end first (one edit in a long text is
then a small comparison), then go line by line with only the changed lines compared token by
token; a part still too large is shown whole as "changed". A page that shows many diffs (an
answer's history, a year-over-year comparison) passes one DiffBudget to all of them, so that
the page's total stays bounded however many there are.
"""

import difflib
import re
from dataclasses import dataclass

# Words and the spaces between them for Latin text; single characters for Chinese, which has
# no spaces, so that a changed phrase shows as just that phrase.
_CJK = "\u3000-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|[^\w\s]")

# The most token pairs one difflib comparison may weigh (about a hundredth of a second on this
# machine), all the comparisons of one diff together, and all the diffs of one page.
MAX_PAIRS = 250_000
MAX_TOTAL_PAIRS = 1_000_000
MAX_PAGE_PAIRS = 4_000_000

# Raised whenever text_diff gives another result for some pair of texts: differences stored
# by an earlier version are then computed again (tracker.narratives).
DIFF_VERSION = 1


class DiffBudget:
    """The token pairs that comparisons may still weigh: shared by the diffs of one page."""

    def __init__(self, pairs: int = MAX_PAGE_PAIRS) -> None:
        self.pairs = pairs

    def take(self, pairs: int) -> bool:
        """Spend ``pairs`` if that many are left (True), else spend nothing (False)."""
        if pairs > self.pairs:
            return False
        self.pairs -= pairs
        return True


@dataclass(frozen=True)
class Chunk:
    kind: str  # "same", "added", "removed", or "changed" (too long to show word by word)
    text: str  # for "changed": the new text
    before: str = ""  # for "changed": the text it replaced

    def as_list(self) -> list[str]:
        """The chunk as JSON can hold it (``Chunk(*chunk.as_list())`` is the chunk again)."""
        return [self.kind, self.text, self.before]


def unchecked(before: str, after: str) -> list[Chunk]:
    """A difference not worked out (the page's budget is spent): the whole text, "changed"."""
    return _changed(before or "", after or "")


def _opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


def _token_chunks(a: list[str], b: list[str]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            chunks.append(Chunk("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            chunks.append(Chunk("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            chunks.append(Chunk("added", "".join(b[j1:j2])))
    return chunks


def _changed(before: str, after: str) -> list[Chunk]:
    if not before:
        return [Chunk("added", after)] if after else []
    if not after:
        return [Chunk("removed", before)]
    return [Chunk("changed", after, before)]


def _bounded(before: str, after: str, budget: DiffBudget) -> list[Chunk]:
    """Chunks for a part whose token diff may be too large: by lines, then tokens."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(a) * len(b) <= MAX_PAIRS and budget.take(len(a) * len(b)):
        return _token_chunks(a, b)
    lines_a, lines_b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    line_pairs = len(lines_a) * len(lines_b)
    if (
        line_pairs > MAX_PAIRS
        or (len(lines_a) <= 1 and len(lines_b) <= 1)
        or not budget.take(line_pairs)
    ):
        return _changed(before, after)
    chunks: list[Chunk] = []
    spent = line_pairs
    for op, i1, i2, j1, j2 in _opcodes(lines_a, lines_b):
        old, new = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
        if op == "equal":
            chunks.append(Chunk("same", old))
            continue
        old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
        pairs = len(old_tokens) * len(new_tokens)
        if pairs <= MAX_PAIRS and spent + pairs <= MAX_TOTAL_PAIRS and budget.take(pairs):
            spent += pairs
            chunks.extend(_token_chunks(old_tokens, new_tokens))
        else:
            chunks.extend(_changed(old, new))
    return chunks


def _merged(chunks: list[Chunk]) -> list[Chunk]:
    """Neighbouring chunks of the same kind as one; no empty chunks."""
    out: list[Chunk] = []
    for chunk in chunks:
        if not chunk.text and not chunk.before:
            continue
        if out and out[-1].kind == chunk.kind and chunk.kind != "changed":
            out[-1] = Chunk(chunk.kind, out[-1].text + chunk.text)
        else:
            out.append(chunk)
    return out


def text_diff(before: str, after: str, budget: DiffBudget | None = None) -> list[Chunk]:
    """The changes from ``before`` to ``after`` as runs of same, removed and added text (and
    "changed" for a part too long to compare word by word, or beyond what ``budget``, shared
    by the diffs of a page, has left; without one a diff weighs at most MAX_TOTAL_PAIRS)."""
    before, after = before or "", after or ""
    budget = budget if budget is not None else DiffBudget(MAX_TOTAL_PAIRS)
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(a) * len(b) <= MAX_PAIRS and budget.take(len(a) * len(b)):
        return _token_chunks(a, b)
    # Long texts: the common beginning and end are the same; compare what lies between.
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    head = "".join(a[:start])
    middle_a = "".join(a[start : len(a) - end])
    middle_b = "".join(b[start : len(b) - end])
    tail = "".join(a[len(a) - end :])
    return _merged(
        [Chunk("same", head), *_bounded(middle_a, middle_b, budget), Chunk("same", tail)]
    )
