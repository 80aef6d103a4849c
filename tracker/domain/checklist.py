"""Checklists: the commitments and items companies disclose against, loaded from YAML files.

A checklist file is validated in two passes: its structure against a JSON Schema
(checklist_schema.py), then rules a schema cannot state (unique ids, item ids under their
commitment). Every problem is reported at once, each naming the file, the line, the path to the
field and what is wrong, so that the secretariat can fix a file in one go.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml

from tracker.domain.canonical import sha256_hex
from tracker.domain.checklist_schema import CHECKLIST_SCHEMA
from tracker.domain.crosswalk import KNOWN_TAGS
from tracker.domain.languages import CODES, Text
from tracker.domain.statuses import Status


@dataclass(frozen=True)
class Option:
    id: str
    label: Text


@dataclass(frozen=True)
class Field:
    """A structured answer an item takes besides its narrative, e.g. benchmarks run."""

    id: str
    type: str
    label: Text
    options: tuple[Option, ...]
    allow_other: bool


@dataclass(frozen=True)
class Item:
    id: str
    commitment_id: str
    title: Text
    guidance: Text
    required: bool
    weight: float
    statuses: tuple[Status, ...]
    narrative: bool
    evidence: bool
    fields: tuple[Field, ...]
    crosswalk: tuple[str, ...]


@dataclass(frozen=True)
class Commitment:
    id: str
    title: Text
    guidance: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklist:
    """One version of a checklist, as loaded from its file."""

    id: str
    version: str
    released: str
    title: Text
    publisher: Text
    source: Text
    commitments: tuple[Commitment, ...]
    content_hash: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for c in self.commitments for item in c.items)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError if the checklist has none."""
        return self._items_by_id[item_id]


@dataclass(frozen=True)
class ChecklistProblem:
    """One thing wrong with a checklist file."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ChecklistError(ValueError):
    """A checklist file (or set of files) is wrong; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ChecklistProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- reading YAML with line numbers ---------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so ``released: 2024-12-24`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple[str | int, ...]


def _index_lines(node: yaml.Node, path: Path_, lines: dict, problems: list, file: str) -> None:
    """Record the line of every value (and mapping key) by path; report duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    ChecklistProblem(
                        file,
                        _format_path((*path, key)),
                        f"duplicate key '{key}'",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _index_lines(child, (*path, i), lines, problems, file)


def _format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- messages for schema errors ---------------------------------------------------------------

_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _schema_problems(error: jsonschema.ValidationError) -> list[tuple[Path_, str]]:
    """Turn one schema error into (path, message) pairs phrased for the file's author."""
    path: Path_ = tuple(error.absolute_path)
    # An error from iter_errors always carries its subschema (a mapping: the checklist schema has
    # no boolean subschemas) and the offending value, any YAML; the stubs also allow the unset
    # defaults of an error made by hand.
    schema = cast(Mapping[str, Any], error.schema)
    value: Any = error.instance
    kind = error.validator
    if kind == "additionalProperties":
        allowed = ", ".join(schema.get("properties", {}))
        return [
            ((*path, key), f"unknown key '{key}' (allowed here: {allowed})")
            for key in value
            if key not in schema.get("properties", {})
        ]
    if kind == "required":
        noun = "translation" if schema.get("x-kind") == "text" else "key"
        return [(path, f"missing {noun} '{key}'") for key in schema["required"] if key not in value]
    if kind == "type":
        if schema.get("x-kind") == "text":
            return [
                (path, f"expected a mapping with 'en' and 'zh' translations, got {_kind_of(value)}")
            ]
        hint = "; put it in quotes" if schema["type"] == "string" and value is not None else ""
        return [(path, f"expected {_TYPE_NAMES[schema['type']]}, got {_kind_of(value)}{hint}")]
    if kind == "enum":
        what = schema.get("x-kind", "value")
        allowed = ", ".join(map(str, schema["enum"]))
        return [(path, f"unknown {what} '{value}' (allowed: {allowed})")]
    if kind in ("minLength", "pattern") and path and path[-1] in CODES:
        return [(path, f"empty translation '{path[-1]}'")]
    if kind == "pattern":
        field = path[-1] if path else ""
        if field == "released":
            return [(path, f"'{value}' is not a date: use YYYY-MM or YYYY-MM-DD")]
        if field == "version":
            return [(path, f"'{value}' is not a valid version: use letters, digits, '.' and '-'")]
        if schema["pattern"].endswith(r"\.[a-z0-9]+(-[a-z0-9]+)*$"):
            return [
                (
                    path,
                    f"'{value}' is not a valid item id: use '<commitment id>.<name>' in "
                    "lowercase letters, digits and '-'",
                )
            ]
        return [(path, f"'{value}' is not a valid id: use lowercase letters, digits and '-'")]
    if kind == "minItems":
        return [(path, "must not be empty")]
    if kind == "uniqueItems":
        twice = [str(v) for v, n in Counter(map(str, value)).items() if n > 1]
        return [(path, f"listed more than once: {', '.join(twice)}")]
    if kind == "const":
        return [(path, f"unsupported format {value!r}: this version of tracker reads format 1")]
    if kind == "exclusiveMinimum":
        return [(path, f"must be greater than {schema['exclusiveMinimum']}, got {value}")]
    return [(path, error.message)]


# --- rules a schema cannot state --------------------------------------------------------------


def _duplicates(pairs: list[tuple[Path_, Any]], what: str) -> list[tuple[Path_, str]]:
    """Report every id that was already used, at the path of its second use."""
    first_seen: dict[Any, Path_] = {}
    found = []
    for path, ident in pairs:
        if not isinstance(ident, str):
            continue
        if ident in first_seen:
            found.append(
                (
                    path,
                    f"duplicate {what} id '{ident}' (first used at "
                    f"{_format_path(first_seen[ident])})",
                )
            )
        else:
            first_seen[ident] = path
    return found


def _semantic_problems(data: Any) -> list[tuple[Path_, str]]:
    if not isinstance(data, dict) or not isinstance(data.get("commitments"), list):
        return []
    found: list[tuple[Path_, str]] = []
    commitment_ids, item_ids = [], []
    for ci, commitment in enumerate(data["commitments"]):
        if not isinstance(commitment, dict):
            continue
        cpath: Path_ = ("commitments", ci)
        cid = commitment.get("id")
        commitment_ids.append(((*cpath, "id"), cid))
        items = commitment.get("items")
        for ii, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            ipath = (*cpath, "items", ii)
            iid = item.get("id")
            item_ids.append(((*ipath, "id"), iid))
            if isinstance(iid, str) and isinstance(cid, str) and not iid.startswith(cid + "."):
                found.append(
                    (
                        (*ipath, "id"),
                        f"item id '{iid}' must start with its commitment's id '{cid}.'",
                    )
                )
            answer = item.get("answer")
            fields = answer.get("fields") if isinstance(answer, dict) else None
            if not isinstance(fields, list):
                continue
            found += _duplicates(
                [
                    ((*ipath, "answer", "fields", fi, "id"), f.get("id"))
                    for fi, f in enumerate(fields)
                    if isinstance(f, dict)
                ],
                "field",
            )
            for fi, f in enumerate(fields):
                options = f.get("options") if isinstance(f, dict) else None
                if isinstance(options, list):
                    found += _duplicates(
                        [
                            ((*ipath, "answer", "fields", fi, "options", oi, "id"), o.get("id"))
                            for oi, o in enumerate(options)
                            if isinstance(o, dict)
                        ],
                        "option",
                    )
    return found + _duplicates(commitment_ids, "commitment") + _duplicates(item_ids, "item")


# --- building the objects ---------------------------------------------------------------------


def _text(raw: dict) -> Text:
    return Text(en=raw["en"].strip(), zh=raw["zh"].strip())


def _build(data: dict, content_hash: str) -> Checklist:
    def item(raw: dict, commitment_id: str) -> Item:
        answer = raw.get("answer", {})
        return Item(
            id=raw["id"],
            commitment_id=commitment_id,
            title=_text(raw["title"]),
            guidance=_text(raw["guidance"]),
            required=raw.get("required", True),
            weight=float(raw.get("weight", 1)),
            statuses=tuple(Status(s) for s in raw.get("statuses", [s.value for s in Status])),
            narrative=answer.get("narrative", True),
            evidence=answer.get("evidence", True),
            fields=tuple(
                Field(
                    id=f["id"],
                    type=f["type"],
                    label=_text(f["label"]),
                    allow_other=f.get("allow_other", False),
                    options=tuple(Option(o["id"], _text(o["label"])) for o in f["options"]),
                )
                for f in answer.get("fields", [])
            ),
            crosswalk=tuple(raw.get("crosswalk", [])),
        )

    return Checklist(
        id=data["id"],
        version=data["version"],
        released=data["released"],
        title=_text(data["title"]),
        publisher=_text(data["publisher"]),
        source=_text(data["source"]),
        commitments=tuple(
            Commitment(
                id=c["id"],
                title=_text(c["title"]),
                guidance=_text(c["guidance"]),
                items=tuple(item(i, c["id"]) for i in c["items"]),
            )
            for c in data["commitments"]
        ),
        content_hash=content_hash,
    )


def content_hash(data: dict) -> str:
    """SHA-256 of the checklist's canonical JSON (RFC 8785): equal content, equal hash, whatever
    the layout of the file."""
    return sha256_hex(data)


def checklist_from_data(
    data: Any, source: str = "<data>", lines: dict[Path_, int] | None = None
) -> Checklist:
    """Validate already-parsed checklist data and build the Checklist, or raise ChecklistError."""
    lines = lines or {}
    validator = jsonschema.Draft202012Validator(CHECKLIST_SCHEMA)
    found: list[tuple[Path_, str]] = []
    for error in validator.iter_errors(data):
        found += _schema_problems(error)
    found += _semantic_problems(data)
    if found:
        problems = sorted(
            {
                ChecklistProblem(source, _format_path(p), msg, _line_for(lines, p))
                for p, msg in found
            },
            key=lambda pr: (pr.line or 0, pr.path, pr.message),
        )
        raise ChecklistError(problems)
    return _build(data, content_hash(data))


def _line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def parse_checklist(text: str, source: str = "<text>") -> tuple[dict, Checklist]:
    """Parse and validate a checklist file's text; returns (raw data, Checklist)."""
    problems: list[ChecklistProblem] = []
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(
            [
                ChecklistProblem(
                    source, "", f"not valid YAML: {problem}", mark.line + 1 if mark else None
                )
            ]
        ) from exc
    lines: dict[Path_, int] = {}
    if node is not None:
        _index_lines(node, (), lines, problems, source)
    try:
        checklist = checklist_from_data(data, source, lines)
    except ChecklistError as exc:
        raise ChecklistError(problems + exc.problems) from None
    if problems:
        raise ChecklistError(problems)
    return data, checklist


def load_checklist_file(path: Path) -> tuple[dict, Checklist]:
    """Read, parse and validate one checklist file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError([ChecklistProblem(str(path), "", f"cannot read: {exc}")]) from exc
    return parse_checklist(text, str(path))


@dataclass(frozen=True)
class LoadedChecklist:
    """A checklist with the raw data it was built from and the file it came from."""

    checklist: Checklist
    data: dict
    path: Path


def load_checklist_files(paths: list[Path]) -> list[LoadedChecklist]:
    """Load several files; every problem in every file is raised together."""
    problems: list[ChecklistProblem] = []
    loaded: list[LoadedChecklist] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in paths:
        try:
            data, checklist = load_checklist_file(path)
        except ChecklistError as exc:
            problems += exc.problems
            continue
        if checklist.key in seen:
            problems.append(
                ChecklistProblem(
                    str(path),
                    "version",
                    f"checklist '{checklist.id}' version '{checklist.version}' is also defined in "
                    f"{seen[checklist.key]}",
                )
            )
            continue
        seen[checklist.key] = path
        loaded.append(LoadedChecklist(checklist, data, Path(path)))
    if problems:
        raise ChecklistError(problems)
    return loaded


def checklist_paths(directory: Path) -> list[Path]:
    """The checklist files of a folder: every ``*.yaml`` and ``*.yml``, in name order."""
    directory = Path(directory)
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_checklist_directory(directory: Path) -> list[LoadedChecklist]:
    """Load every checklist file of a folder; an empty folder is an error too."""
    paths = checklist_paths(directory)
    if not paths:
        raise ChecklistError([ChecklistProblem(str(directory), "", "no checklist files (*.yaml)")])
    return load_checklist_files(paths)


__all__ = [
    "KNOWN_TAGS",
    "Checklist",
    "ChecklistError",
    "ChecklistProblem",
    "Commitment",
    "Field",
    "Item",
    "LoadedChecklist",
    "Option",
    "checklist_from_data",
    "checklist_paths",
    "content_hash",
    "load_checklist_directory",
    "load_checklist_file",
    "load_checklist_files",
    "parse_checklist",
]
