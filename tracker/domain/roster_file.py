"""A roster file: companies to add to or change in the roster, as CSV or YAML.

Columns (CSV header, or keys of each YAML entry): ``slug``, ``name_en``, ``name_zh`` (required),
``website``, ``signatory`` (true/false, yes/no, 1/0; empty: false) and ``source`` (where the
signature is documented; required for a signatory). A column the file leaves out leaves that
field of an existing company as it is; an empty value clears it (website, source).

Every problem is reported at once, each located by file and line and by the column (CSV) or the
entry and key (YAML, ``[2].website``), in words meant for whoever wrote the file. The file is
read as a whole (it is a roster, not a data dump): entries are built only when nothing is wrong.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from tracker.domain.yamlfile import FileError, FileProblem, format_path, line_for, parse_yaml

FORMATS = ("csv", "yaml")
COLUMNS = ("slug", "name_en", "name_zh", "website", "signatory", "source")
REQUIRED = ("slug", "name_en", "name_zh")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# The roster form's limits (tracker/roster/forms.py) and the columns' sizes.
MAX_LENGTH = {"slug": 80, "name_en": 200, "name_zh": 200, "website": 500, "source": 2000}
TRUE = ("true", "yes", "y", "1")
FALSE = ("false", "no", "n", "0", "")


class RosterFileError(FileError):
    """A roster file is wrong; ``problems`` lists every problem found."""


@dataclass(frozen=True)
class RosterEntry:
    """One company of the file. ``given`` names the columns the file has: a field of an
    existing company that the file does not give is left as it is."""

    slug: str
    name_en: str
    name_zh: str
    website: str | None
    signatory: bool
    source: str | None
    given: frozenset[str]
    line: int | None = None


def format_of(path: str | PurePath) -> str | None:
    """``csv`` or ``yaml`` from the file's name (.csv, .yaml, .yml), None when it does not say."""
    suffix = PurePath(path).suffix.lower()
    return {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)


def parse_roster(data: bytes, source: str, file_format: str) -> list[RosterEntry]:
    """The entries of a roster file's bytes (``file_format``: csv or yaml); RosterFileError
    with every problem, located, when anything is wrong (``source`` names the file)."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            [FileProblem(source, "", f"not UTF-8 text (byte {exc.start + 1} of line {line})")]
        ) from None
    if not text.strip():
        raise RosterFileError([FileProblem(source, "", "the file is empty: no companies")])
    if file_format == "csv":
        rows, problems = _csv_rows(text, source)
    else:
        rows, problems = _yaml_rows(text, source)
    entries = []
    first_line: dict[str, int | None] = {}
    for row in rows:
        entry, found = _entry(row)
        problems += [
            FileProblem(source, row.where(field), msg, row.key_lines.get(field) or row.line)
            for field, msg in found
        ]
        if entry is None:
            continue
        if entry.slug in first_line:
            at = first_line[entry.slug]
            problems.append(
                FileProblem(
                    source,
                    row.where("slug"),
                    f"duplicate slug '{entry.slug}'" + (f" (first on line {at})" if at else ""),
                    row.line,
                )
            )
            continue
        first_line[entry.slug] = row.line
        entries.append(entry)
    if problems:
        raise RosterFileError(sorted(problems, key=lambda p: (p.line or 0, p.path, p.message)))
    return entries


@dataclass
class _Row:
    """A row or entry before it is checked: its values by column, where it is."""

    values: dict[str, Any]
    line: int | None
    index: int | None  # the YAML entry's index (None for CSV, located by line and column)
    key_lines: dict[str, int | None]

    def where(self, field: str) -> str:
        if self.index is None:
            return field
        return format_path((self.index, field)) if field else format_path((self.index,))


def _csv_rows(text: str, source: str) -> tuple[list[_Row], list[FileProblem]]:
    problems: list[FileProblem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return [], [FileProblem(source, "", f"not valid CSV: {exc}", reader.line_num or 1)]
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    for name in unknown:
        problems.append(
            FileProblem(source, "", f"unknown column '{name}' (allowed: {', '.join(COLUMNS)})", 1)
        )
    for name in REQUIRED:
        if name not in header:
            problems.append(FileProblem(source, "", f"missing column '{name}' in the header", 1))
    twice = sorted({name for name in header if header.count(name) > 1})
    for name in twice:
        problems.append(FileProblem(source, "", f"column '{name}' appears twice in the header", 1))
    if problems:
        return [], problems  # the rows cannot be read against a wrong header
    rows: list[_Row] = []
    previous = reader.line_num
    try:
        for record in reader:
            line = previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # a blank line
            if len(record) != len(header):
                problems.append(
                    FileProblem(
                        source,
                        "",
                        f"{len(record)} values where the header has {len(header)} columns",
                        line,
                    )
                )
                continue
            values = dict(zip(header, record, strict=True))
            rows.append(_Row(values, line, None, {}))
    except csv.Error as exc:
        problems.append(FileProblem(source, "", f"not valid CSV: {exc}", reader.line_num))
    if not rows and not problems:
        problems.append(FileProblem(source, "", "no companies: the file has only its header", 1))
    return rows, problems


def _yaml_rows(text: str, source: str) -> tuple[list[_Row], list[FileProblem]]:
    data, lines, problems = parse_yaml(text, source, RosterFileError)
    if not isinstance(data, list):
        what = "nothing" if data is None else type(data).__name__
        kind = {"dict": "a mapping", "str": "text"}.get(what, what)
        return [], [
            *problems,
            FileProblem(source, "", f"expected a list of companies, got {kind}", lines.get(())),
        ]
    if not data:
        return [], [*problems, FileProblem(source, "", "no companies: the list is empty", 1)]
    rows: list[_Row] = []
    for index, item in enumerate(data):
        line = line_for(lines, (index,))
        if not isinstance(item, dict):
            problems.append(
                FileProblem(
                    source,
                    format_path((index,)),
                    "expected a mapping of slug, name_en, name_zh… for a company",
                    line,
                )
            )
            continue
        values = {str(k): v for k, v in item.items()}
        key_lines = {key: line_for(lines, (index, key)) for key in values}
        rows.append(_Row(values, line, index, key_lines))
    return rows, problems


def _text(value: Any) -> tuple[str | None, str | None]:
    """(text, problem) of a value: YAML may give a number or a list where text is meant."""
    if value is None:
        return "", None
    if isinstance(value, str):
        return value.strip(), None
    if isinstance(value, bool | int | float):
        return None, "expected text, got a number or true/false; put it in quotes"
    return None, "expected text, got a list or a mapping"


def _bool(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    if value is None:
        return False, None
    if isinstance(value, str | int) and str(value).strip().lower() in TRUE + FALSE:
        return str(value).strip().lower() in TRUE, None
    return None, f"'{value}' is not true or false (use true/false, yes/no or 1/0)"


def website_problem(url: str) -> str | None:
    """Why a website address is refused (the roster form's rule), or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"'{url}' is not a website address starting with https:// or http://"
    if any(c.isspace() for c in url) or not parts.hostname:
        return f"'{url}' is not a website address"
    return None


def _entry(row: _Row) -> tuple[RosterEntry | None, list[tuple[str, str]]]:
    """The entry of a row, or None and its problems as (column, message)."""
    found: list[tuple[str, str]] = []
    unknown = [key for key in row.values if key not in COLUMNS]
    for key in unknown:
        found.append((key, f"unknown key '{key}' (allowed: {', '.join(COLUMNS)})"))
    texts: dict[str, str] = {}
    for key in ("slug", "name_en", "name_zh", "website", "source"):
        if key not in row.values:
            continue
        text, problem = _text(row.values[key])
        if problem:
            found.append((key, problem))
            continue
        text = text or ""
        if len(text) > MAX_LENGTH[key]:
            found.append((key, f"at most {MAX_LENGTH[key]} characters (this has {len(text)})"))
        texts[key] = text
    for key in REQUIRED:
        if not texts.get(key) and not any(k == key for k, _m in found):
            found.append((key, f"missing {key}" if key == "slug" else f"missing {_NAMES[key]}"))
    slug = texts.get("slug", "")
    if slug and not SLUG.fullmatch(slug):
        found.append(
            ("slug", f"'{slug}' is not a short name: use lowercase letters, digits and hyphens")
        )
    if texts.get("website"):
        problem = website_problem(texts["website"])
        if problem:
            found.append(("website", problem))
    signatory = False
    if "signatory" in row.values:
        value, problem = _bool(row.values["signatory"])
        if problem:
            found.append(("signatory", problem))
        signatory = bool(value)
    if signatory and not texts.get("source") and "source" not in {k for k, _m in found}:
        found.append(("source", "a signatory needs its source (where the signature is documented)"))
    if found:
        return None, found
    return (
        RosterEntry(
            slug=slug,
            name_en=texts["name_en"],
            name_zh=texts["name_zh"],
            website=texts.get("website") or None,
            signatory=signatory,
            source=texts.get("source") or None,
            given=frozenset(row.values),
            line=row.line,
        ),
        [],
    )


_NAMES = {"name_en": "the English name", "name_zh": "the Chinese name"}
