"""Files reviewed like code (the checklists, the benchmark registry): YAML read with the line of
every value, checked against a JSON Schema and by rules a schema cannot state, every problem
reported at once and each located by file, line and path, in words meant for the file's author.

The checklist and registry loaders share this; each brings its schema, its rules and its error
class (a FileError), and builds its objects once nothing is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml

from tracker.domain.languages import CODES

YamlPath = tuple[str | int, ...]
Found = list[tuple[YamlPath, str]]  # (path, message) pairs before they are located


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file: where (file, line, path to the value) and what."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FileError(ValueError):
    """A file (or set of files) is wrong; ``problems`` lists every problem found."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- reading YAML with line numbers ---------------------------------------------------------


class Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so ``released: 2024-12-24`` stays a string."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def index_lines(
    node: yaml.Node, path: YamlPath, lines: dict, problems: list[FileProblem], file: str
) -> None:
    """Record the line of every value (and mapping key) by path; report duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    FileProblem(
                        file,
                        format_path((*path, key)),
                        f"duplicate key '{key}'",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            index_lines(value_node, (*path, key), lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            index_lines(child, (*path, i), lines, problems, file)


def format_path(path: YamlPath) -> str:
    """``commitments[0].items[1].id`` from ``("commitments", 0, "items", 1, "id")``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_for(lines: dict[YamlPath, int], path: YamlPath) -> int | None:
    """The line of a path, or of its nearest parent that has one (a missing key: its mapping)."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def parse_yaml(
    text: str, source: str, error: type[FileError] = FileError
) -> tuple[Any, dict[YamlPath, int], list[FileProblem]]:
    """The data of a YAML text, the line of every path in it, and its duplicate keys (as
    problems); raises ``error`` when the text is no YAML at all."""
    # One pass: the node tree gives the lines, and the data is built from the same tree.
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(
            [FileProblem(source, "", f"not valid YAML: {problem}", mark.line + 1 if mark else None)]
        ) from exc
    finally:
        loader.dispose()
    lines: dict[YamlPath, int] = {}
    problems: list[FileProblem] = []
    if node is not None:
        index_lines(node, (), lines, problems, source)
    return data, lines, problems


def read_text(path: Path, error: type[FileError] = FileError) -> str:
    """A file's text as UTF-8; ``error`` naming the file when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error([FileProblem(str(path), "", f"cannot read: {exc}")]) from exc


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


def kind_of(value: Any) -> str:
    """What a YAML value is, in the words of the messages ("text", "a list", …)."""
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


def schema_problems(error: jsonschema.ValidationError) -> Found:
    """Turn one schema error into (path, message) pairs phrased for the file's author.

    Schemas steer the words with keys of their own: ``x-kind`` names what an enum holds (or
    marks a bilingual text, ``"text"``), ``x-pattern`` is the message for a value that does not
    match the pattern (``{value}`` stands for the value).
    """
    path: YamlPath = tuple(error.absolute_path)
    # An error from iter_errors always carries its subschema (a mapping: these schemas have no
    # boolean subschemas) and the offending value, any YAML; the stubs also allow the unset
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
                (path, f"expected a mapping with 'en' and 'zh' translations, got {kind_of(value)}")
            ]
        hint = "; put it in quotes" if schema["type"] == "string" and value is not None else ""
        return [(path, f"expected {_TYPE_NAMES[schema['type']]}, got {kind_of(value)}{hint}")]
    if kind == "enum":
        what = schema.get("x-kind", "value")
        allowed = ", ".join(map(str, schema["enum"]))
        return [(path, f"unknown {what} '{value}' (allowed: {allowed})")]
    if kind in ("minLength", "pattern") and path and path[-1] in CODES:
        return [(path, f"empty translation '{path[-1]}'")]
    if kind == "pattern":
        message = schema.get("x-pattern", "'{value}' does not match " + schema["pattern"])
        return [(path, message.format(value=value))]
    if kind == "minItems":
        least = schema["minItems"]
        return [(path, "must not be empty" if least == 1 else f"needs at least {least} entries")]
    if kind == "uniqueItems":
        twice = [str(v) for v, n in Counter(map(str, value)).items() if n > 1]
        return [(path, f"listed more than once: {', '.join(twice)}")]
    if kind == "const":
        return [(path, f"unsupported format {value!r}: this version of tracker reads format 1")]
    if kind == "exclusiveMinimum":
        return [(path, f"must be greater than {schema['exclusiveMinimum']}, got {value}")]
    return [(path, error.message)]


# --- rules a schema cannot state --------------------------------------------------------------


def duplicates(pairs: list[tuple[YamlPath, Any]], what: str) -> Found:
    """Report every id that was already used, at the path of its second use."""
    first_seen: dict[Any, YamlPath] = {}
    found = []
    for path, ident in pairs:
        if not isinstance(ident, str):
            continue
        if ident in first_seen:
            found.append(
                (
                    path,
                    f"duplicate {what} id '{ident}' (first used at "
                    f"{format_path(first_seen[ident])})",
                )
            )
        else:
            first_seen[ident] = path
    return found


def ids_of(entries: Any, path: YamlPath, key: str = "id") -> list[tuple[YamlPath, Any]]:
    """(path of each entry's id, the id) for a list of mappings, skipping what is no mapping (the
    schema reports those)."""
    if not isinstance(entries, list):
        return []
    return [((*path, i, key), e.get(key)) for i, e in enumerate(entries) if isinstance(e, dict)]


def check(
    data: Any,
    schema: Mapping[str, Any],
    rules: Callable[[Any], Found],
    source: str,
    lines: dict[YamlPath, int],
) -> list[FileProblem]:
    """Every problem of parsed data: its schema's, then its rules', located and in line order."""
    validator = jsonschema.Draft202012Validator(schema)
    found: Found = []
    for error in validator.iter_errors(data):
        found += schema_problems(error)
    found += rules(data)
    return sorted(
        {FileProblem(source, format_path(p), msg, line_for(lines, p)) for p, msg in found},
        key=lambda pr: (pr.line or 0, pr.path, pr.message),
    )
