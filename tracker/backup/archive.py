"""The archive's format: its members, its manifest and how a row is written as JSON.

A backup is a gzip-compressed tar holding, in this order:

- ``manifest.json``: the format version, the app version, the migration revision, when it was
  made, every table with its row count and the SHA-256 of its file, every blob with its
  namespace, SHA-256 and size;
- ``tables/<name>.jsonl``: a table's rows, one JSON object per line, in foreign-key order;
- ``blobs/<namespace>/<sha256>``: each blob's bytes.

Rows are written by column type, so that they read back the same on either database: timestamps
as ISO 8601 with their offset, dates as ISO dates, bytes in base64, decimals as strings, enums by
value, JSON as it is. A JSON column distinguishes SQL NULL from JSON ``null``: the names of the
columns that are SQL NULL in a row are listed under ``NULL_KEY``.
"""

from __future__ import annotations

import base64
import enum
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

FORMAT = "tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES, BLOBS = "tables/", "blobs/"
NULL_KEY = "$sql_null"  # no column is named so: the name holds a character none may


class ArchiveError(ValueError):
    """The archive cannot be restored (damaged, incomplete, or of another version): the message
    says which file and why."""


def table_member(name: str) -> str:
    """The archive path of a table's rows."""
    return f"{TABLES}{name}.jsonl"


def blob_member(namespace: str, sha256: str) -> str:
    """The archive path of a blob."""
    return f"{BLOBS}{namespace}/{sha256}"


def is_json(column: sa.Column) -> bool:
    """Whether the column holds JSON (whose null and SQL NULL differ)."""
    return isinstance(column.type, sa.JSON)


def encode_value(value: Any) -> Any:
    """A column's value as JSON can carry it (the reverse is ``decode_value``)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def encode_row(table: sa.Table, row: sa.Row) -> bytes:
    """One line of a table's file: the row read by ``select_rows``."""
    values = row._mapping
    out: dict[str, Any] = {}
    nulls = []
    for column in table.columns:
        if is_json(column) and values[f"{NULL_KEY}{column.name}"]:
            nulls.append(column.name)
            out[column.name] = None
        else:
            out[column.name] = encode_value(values[column.name])
    if nulls:
        out[NULL_KEY] = nulls
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def select_rows(table: sa.Table) -> sa.Select:
    """Every row of the table in key order, with, per JSON column, whether it is SQL NULL."""
    flags = [
        column.is_(None).label(f"{NULL_KEY}{column.name}")
        for column in table.columns
        if is_json(column)
    ]
    order = list(table.primary_key.columns) or list(table.columns)
    return sa.select(table, *flags).order_by(*order)


def decode_value(column: sa.Column, value: Any) -> Any:
    """A JSON value back into what the column's type takes."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.JSON):
        return value
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(kind, sa.Float):
        return value
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Integer):
        return Decimal(value)
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    return value


def decode_row(table: sa.Table, line: bytes, where: str) -> dict[str, Any]:
    """The insert parameters for one line of a table's file; ArchiveError naming the line."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        nulls = set(data.pop(NULL_KEY, ()))
        if set(data) != {column.name for column in table.columns}:
            raise KeyError(f"columns {sorted(data)}")
        return {
            # sa.null(): SQL NULL, where None would be stored as JSON null
            column.name: sa.null()
            if column.name in nulls
            else decode_value(column, data[column.name])
            for column in table.columns
        }
    except (ValueError, TypeError, KeyError) as exc:
        raise ArchiveError(f"{where}: a row cannot be read ({exc})") from None
