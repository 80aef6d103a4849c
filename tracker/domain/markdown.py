"""Markdown written by companies -> HTML that is safe in pages and in PDFs, in bounded time.

Markdown renders first, then nh3 keeps only a small set of tags. Images are dropped on purpose:
an image URL in a narrative would make every reader's browser (and the PDF renderer) fetch a
third-party resource; evidence belongs in links and attachments. Links keep only http, https and
mailto URLs; relative URLs are denied so that nothing can point at the app's or the machine's
files (``/etc/hostname`` would otherwise survive sanitising, see design.md).

**Bounded time.** python-markdown scans forward from every ``[`` for its ``]``, from every
``](`` for its ``)``, from every backtick run for its closing run and (in its HTML parser) from
every ``<`` for its ``>``, to the end of the text when there is none: 20,000 ``[`` took a
minute. Before the parser sees them, the characters whose scan could not succeed (brackets and
parentheses without a partner, backtick runs that open no code span, ``<`` that opens no tag)
and those nested deeper than ``MAX_NESTING`` levels are hidden from it, and come out as
themselves, which is what the parser would have shown for them anyway: ordinary Markdown comes
out byte for byte as before (tests/domain/test_markdown_bounds.py compares). Quotes and lists
nested deeper than ``MAX_NESTING`` are flattened the same way (python-markdown recurses once
per level), the block processors that redid work for each line of a long block are replaced by
ones that do not, and tables beyond ``MAX_TABLE_CELLS`` stay text. ``render_within`` adds the
last line: the render runs in a helper process that is killed when it overruns its budget.
"""

from __future__ import annotations

import bisect
import html
import itertools
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from xml.etree.ElementTree import Element, SubElement

import markdown as _markdown
import nh3
from markdown.blockprocessors import SetextHeaderProcessor
from markdown.extensions import Extension
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Stored renders carry this; raise it whenever the HTML for a given text may change.
RENDERER_VERSION = 1

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow ugc",
    strip_comments=True,
)

# Headings written by companies move down two levels so they never compete with the page's own
# h1 and h2; done in one pass so that a shifted heading is not shifted again.
_HEADING = re.compile(r"<(/?)h([1-6])\b")

# How deep brackets, parentheses, quotes and lists may nest before the deeper ones render as
# plain characters. Real narratives use two or three levels.
MAX_NESTING = 6


# Characters taken out of the parser's sight are swapped for private-use characters, which no
# Markdown rule reacts to, and swapped back into the HTML once the parser is done (cheaper than
# backslash escapes, which the parser handles one at a time). Text that already holds one of
# these private-use characters has them replaced first.
_SENTINEL = {
    "[": "\ue000",
    "]": "\ue001",
    "(": "\ue002",
    ")": "\ue003",
    "`": "\ue004",
    "<": "\ue005",
    ">": "\ue006",
    "-": "\ue007",
    "*": "\ue008",
    "+": "\ue009",
    ".": "\ue00a",
}
_REVEAL = {v: ("&lt;" if k == "<" else "&gt;" if k == ">" else k) for k, v in _SENTINEL.items()}
_SENTINEL_CHARS = re.compile("[" + "".join(_REVEAL) + "]")


def _hide(text: str, positions: set[int] | list[int]) -> str:
    chars = list(text)
    for position in positions:
        chars[position] = _SENTINEL[chars[position]]
    return "".join(chars)


def _reveal(html_text: str) -> str:
    return _SENTINEL_CHARS.sub(lambda m: _REVEAL[m[0]], html_text)


# The most cells a table may have; a larger one renders as its text.
MAX_TABLE_CELLS = 10_000


# --- inline: one linear pass per text node ------------------------------------------------------


def _backslashes_before(text: str, position: int) -> int:
    """How many backslashes stand right before ``position`` (each is counted for one
    character only, so all calls together stay linear)."""
    count = 0
    while position - count > 0 and text[position - count - 1] == "\\":
        count += 1
    return count


def _code_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The code spans python-markdown will find in ``text``, and the backtick runs that open
    none, as (start, end) ranges.

    The same rules as ``BacktickInlineProcessor.find_code_spans`` (an opening run pairs with
    the next run of the same length, else with the first of the longest shorter runs after it),
    with every run indexed once instead of a scan to the end for each unpaired run.
    """
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    if not runs:
        return [], []
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    # longest[i]: the index of the first longest run among runs i and later (-1: none)
    longest = [-1] * (len(runs) + 1)
    for index in range(len(runs) - 1, -1, -1):
        best = longest[index + 1]
        length = runs[index][1] - runs[index][0]
        longest[index] = index if best < 0 or length >= runs[best][1] - runs[best][0] else best
    spans: list[tuple[int, int]] = []
    unpaired: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        if _backslashes_before(text, start) % 2:  # the first tick is escaped; the rest opens
            start += 1
        ticks = end - start
        if ticks == 0:
            index += 1
            continue
        same = by_length.get(ticks, [])
        found = bisect.bisect_right(same, index)
        if found < len(same):
            closer = same[found]
            spans.append((start, runs[closer][1]))
            index = closer + 1
            continue
        best = longest[index + 1]
        if best >= 0 and 0 < runs[best][1] - runs[best][0] < ticks:
            shorter = runs[best][1] - runs[best][0]
            spans.append((start + ticks - shorter, runs[best][1]))
            index = best + 1
            continue
        unpaired.append((start, end))
        index += 1
    return spans, unpaired


def _unbounded_characters(text: str) -> set[int]:
    """Positions of the characters whose scan would not stay bounded: escape these.

    Brackets and parentheses count as python-markdown's link parser sees them: outside code
    spans and not escaped by an odd number of backslashes.
    """
    spans, unpaired = _code_spans(text)
    escape: set[int] = set()
    for start, end in unpaired:  # each would be scanned to the end of the text
        escape.update(range(start, end))
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    span_index = 0
    for m in re.finditer(r"[\[\]()]", text):
        position = m.start()
        while span_index < len(spans) and spans[span_index][1] <= position:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] <= position:
            continue
        if _backslashes_before(text, position) % 2:
            continue
        char = text[position]
        if char in stacks:
            stacks[char].append(position)
            continue
        stack = stacks["[" if char == "]" else "("]
        if stack:
            start = stack.pop()
            if len(stack) >= MAX_NESTING:
                escape.update((start, position))
    for stack in stacks.values():
        escape.update(stack)  # never closed
    return escape


def _escape_unbounded(text: str) -> str:
    escape = _unbounded_characters(text) if re.search(r"[\[(`]", text) else set()
    return _hide(text, escape) if escape else text


class _BoundInline(Treeprocessor):
    """Runs just before python-markdown's inline parser, on the same text nodes."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.text and not isinstance(element.text, AtomicString):
                element.text = _escape_unbounded(element.text)
            if element is not root and element.tail and not isinstance(element.tail, AtomicString):
                element.tail = _escape_unbounded(element.tail)


# --- blocks: the searches python-markdown repeats on what is left of a block -------------------


class _SuffixSearch:
    """A compiled pattern whose ``search`` remembers its last answers.

    Headings, rules, quotes and link definitions may start on any line of a block, so
    python-markdown searches the rest of the block again after each one it takes off the front:
    a block of 5,000 one-line headings is searched 5,000 times to its end. The rest is a suffix
    of a block searched before, starting on a line, so the earlier answer still holds for it:
    no match stays no match, and a match after the cut is the first one in the suffix. A few
    answers are kept, because the lines before a rule are parsed (and searched) in between.
    """

    KEEP = 4

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        self._answers: list[tuple[str, int | None]] = []  # (block, where it matched), newest first

    def _remember(self, block: str, found: re.Match[str] | None) -> re.Match[str] | None:
        self._answers.insert(0, (block, found.start() if found else None))
        del self._answers[self.KEEP :]
        return found

    def search(self, block: str) -> re.Match[str] | None:
        for last, where in self._answers:
            cut = len(last) - len(block)
            if cut < 0 or (cut and last[cut - 1] != "\n") or not last.endswith(block):
                continue
            if where is None:
                return self._remember(block, None)
            if where >= cut:
                return self._remember(block, self._pattern.search(block, where - cut))
        return self._remember(block, self._pattern.search(block))

    def match(self, text: str) -> re.Match[str] | None:
        return self._pattern.match(text)

    def finditer(self, text: str, pos: int = 0):
        return self._pattern.finditer(text, pos)


def _lines(block: str):
    start = 0
    while True:
        end = block.find("\n", start)
        if end < 0:
            yield block[start:]
            return
        yield block[start:end]
        start = end + 1


class _FirstRowsTable(TableProcessor):
    """The tables extension's processor, with its test reading only the rows it decides on.

    The same test as ``TableProcessor.test``, but the original split the whole rest of the
    block into rows every time it was asked, which a long block asks thousands of times.
    """

    def test(self, parent: Element, block: str) -> bool:
        lines = _lines(block)
        header0 = next(lines).strip(" ")
        second = next(lines, None)
        if second is None:
            return False
        border = PIPE_NONE
        if header0.startswith("|"):
            border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header0) is not None:
            border |= PIPE_RIGHT
        self.border = border  # type: ignore[assignment]  # run() reads it as an int
        split_row = self._split_row  # type: ignore[attr-defined]  # python-markdown's own
        row0_len = len(split_row(header0))
        is_table = row0_len > 1
        # Each row in a single column table needs at least one pipe.
        if not is_table and row0_len == 1 and border:
            for line in itertools.chain([second], lines):
                row = line.strip(" ")
                is_table = row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            row = split_row(second.strip(" "))
            is_table = len(row) == row0_len and set("".join(row)) <= set("|:- ")
        # python-markdown gives every row as many cells as the header: a wide header over many
        # short lines is millions of cells. Larger tables stay text (a table takes the whole
        # block, so this count runs once per table).
        if is_table and row0_len * (block.count("\n") + 1) > MAX_TABLE_CELLS:
            is_table = False
        if is_table:
            self.separator = row
        return is_table


class _SetextHeader(SetextHeaderProcessor):
    """python-markdown's setext headings, splitting off the two lines it takes instead of the
    whole block (which it then joined again, once per heading)."""

    def run(self, parent: Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n", 2)
        heading = SubElement(parent, "h1" if lines[1].startswith("=") else "h2")
        heading.text = lines[0].strip()
        if len(lines) > 2:
            blocks.insert(0, lines[2])


class _Bounded(Extension):
    def extendMarkdown(self, md: _markdown.Markdown) -> None:  # noqa: N802 - python-markdown's
        md.treeprocessors.register(_BoundInline(md), "bound_inline", 25)  # inline is 20
        blocks = md.parser.blockprocessors
        for name, attribute in (
            ("hashheader", "RE"),
            ("hr", "SEARCH_RE"),
            ("quote", "RE"),
            ("reference", "RE"),
        ):
            processor = blocks[name]
            setattr(processor, attribute, _SuffixSearch(getattr(processor, attribute)))
        blocks.register(_SetextHeader(md.parser), "setextheader", 60)
        table = blocks["table"]
        config = table.config  # type: ignore[attr-defined]  # the tables extension's
        blocks.register(_FirstRowsTable(md.parser, config), "table", 75)


# --- blocks: nesting depth, in the source ------------------------------------------------------

# A line's block prefix: quote markers and list markers, with their spaces.
_PREFIX = re.compile(r"^((?:[ \t]*(?:>|[*+-][ \t]|\d+[.)][ \t]))+)")
_MARKER = re.compile(r"[ \t]*(>|[*+-](?=[ \t])|\d+[.)](?=[ \t]))")
_INDENT = re.compile(r"^[ \t]+")


def _flatten_line(line: str) -> str:
    """The line with block markers beyond MAX_NESTING hidden, and indentation capped."""
    indent = _INDENT.match(line)
    if indent and len(indent[0].expandtabs(4)) > 4 * MAX_NESTING:
        line = " " * (4 * MAX_NESTING) + line[indent.end() :]
    prefix = _PREFIX.match(line)
    if not prefix:
        return line
    markers = list(_MARKER.finditer(line, 0, prefix.end()))
    if len(markers) <= MAX_NESTING:
        return line
    # the last character of each deeper marker (">", "-", "*", "+", "." or ")") goes
    return _hide(line, [m.end(1) - 1 for m in markers[MAX_NESTING:]])


# "<" that no ">" follows before the next "<" opens no tag; python's HTML parser (which
# python-markdown runs over the whole text) looks for the end of each such tag to the end of
# the text. It renders as "&lt;" whether hidden or not, in code as in text.
_OPEN_TAG = re.compile(r"<(?=[A-Za-z/!?])(?=[^<>]*(?:<|$))")


def _flatten_blocks(text: str) -> str:
    text = _OPEN_TAG.sub(_SENTINEL["<"], text)
    return "\n".join(_flatten_line(line) for line in text.split("\n"))


# --- rendering ----------------------------------------------------------------------------------


def render_markdown(text: str | None) -> str:
    """Render untrusted Markdown to sanitised HTML (an empty string for no text)."""
    if not text or not text.strip():
        return ""
    text = _SENTINEL_CHARS.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _flatten_blocks(text)
    html_out = _markdown.markdown(
        text, extensions=["sane_lists", "tables", _Bounded()], output_format="html"
    )
    html_out = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}", _reveal(html_out))
    return _CLEANER.clean(html_out)


def plain_paragraphs(text: str | None) -> str:
    """The text escaped as plain paragraphs: what is shown when a render was abandoned."""
    if not text or not text.strip():
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return "\n".join(
        "<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs if p
    )


# --- the hard budget: a helper process that can be killed ---------------------------------------


class RenderOverrun(Exception):
    """The render did not finish within its budget; it was abandoned."""


def _serve(connection: Connection) -> None:
    """The helper process: say it is ready, then render each text it is sent, until the pipe
    closes."""
    connection.send(("ready", ""))
    while True:
        try:
            text = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", render_markdown(text)))
        except Exception as exc:
            connection.send(("error", repr(exc)))


# How long a new helper process may take to start (the fork server imports the app's main
# module first, seconds on a loaded machine). Not part of any render's budget: a start counted
# against it overran, was killed and started again, and no text was ever rendered.
STARTUP_BUDGET = 60.0


class _Helper:
    """One helper process per app process, started on first use and replaced when killed."""

    def __init__(self, serve: Callable[[Connection], None] = _serve) -> None:
        self._serve = serve
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._owner = 0

    def _start(self) -> Connection:
        """A helper process that has said it is ready (OSError when none is to be had)."""
        # forkserver: the helper never inherits the app's database connections or threads.
        context = multiprocessing.get_context("forkserver")
        ours, theirs = context.Pipe()
        process = context.Process(target=self._serve, args=(theirs,), daemon=True)
        process.start()
        theirs.close()
        self._process, self._connection, self._owner = process, ours, os.getpid()
        try:
            ready = ours.poll(STARTUP_BUDGET) and ours.recv()[0] == "ready"
        except EOFError:
            ready = False
        if not ready:
            self._stop()
            raise OSError("the render helper process did not start")
        return ours

    @property
    def pid(self) -> int | None:
        """The helper process's id, if one runs (for tests)."""
        return self._process.pid if self._process is not None else None

    def _stop(self) -> None:
        if self._process is not None and self._owner == os.getpid():
            self._process.kill()
            self._process.join(5)
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None

    def render(self, text: str, seconds: float) -> str:
        with self._lock:
            connection = self._connection
            alive = self._process is not None and self._process.is_alive()
            if connection is None or self._owner != os.getpid() or not alive:
                self._stop()
                try:
                    connection = self._start()
                except OSError:
                    # No helper process to be had (a sandbox, no room): render here. The text
                    # still renders in bounded time, only without the kill switch.
                    return render_markdown(text)
            connection.send(text)
            if not connection.poll(seconds):
                self._stop()
                raise RenderOverrun(f"rendering took longer than {seconds} s")
            try:
                kind, value = connection.recv()
            except EOFError:
                self._stop()
                raise RenderOverrun("the helper process ended") from None
        if kind != "ok":
            raise RenderOverrun(value)
        return value


_HELPER = _Helper()

# Four times the budget the tests hold every generated family to (0.25 s at 20,000 characters).
HARD_BUDGET = 1.0


def render_within(text: str | None, seconds: float | None = None) -> str:
    """``render_markdown`` with a hard time limit: RenderOverrun when it is not done in time.

    The render runs in a helper process, killed on overrun, so no worker waits longer than
    ``seconds`` (default: HARD_BUDGET) whatever the text.
    """
    if not text or not text.strip():
        return ""
    return _HELPER.render(text, HARD_BUDGET if seconds is None else seconds)
