"""The ledger chain: hashing is canonical, and every kind of tampering is found where it is."""

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from tracker.domain.canonical import canonical_json, sha256_hex
from tracker.domain.ledger import (
    GENESIS,
    ChainProblem,
    EntryKind,
    Finding,
    RootAccumulator,
    StoredEntry,
    next_entry,
    report_entry,
    verify,
    verify_log,
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


def test_entries_made_before_report_entries_hash_as_they_did():
    """The optional report fields are not hashed when None: these hashes were computed by the
    ledger before report entries existed (main at 1927108), so every stored entry still holds."""
    first = next_entry(
        None, EntryKind.PUBLICATION, "a", "2025", 1, "2026-01-02T03:04:05Z", SNAPSHOTS[1]
    )
    second = next_entry(
        first, EntryKind.CORRECTION, "a", "2025", 2, "2026-01-04T00:00:00Z", {"x": 1}, supersedes=1
    )
    assert first.entry_hash == "0288cd05b82239b63034cb318335796ba0ffbd4556d22e12cd79c77816eb460e"
    assert second.entry_hash == "3c0f654d513809aed381ef63d7bf9eabd9f31ee4080cc360b76f885b2435bcdb"
    assert second.leaf_hash().hex() == (
        "86859c9d01e86d35b9f0d514c92bad191662e55c80f9ca792cd19dc3e515fe21"
    )
    assert "renders" not in second.body() and b"renders" not in second.leaf_data()


PDF_SHA = "ab" * 32


def with_report():
    entries = chain()
    report = report_entry(entries[-1], entries[0], "zh", PDF_SHA, "2026-01-05T00:00:00Z")
    return [*entries, report]


def test_a_report_entry_names_the_publication_entry_it_renders():
    entries = with_report()
    report = entries[-1]
    assert report.kind is EntryKind.REPORT and report.sequence == 4
    assert (report.renders, report.language, report.document_sha256) == (1, "zh", PDF_SHA)
    assert (report.company, report.cycle, report.version) == ("a", "2025", 1)
    assert report.snapshot_sha256 == entries[0].snapshot_sha256
    assert report.body()["renders"] == 1 and report.previous_hash == entries[2].entry_hash
    assert verify(entries, SNAPSHOTS) is None  # a report entry has no snapshot of its own
    with pytest.raises(ValueError, match="publishes nothing"):
        report_entry(report, report, "en", PDF_SHA, "2026-01-06T00:00:00Z")  # renders a report
    with pytest.raises(ValueError, match="needs a language"):
        report_entry(report, entries[0], "fr", PDF_SHA, "2026-01-06T00:00:00Z")
    with pytest.raises(ValueError, match="needs a language"):
        report_entry(report, entries[0], "en", "AB" * 32, "2026-01-06T00:00:00Z")


@pytest.mark.parametrize(
    "change",
    [
        {"renders": 2},  # another company's entry
        {"renders": 3},  # a later version of the same company
        {"renders": 9},  # no such entry
        {"renders": None},
        {"language": "fr"},
        {"document_sha256": "nope"},
        {"snapshot_sha256": "0" * 64},
    ],
    ids=["other-company", "other-version", "missing", "none", "language", "sha", "snapshot"],
)
def test_a_report_entry_that_renders_nothing_published_is_found(change):
    entries = with_report()
    entries[-1] = rehash(dataclasses.replace(entries[-1], **change))
    assert verify(entries, SNAPSHOTS) == Finding(4, ChainProblem.RENDERS)


def test_a_publication_entry_carries_no_report_fields():
    entries = chain()
    entries[2] = rehash(dataclasses.replace(entries[2], language="en"))
    assert verify(entries, SNAPSHOTS) == Finding(3, ChainProblem.RENDERS)


def test_the_root_accumulator_gives_the_rfc_9162_root_at_every_size():
    vectors = json.loads((Path(__file__).parents[1] / "data/transparency-vectors.json").read_text())
    tree = vectors["rfc6962_reference_tree"]
    roots = RootAccumulator()
    assert roots.root().hex() == tree["root_by_tree_size"]["0"]
    for i, leaf in enumerate(tree["leaves_hex"]):
        roots.append(hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest())
        assert roots.size == i + 1
        assert roots.root().hex() == tree["root_by_tree_size"][str(i + 1)]


def stored(entries, snapshots):
    return [StoredEntry(e, snapshots.get(e.sequence), e.leaf_hash()) for e in entries]


def roots_of(entries) -> dict[int, bytes]:
    roots, out = RootAccumulator(), {}
    for e in entries:
        roots.append(e.leaf_hash())
        out[roots.size] = roots.root()
    return out


def test_the_log_verifies_against_every_checkpoint():
    entries = with_report()
    assert verify_log(stored(entries, SNAPSHOTS), roots_of(entries)) is None
    assert verify_log(stored(entries, SNAPSHOTS), {4: roots_of(entries)[4]}) is None
    assert verify_log([], {}) is None


def test_a_removed_head_entry_is_found_by_the_latest_checkpoint():
    entries = with_report()
    checkpoints = roots_of(entries)
    found = verify_log(stored(entries[:-1], SNAPSHOTS), checkpoints)
    assert found == Finding(4, ChainProblem.TRUNCATED, count=3)
    assert str(found) == (
        "checkpoint 4: the log signed 4 entries but only 3 remain (entries were removed)"
    )


def test_entries_no_checkpoint_signed_are_found():
    entries = with_report()
    found = verify_log(stored(entries, SNAPSHOTS), {2: roots_of(entries)[2]})
    assert found == Finding(2, ChainProblem.UNSIGNED, count=4)
    assert verify_log(stored(entries, SNAPSHOTS), {}) == Finding(0, ChainProblem.UNSIGNED, count=4)


def test_an_old_snapshot_changed_with_the_chain_rehashed_is_found_by_its_checkpoint():
    """The operator edits snapshot 2 and recomputes every later hash: the chain holds again,
    but the tree of the first two entries is no longer the one checkpoint 2 signed."""
    entries = with_report()
    checkpoints = roots_of(entries)
    snapshots = dict(SNAPSHOTS) | {2: {"company": "b", "items": [{"id": "c1.x", "status": "met"}]}}
    forged = entries[:1]
    for entry in entries[1:]:
        fields = {"previous_hash": forged[-1].entry_hash}
        if entry.sequence == 2:
            fields["snapshot_sha256"] = sha256_hex(snapshots[2])
        forged.append(rehash(dataclasses.replace(entry, **fields)))
    assert verify(forged, snapshots) is None  # the chain alone is fooled
    assert verify_log(stored(forged, snapshots), checkpoints) == Finding(2, ChainProblem.CHECKPOINT)
    # Only the latest checkpoint kept: still caught, at its size.
    assert verify_log(stored(forged, snapshots), {4: checkpoints[4]}) == Finding(
        4, ChainProblem.CHECKPOINT
    )


def test_a_stored_leaf_hash_that_is_not_the_entry_s_is_found():
    entries = with_report()
    rows = stored(entries, SNAPSHOTS)
    rows[1] = dataclasses.replace(rows[1], leaf_hash=b"\x00" * 32)
    assert verify_log(rows, roots_of(entries)) == Finding(2, ChainProblem.LEAF_HASH)
