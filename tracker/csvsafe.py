"""CSV that spreadsheets open safely: UTF-8 with a byte-order mark, formulas defused, streamed."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from tracker.bidi import without_bidi_controls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP's advice: prefix a quote),
    without bidirectional controls (tracker.bidi)."""
    text = "" if value is None else without_bidi_controls(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text, a header then one line per row, yielded line by line (a BOM first, so that
    spreadsheet programs read UTF-8, Chinese included, right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(list(header))
    yield "\ufeff" + take()
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield take()
