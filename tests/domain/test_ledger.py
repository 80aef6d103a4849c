"""The ledger chain: hashing is canonical, and every kind of tampering is found where it is."""

import dataclasses
import json

import pytest

from tracker.domain.canonical import canonical_json, sha256_hex
from tracker.domain.ledger import (
    GENESIS,
    ChainProblem,
    EntryKind,
    Finding,
    next_entry,
    verify,
)

SNAPSHOTS = {
    1: {"company": "a", "items": [{"id": "c1.x", "status": "met", "narrative": "团队"}]},
    2: {"company": "b", "items": [{"id": "c1.x", "status": "not_met", "narrative": "None."}]},
    3: {"company": "a", "items": [{"id": "c1.x", "status": "met", "narrative": "团队 v2"}]},
}


def chain():
    first = next_entry(
        None, EntryKind.PUBLICATION, "a", "2025", 1, "2026-01-02T03:04:05Z", SNAPSHOTS[1]
    )
    second = next_entry(
        first, EntryKind.PUBLICATION, "b", "2025", 1, "2026-01-03T00:00:00Z", SNAPSHOTS[2]
    )
    third = next_entry(
        second,
        EntryKind.CORRECTION,
        "a",
        "2025",
        2,
        "2026-01-04T00:00:00Z",
        SNAPSHOTS[3],
        supersedes=1,
    )
    return [first, second, third]


def test_canonical_json_ignores_key_order_and_keeps_unicode():
    assert canonical_json({"b": 1, "a": "中"}) == canonical_json({"a": "中", "b": 1})
    assert canonical_json({"a": "中"}) == '{"a":"中"}'.encode()
    assert canonical_json({"n": 1.0}) == b'{"n":1}'


def test_entries_link_to_each_other():
    first, second, third = chain()
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.entry_hash
    assert third.supersedes == 1 and third.kind is EntryKind.CORRECTION
    assert first.snapshot_sha256 == sha256_hex(SNAPSHOTS[1])
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3


def test_an_intact_chain_verifies():
    assert verify(chain(), SNAPSHOTS) is None
    assert verify([], {}) is None


@pytest.mark.parametrize(
    ("tamper", "finding"),
    [
        # a changed publication date
        (
            lambda es, ss: es.__setitem__(
                1, dataclasses.replace(es[1], published_at="2025-12-31T00:00:00Z")
            ),
            Finding(2, ChainProblem.ENTRY_HASH),
        ),
        # a changed narrative in a published snapshot
        (
            lambda es, ss: ss[1]["items"][0].__setitem__("narrative", "更好的团队"),
            Finding(1, ChainProblem.SNAPSHOT),
        ),
        # a recomputed entry hash after changing a date breaks the link of the next entry
        (
            lambda es, ss: es.__setitem__(
                0,
                rehash(dataclasses.replace(es[0], published_at="2025-12-31T00:00:00Z")),
            ),
            Finding(2, ChainProblem.PREVIOUS_HASH),
        ),
        # a deleted entry
        (lambda es, ss: es.pop(1), Finding(3, ChainProblem.SEQUENCE)),
        # a swapped order
        (lambda es, ss: es.reverse(), Finding(3, ChainProblem.SEQUENCE)),
        # a missing snapshot
        (lambda es, ss: ss.pop(3), Finding(3, ChainProblem.SNAPSHOT)),
        # a replaced hash
        (
            lambda es, ss: es.__setitem__(2, dataclasses.replace(es[2], entry_hash="f" * 64)),
            Finding(3, ChainProblem.ENTRY_HASH),
        ),
    ],
    ids=["date", "narrative", "rehashed-date", "deleted", "reordered", "missing-snapshot", "hash"],
)
def test_tampering_is_found_at_the_first_entry_concerned(tamper, finding):
    entries = chain()
    snapshots = {
        k: {"company": v["company"], "items": [dict(i) for i in v["items"]]}
        for k, v in SNAPSHOTS.items()
    }
    tamper(entries, snapshots)
    assert verify(entries, snapshots) == finding
    assert str(finding).startswith(f"entry {finding.sequence}: ")


def rehash(entry):
    return dataclasses.replace(entry, entry_hash=sha256_hex(entry.body()))


def test_an_entry_s_leaf_is_the_canonical_json_of_all_its_fields():
    entry = next_entry(None, EntryKind.PUBLICATION, "acme", "2025", 1, "2025-01-02T03:04:05Z", {})
    leaf = entry.leaf_data()
    assert json.loads(leaf) == entry.body() | {"entry_hash": entry.entry_hash}
    assert leaf.startswith(b'{"company":"acme","cycle":"2025","entry_hash":"')
    assert b" " not in leaf
