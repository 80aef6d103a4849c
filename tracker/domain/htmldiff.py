"""Differences between two rendered narratives, shown on the rendered text.

Both sides are the sanitised HTML of a narrative (tracker.domain.markdown). Their text is cut
into the same tokens as tracker.domain.diff (words, spaces, single Chinese characters), each
token keeping the inline formatting around it (bold, emphasis, code, a link), and the two token
lists are compared. The result is the newer HTML, formatting and all, with inserted text in
``<ins>`` and removed text in ``<del>`` (a removed paragraph or list item as a paragraph of its
own, with its own inline formatting). A word that only became bold counts as changed.

Bounded like tracker.domain.diff: the common beginning and end are dropped, a middle too large
to compare token by token is compared block by block (paragraphs, list items, cells), and a
part still too large is shown as removed and added whole. One DiffBudget is shared by all the
differences of a page or report.

Safe by construction and checked: tags and attributes come only from the sanitised inputs,
every text is escaped again, and the result goes through the narratives' sanitiser once more
(with ``ins`` and ``del`` allowed).
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

from tracker.domain.diff import _TOKEN, MAX_PAIRS, DiffBudget
from tracker.domain.markdown import ALLOWED_TAGS

# Raised whenever html_diff gives another result for some pair of HTML texts: differences
# stored by an earlier version are then worked out again (tracker.narratives).
HTML_DIFF_VERSION = 1

_INLINE = {"strong", "b", "em", "i", "code", "a", "del", "sup", "sub"}
_VOID = {"br", "hr"}
# Elements whose text is a unit of its own: a removed one is shown as one of its own.
_BLOCKS = {"p", "li", "h3", "h4", "h5", "h6", "pre", "td", "th", "blockquote"}
# Of those, the ones a removed block can stand beside as one of its own (not table cells).
_OWN = _BLOCKS - {"td", "th"}
# Elements holding only other elements (the spaces between those are not text).
_CONTAINERS = {"ul", "ol", "table", "thead", "tbody", "tr", "blockquote"}

_DIFF_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS | {"ins", "del"},
    attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow ugc",
    strip_comments=True,
)


@dataclass(frozen=True)
class _Token:
    text: str
    inline: tuple[tuple[str, str], ...]  # the open inline tags: (name, their start tag)
    block: int  # which block (paragraph, list item, cell...) holds it (-1: none)
    first: bool  # the first token of its block
    last: bool = False  # the last token of its block

    @property
    def key(self) -> tuple:
        """What two tokens must share to be the same: the text (any run of spaces alike)
        and the formatting (a link's address too)."""
        return (" " if self.text.isspace() else self.text, tuple(m for _, m in self.inline))


@dataclass(frozen=True)
class _Block:
    tag: str
    depth: int  # how many elements enclose it
    event: int  # the index of its start tag among the events


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    shown = "".join(
        f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs if name
    )
    return f"<{tag}{shown}>"


class _Reader(HTMLParser):
    """Sanitised HTML -> events ("tag", markup) and ("text", token index), and its blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str | int]] = []
        self.tokens: list[_Token] = []
        self.blocks: list[_Block] = []
        self.inline: list[tuple[str, str]] = []
        self.stack: list[tuple[str, int]] = []  # (tag, the block it opened or -1)
        self.block = -1  # the innermost open block
        self.new_block = False

    def handle_starttag(self, tag, attrs):
        markup = _start_tag(tag, attrs)
        self.events.append(("tag", markup))
        if tag in _VOID:
            return
        opened = -1
        if tag in _BLOCKS:
            opened = len(self.blocks)
            self.blocks.append(_Block(tag, len(self.stack), len(self.events) - 1))
            self.block, self.new_block = opened, True
        self.stack.append((tag, opened))
        if tag in _INLINE:
            self.inline.append((tag, markup))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("tag", _start_tag(tag, attrs)))

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in (t for t, _ in self.stack):
            return
        while self.stack:  # sanitised HTML is well formed; close what is open up to it anyway
            open_tag, opened = self.stack.pop()
            if self.inline and self.inline[-1][0] == open_tag:
                self.inline.pop()
            self.events.append(("tag", f"</{open_tag}>"))
            if opened >= 0:
                if self.tokens and self.tokens[-1].block == opened:
                    last = self.tokens[-1]
                    self.tokens[-1] = _Token(last.text, last.inline, last.block, last.first, True)
                self.block = next((b for _, b in reversed(self.stack) if b >= 0), -1)
                self.new_block = False
            if open_tag == tag:
                break

    def handle_data(self, data):
        parent = self.stack[-1][0] if self.stack else None
        if data.isspace() and (parent is None or parent in _CONTAINERS):
            return  # the line breaks between blocks, list items, rows
        for text in _TOKEN.findall(data):
            self.events.append(("text", len(self.tokens)))
            self.tokens.append(_Token(text, tuple(self.inline), self.block, self.new_block))
            self.new_block = False


def _read(markup: str) -> _Reader:
    reader = _Reader()
    reader.feed(markup or "")
    reader.close()
    return reader


def _matcher(a: list, b: list):
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


def _shifted(ops, i0: int, j0: int) -> list[tuple[str, int, int, int, int]]:
    return [(op, i1 + i0, i2 + i0, j1 + j0, j2 + j0) for op, i1, i2, j1, j2 in ops]


def _blocks(tokens: list[_Token], start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of tokens in one top-level block, within [start, end)."""
    runs: list[tuple[int, int]] = []
    for index in range(start, end):
        if runs and tokens[runs[-1][0]].block == tokens[index].block:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def _opcodes(a: list[_Token], b: list[_Token], budget: DiffBudget) -> list[tuple]:
    ka, kb = [t.key for t in a], [t.key for t in b]
    start = 0
    while start < min(len(ka), len(kb)) and ka[start] == kb[start]:
        start += 1
    end = 0
    while end < min(len(ka), len(kb)) - start and ka[-1 - end] == kb[-1 - end]:
        end += 1
    ops: list[tuple] = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    a_end, b_end = len(ka) - end, len(kb) - end
    middle_a, middle_b = ka[start:a_end], kb[start:b_end]
    pairs = len(middle_a) * len(middle_b)
    if middle_a or middle_b:
        if pairs <= MAX_PAIRS and budget.take(pairs):
            ops.extend(_shifted(_matcher(middle_a, middle_b), start, start))
        else:
            ops.extend(_by_block(a, b, ka, kb, (start, a_end), (start, b_end), budget))
    if end:
        ops.append(("equal", a_end, len(ka), b_end, len(kb)))
    return ops


def _by_block(a, b, ka, kb, span_a, span_b, budget: DiffBudget) -> list[tuple]:
    """Opcodes for a middle too large to compare token by token: block by block, then token
    by token inside the blocks that changed, as far as the budget goes."""
    blocks_a, blocks_b = _blocks(a, *span_a), _blocks(b, *span_b)
    whole = [("replace", *span_a, *span_b)]
    pairs = len(blocks_a) * len(blocks_b)
    if pairs > MAX_PAIRS or not budget.take(pairs):
        return whole
    keys_a = [tuple(ka[s:e]) for s, e in blocks_a]
    keys_b = [tuple(kb[s:e]) for s, e in blocks_b]
    ops: list[tuple] = []
    for op, i1, i2, j1, j2 in _matcher(keys_a, keys_b):
        a1 = blocks_a[i1][0] if i1 < len(blocks_a) else span_a[1]
        a2 = blocks_a[i2 - 1][1] if i1 < i2 else a1
        b1 = blocks_b[j1][0] if j1 < len(blocks_b) else span_b[1]
        b2 = blocks_b[j2 - 1][1] if j1 < j2 else b1
        tokens = (a2 - a1) * (b2 - b1)
        if op == "equal":
            ops.append(("equal", a1, a2, b1, b2))
        elif op == "replace" and tokens <= MAX_PAIRS and budget.take(tokens):
            ops.extend(_shifted(_matcher(ka[a1:a2], kb[b1:b2]), a1, b1))
        else:
            ops.append((op, a1, a2, b1, b2))
    return ops


# An unchanged run this short between two changes reads better as part of one change: "the
# old words" struck and "the new words" underlined, not a word-by-word weave of both.
_SHORT_RUN = 2


def _one_block(tokens: list[_Token], start: int, end: int) -> bool:
    """Whether the tokens from start - 1 to end (those in range) are in one block."""
    around = tokens[max(start - 1, 0) : end + 1]
    return len({t.block for t in around}) <= 1


def _readable(ops: list[tuple], a: list[_Token], b: list[_Token]) -> list[tuple]:
    """The opcodes with short unchanged runs between changes (inside one paragraph or item)
    folded into them, and the changes next to each other joined."""
    ops = list(ops)
    for n in range(1, len(ops) - 1):
        op, i1, i2, j1, j2 = ops[n]
        if op != "equal" or ops[n - 1][0] == "equal" or ops[n + 1][0] == "equal":
            continue
        words = sum(1 for t in a[i1:i2] if not t.text.isspace())
        if words <= _SHORT_RUN and _one_block(a, i1, i2) and _one_block(b, j1, j2):
            ops[n] = ("replace", i1, i2, j1, j2)
    joined: list[tuple] = []
    for op in ops:
        if joined and op[0] != "equal" and joined[-1][0] != "equal":
            _, i1, _, j1, _ = joined[-1]
            joined[-1] = ("replace", i1, op[2], j1, op[4])
        else:
            joined.append(op)
    return joined


def _removed_inline(tokens: list[_Token]) -> str:
    """Removed tokens as ``<del>`` runs, each with the inline formatting it had."""
    out: list[str] = []
    run: list[_Token] = []

    def flush() -> None:
        if not run:
            return
        # Its formatting, but no link: removed text leads nowhere (and a link in a link breaks).
        kept = [(name, markup) for name, markup in run[0].inline if name != "a"]
        opening = "".join(markup for _, markup in kept)
        closing = "".join(f"</{name}>" for name, _ in reversed(kept))
        text = html.escape("".join(t.text for t in run), quote=False)
        out.append(f"<del>{opening}{text}{closing}</del>")
        run.clear()

    for token in tokens:
        if run and (token.inline != run[0].inline or token.block != run[0].block):
            flush()
            if out and token.block != tokens[0].block:
                out.append(" ")
        run.append(token)
    flush()
    return "".join(out)


def _block_markup(removed: list[_Token], old: _Reader, tag: str | None) -> str:
    """Removed whole blocks, each as a ``tag`` of its own (None: the tag it had)."""
    return "".join(
        f"<{t}>{_removed_inline(removed[s:e])}</{t}>"
        for s, e in _blocks(removed, 0, len(removed))
        for t in [tag or old.blocks[removed[s].block].tag]
    )


_END = -1


def _opens_inline(event: tuple[str, str | int]) -> bool:
    kind, value = event
    if kind != "tag" or str(value).startswith("</"):
        return False
    return str(value)[1:].split(" ", 1)[0].rstrip(">") in _INLINE


def html_diff(before: str, after: str, budget: DiffBudget | None = None) -> str:
    """The HTML ``after`` with what changed since ``before`` marked: ``<ins>`` around added
    text, ``<del>`` around removed text. Both are sanitised narrative HTML; so is the result."""
    budget = budget if budget is not None else DiffBudget(MAX_PAIRS * 4)
    old, new = _read(before), _read(after)
    a, b = old.tokens, new.tokens
    status = ["equal"] * len(b)
    inline_removals: dict[int, list[_Token]] = {}  # before which token (len(b): after the last)
    block_removals: dict[int, list[str]] = {}  # before which event (_END: at the end)
    for op, i1, i2, j1, j2 in _readable(_opcodes(a, b, budget), a, b):
        if op in ("insert", "replace"):
            for j in range(j1, j2):
                status[j] = "insert"
        if op not in ("delete", "replace") or i2 <= i1:
            continue
        removed = a[i1:i2]
        target = b[j1] if j1 < len(b) else None
        if removed[0].first and removed[-1].last and removed[0].block >= 0:
            if target is None:
                block_removals.setdefault(_END, []).append(_block_markup(removed, old, "p"))
                continue
            if target.first and target.block >= 0 and new.blocks[target.block].tag in _OWN:
                block = new.blocks[target.block]
                tags = {old.blocks[t.block].tag for t in removed}
                if tags == {block.tag} or block.depth == 0:
                    tag = block.tag if tags == {block.tag} else "p"
                    markup = _block_markup(removed, old, tag)
                    block_removals.setdefault(block.event, []).append(markup)
                    continue
        inline_removals.setdefault(j1, []).extend(removed)
    out: list[str] = []
    inside = False

    def close() -> None:
        nonlocal inside
        if inside:
            out.append("</ins>")
            inside = False

    # Text removed before a token goes before the inline tags that open right before it, so
    # that it does not take on formatting it never had.
    anchors: dict[int, int] = {}
    for index, (kind, value) in enumerate(new.events):
        if kind == "text" and int(value) in inline_removals:
            at = index
            while at > 0 and _opens_inline(new.events[at - 1]):
                at -= 1
            anchors[at] = int(value)
    for index, (kind, value) in enumerate(new.events):
        if index in block_removals:
            close()
            out.extend(block_removals.pop(index))
        if index in anchors:
            close()
            out.append(_removed_inline(inline_removals.pop(anchors[index])))
        if kind == "tag":
            close()
            out.append(str(value))
            continue
        j = int(value)
        if status[j] == "insert" and not inside:
            out.append("<ins>")
            inside = True
        elif status[j] == "equal":
            close()
        out.append(html.escape(b[j].text, quote=False))
        if j == len(b) - 1 and len(b) in inline_removals:  # removed after the last token
            close()
            out.append(_removed_inline(inline_removals.pop(len(b))))
    close()
    for removed in inline_removals.values():  # nothing after them to stand beside
        out.append(f"<p>{_removed_inline(removed)}</p>")
    for markups in block_removals.values():
        out.extend(markups)
    return _DIFF_CLEANER.clean("".join(out))


@dataclass(frozen=True)
class DiffSize:
    """How much of a difference is marked: characters inserted, removed and left alone."""

    inserted: int
    removed: int
    same: int

    @property
    def changed_share(self) -> float:
        """The marked characters over all of them (0: nothing marked)."""
        total = self.inserted + self.removed + self.same
        return (self.inserted + self.removed) / total if total else 0.0


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = {"ins": 0, "del": 0}
        self.counts = {"ins": 0, "del": 0, "same": 0}

    def handle_starttag(self, tag, attrs):
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag):
        if self.depth.get(tag):
            self.depth[tag] -= 1

    def handle_data(self, data):
        size = len(data.strip())
        kind = "ins" if self.depth["ins"] else "del" if self.depth["del"] else "same"
        self.counts[kind] += size


def diff_size(diff_html: str) -> DiffSize:
    """The size of what html_diff marked (a narrative's own ``<del>`` counts as removed: the
    share is for deciding how to show a difference, not a measure to publish)."""
    counter = _Counter()
    counter.feed(diff_html or "")
    counter.close()
    return DiffSize(counter.counts["ins"], counter.counts["del"], counter.counts["same"])
