"""Checklists: the commitments and items companies disclose against, loaded from YAML files.

A checklist file is validated in two passes: its structure against a JSON Schema
(checklist_schema.py), then rules a schema cannot state (unique ids, item ids under their
commitment). Every problem is reported at once, each naming the file, the line, the path to the
field and what is wrong, so that the secretariat can fix a file in one go.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from tracker.domain.canonical import sha256_hex
from tracker.domain.checklist_schema import CHECKLIST_SCHEMA
from tracker.domain.crosswalk import KNOWN_TAGS
from tracker.domain.languages import Text
from tracker.domain.statuses import Status
from tracker.domain.yamlfile import (
    FileError,
    FileProblem,
    Found,
    YamlPath,
    check,
    duplicates,
    parse_yaml,
    read_text,
)


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
    # Takes benchmark results (tracker.domain.results) besides its other answers.
    results: bool = False


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


# One problem of a checklist file: file, line, path and message (shared with the registry).
ChecklistProblem = FileProblem


class ChecklistError(FileError):
    """A checklist file (or set of files) is wrong; ``problems`` lists every problem found."""


Path_ = YamlPath  # a path into the data: keys and list indexes


# --- rules a schema cannot state --------------------------------------------------------------


def _semantic_problems(data: Any) -> Found:
    if not isinstance(data, dict) or not isinstance(data.get("commitments"), list):
        return []
    found: Found = []
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
            found += duplicates(
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
                    found += duplicates(
                        [
                            ((*ipath, "answer", "fields", fi, "options", oi, "id"), o.get("id"))
                            for oi, o in enumerate(options)
                            if isinstance(o, dict)
                        ],
                        "option",
                    )
    return found + duplicates(commitment_ids, "commitment") + duplicates(item_ids, "item")


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
            results=answer.get("results", False),
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
    problems = check(data, CHECKLIST_SCHEMA, _semantic_problems, source, lines or {})
    if problems:
        raise ChecklistError(problems)
    return _build(data, content_hash(data))


def parse_checklist(text: str, source: str = "<text>") -> tuple[dict, Checklist]:
    """Parse and validate a checklist file's text; returns (raw data, Checklist)."""
    data, lines, problems = parse_yaml(text, source, ChecklistError)
    try:
        checklist = checklist_from_data(data, source, lines)
    except ChecklistError as exc:
        raise ChecklistError(problems + exc.problems) from None
    if problems:
        raise ChecklistError(problems)
    return data, checklist


@lru_cache(maxsize=32)
def _parsed(text: str, source: str) -> tuple[dict, Checklist]:
    return parse_checklist(text, source)


def load_checklist_file(path: Path) -> tuple[dict, Checklist]:
    """Read, parse and validate one checklist file.

    A file's text is parsed once per process (a test run builds hundreds of apps from the same
    files, and pure-Python YAML takes a quarter of a second per file); the raw data is a copy,
    so no caller can change what the next one reads."""
    data, checklist = _parsed(read_text(path, ChecklistError), str(path))
    return copy.deepcopy(data), checklist


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
