"""The aggregate report as pieces, and the pieces as parts rendered one at a time.

WeasyPrint holds every laid-out page of a document until it is written: one aggregate of 1,306
companies (621 pages) peaked at 2.6 GB. So a large aggregate is cut into parts, each a whole
HTML document of a few pieces (the cover and contents; a run of the matrix's rows; adoption; a
run of one results table's rows; the benchmark lists; a run of company summaries; the
methodology), rendered and written on its own, its memory freed before the next, and the parts'
PDFs joined (tracker.reports.joining). Every section already starts on a new page, so a part
boundary between sections changes nothing; one inside a table or the summaries starts a new page
where one document would have gone on (the table's header repeats either way).

``cycle.html`` renders the pieces of one part; the whole document is one part of every piece
(:func:`whole`), which is how a small aggregate is still rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

# The section each kind of piece belongs to (its wrapper's id) and the wrapper's class.
SECTIONS = {
    "front": None,
    "matrix": "matrix",
    "adoption": "adoption",
    "results": "benchmarks",
    "named": "benchmarks",
    "summaries": "companies",
    "methodology": "methodology",
}
CLASSES = {
    "matrix": "matrix",
    "adoption": "adoption",
    "benchmarks": "benchmarks",
    "companies": "company-summaries",
    "methodology": "methodology",
}
# The sections the contents list, which the joined document's first pass finds the pages of.
CONTENTS = ("matrix", "adoption", "benchmarks", "companies", "methodology")
RESULT_COLUMNS = 8  # benchmarks to a results table, as cycle.html batches them


@dataclass(frozen=True)
class Piece:
    """A piece of the aggregate: ``kind``, and for a run of rows or summaries the companies
    ``start:stop`` (of results table ``group``); ``opens_section`` for its section's first."""

    kind: str
    start: int = 0
    stop: int = 0
    group: int = 0
    opens_section: bool = True

    @property
    def wrapper(self) -> str | None:
        return SECTIONS[self.kind]

    @property
    def css_class(self) -> str:
        return CLASSES[self.wrapper] if self.wrapper else ""


@dataclass(frozen=True)
class Part:
    """The pieces one HTML document renders. ``first_page`` and ``total`` (set for a part of a
    parted document) number its pages on from the parts before, out of the whole; ``contents``
    (the front's) gives each section's page: both unknown (None) in the first pass."""

    pieces: tuple[Piece, ...]
    alone: bool = True  # the whole document, not one of several parts
    first_page: int | None = None
    total: int | None = None
    contents: Mapping[str, int] | None = field(default=None)

    @property
    def has_front(self) -> bool:
        return any(p.kind == "front" for p in self.pieces)

    def numbered(self, first_page: int, total: int, contents: Mapping[str, int]) -> Part:
        """The same part, for the second pass: its pages' numbers known."""
        return replace(
            self,
            first_page=first_page,
            total=total,
            contents=dict(contents) if self.has_front else None,
        )


def _runs(count: int, size: int) -> list[tuple[int, int]]:
    """``0:count`` cut into runs of ``size`` (one empty run when there is nothing)."""
    return [(a, min(a + size, count)) for a in range(0, count, size)] or [(0, 0)]


def _groups(benchmarks: int) -> int:
    return -(-benchmarks // RESULT_COLUMNS)


def whole(companies: int, result_rows: int, result_benchmarks: int | None) -> Part:
    """Every piece in one part: the aggregate as one document.

    ``result_rows`` and ``result_benchmarks``: the results matrix's companies and benchmarks
    (None when the report has no results matrix)."""
    return plan(companies, result_rows, result_benchmarks, None, None)[0]


def plan(
    companies: int,
    result_rows: int,
    result_benchmarks: int | None,
    part_size: int | None,
    table_rows: int | None,
) -> list[Part]:
    """The parts of an aggregate of ``companies`` published companies: ``part_size`` summaries
    and ``table_rows`` rows of a table to a part (None: everything in one part)."""
    summaries, rows = part_size or max(companies, 1), table_rows or max(companies, result_rows, 1)
    parts: list[list[Piece]] = [[Piece("front")]]
    for start, stop in _runs(companies, rows):
        parts.append([Piece("matrix", start, stop, opens_section=start == 0)])
    parts[-1].append(Piece("adoption"))
    if result_benchmarks:  # a results table per group of benchmarks, each cut into runs
        for group in range(_groups(result_benchmarks)):
            for start, stop in _runs(result_rows, rows):
                opens = group == 0 and start == 0
                parts.append([Piece("results", start, stop, group, opens_section=opens)])
        parts[-1].append(Piece("named", opens_section=False))
    else:
        parts.append([Piece("named")])
    if companies:
        for start, stop in _runs(companies, summaries):
            parts.append([Piece("summaries", start, stop, opens_section=start == 0)])
    parts[-1].append(Piece("methodology"))
    if part_size is None:
        return [Part(tuple(p for part in parts for p in part))]
    return [Part(tuple(part), alone=False) for part in parts]
