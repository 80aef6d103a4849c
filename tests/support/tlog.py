"""The transparency log in tests: the published vectors, reference leaves, and small logs.

``vectors()`` is ``tests/data/transparency-vectors.json`` (see /work/shared/transparency.md §2.5
for its layout); ``reference_leaves()`` the leaf hashes of the RFC 6962 reference tree;
``leaves(n)`` the leaf hashes of a log of ``n`` distinct entries.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from tracker.verify import leaf_hash

VECTORS = Path(__file__).resolve().parent.parent / "data" / "transparency-vectors.json"


@functools.cache
def vectors() -> dict:
    """The parsed vector file (read once)."""
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def hexes(values: list[str]) -> list[bytes]:
    """Hex strings as bytes."""
    return [bytes.fromhex(v) for v in values]


def reference_leaves() -> list[bytes]:
    """The eight leaf hashes of the RFC 6962 reference tree."""
    return [leaf_hash(d) for d in hexes(vectors()["rfc6962_reference_tree"]["leaves_hex"])]


def leaves(count: int) -> list[bytes]:
    """The leaf hashes of a log of ``count`` distinct entries."""
    return [leaf_hash(b'{"sequence":%d}' % (n + 1)) for n in range(count)]
