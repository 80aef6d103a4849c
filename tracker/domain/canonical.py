"""Canonical JSON and its SHA-256: the one way this project hashes structured data.

RFC 8785 (the JSON Canonicalization Scheme): keys sorted, no spaces, UTF-8, numbers in their
shortest form (``1.0`` is ``1``), so that anyone can recompute a hash in any language. The
ledger hashes snapshots and entries with it, and checklist versions are identified by it.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import rfc8785

# What canonical JSON can be made of.
JSONValue: TypeAlias = (
    bool | int | float | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"] | None
)


def canonical_json(value: JSONValue) -> bytes:
    """RFC 8785 canonical JSON of ``value``."""
    return rfc8785.dumps(value)


def sha256_hex(value: JSONValue) -> str:
    """The SHA-256 of ``value``'s canonical JSON, as 64 hexadecimal digits."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
