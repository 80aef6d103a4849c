"""tracker.domain.merkle builds the roots and proofs the verifier checks: the published ones
exactly, and on a log of thousands of entries every proof verifies and every tampering fails."""

from __future__ import annotations

import random

import pytest

from tests.support.tlog import hexes, leaves, reference_leaves, vectors
from tracker import verify
from tracker.domain import merkle

LOG = leaves(3001)  # sizes up to 3000, and one more leaf for "the next size"


def bottom_up_root(hashes: list[bytes]) -> bytes:
    """An independent MTH: hash pairs level by level, carrying a lone last node up unhashed."""
    if not hashes:
        return verify.EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        pairs = [verify.node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def test_roots_of_the_reference_tree():
    expected = vectors()["rfc6962_reference_tree"]["root_by_tree_size"]
    for size, root in expected.items():
        assert merkle.root(reference_leaves()[: int(size)]).hex() == root


@pytest.mark.parametrize("case", vectors()["derived_all_small_proofs"]["inclusion"])
def test_small_inclusion_proofs_are_generated_exactly(case):
    tree = reference_leaves()[: case["tree_size"]]
    assert merkle.inclusion_proof(case["leaf_index"], tree) == hexes(case["proof"])
    assert merkle.root(tree).hex() == case["root"]


@pytest.mark.parametrize("case", vectors()["derived_all_small_proofs"]["consistency"])
def test_small_consistency_proofs_are_generated_exactly(case):
    tree = reference_leaves()[: case["size2"]]
    assert merkle.consistency_proof(case["size1"], tree) == hexes(case["proof"])


@pytest.mark.parametrize(
    "case",
    [c for c in vectors()["inclusion"] if c["valid"] and c["desc"] != "matching root and leaf"],
)
def test_the_upstream_valid_inclusion_proofs_are_generated(case):
    tree = reference_leaves()[: case["tree_size"]]
    assert tree[case["leaf_index"]].hex() == case["leaf_hash"]
    assert merkle.inclusion_proof(case["leaf_index"], tree) == hexes(case["proof"])


@pytest.mark.parametrize(
    "case", [c for c in vectors()["consistency"] if c["valid"] and len(c["root1"]) == 64]
)
def test_the_upstream_valid_consistency_proofs_are_generated(case):
    tree = reference_leaves()[: case["size2"]]
    assert merkle.root(tree[: case["size1"]]).hex() == case["root1"]
    assert merkle.consistency_proof(case["size1"], tree) == hexes(case["proof"])


def test_every_proof_in_every_tree_up_to_64():
    for size in range(1, 65):
        tree = LOG[:size]
        root = merkle.root(tree)
        assert root == bottom_up_root(tree)
        for index in range(size):
            verify.verify_inclusion(
                index, size, tree[index], merkle.inclusion_proof(index, tree), root
            )
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(old, tree)
            verify.verify_consistency(old, size, merkle.root(tree[:old]), root, proof)


def test_proofs_for_every_size_up_to_300():
    rng = random.Random(300)  # noqa: S311 - reproducible test positions
    roots = [merkle.root(LOG[:size]) for size in range(301)]
    for size in range(1, 301):
        tree = LOG[:size]
        assert roots[size] == bottom_up_root(tree)
        for index in {0, size - 1, size // 2, rng.randrange(size), rng.randrange(size)}:
            proof = merkle.inclusion_proof(index, tree)
            verify.verify_inclusion(index, size, tree[index], proof, roots[size])
        for old in {1, size, size - 1 or 1, rng.randint(1, size), rng.randint(1, size)}:
            proof = merkle.consistency_proof(old, tree)
            verify.verify_consistency(old, size, roots[old], roots[size], proof)


def test_random_pairs_in_a_log_of_3000():
    rng = random.Random(3000)  # noqa: S311 - reproducible test positions
    for _ in range(60):
        size = rng.randint(301, 3000)
        tree = LOG[:size]
        root = merkle.root(tree)
        index = rng.randrange(size)
        verify.verify_inclusion(index, size, tree[index], merkle.inclusion_proof(index, tree), root)
        old = rng.randint(1, size)
        proof = merkle.consistency_proof(old, tree)
        verify.verify_consistency(old, size, merkle.root(tree[:old]), root, proof)
    assert merkle.root(LOG[:3000]) == bottom_up_root(LOG[:3000])


def flipped(proof: list[bytes], position: int, bit: int) -> list[bytes]:
    changed = bytearray(proof[position])
    changed[bit // 8] ^= 1 << (bit % 8)
    return [*proof[:position], bytes(changed), *proof[position + 1 :]]


@pytest.mark.parametrize(("index", "size"), [(0, 3000), (1999, 3000), (2999, 3000), (1024, 1025)])
def test_any_tampered_inclusion_proof_is_refused(index, size):
    tree = LOG[:size]
    root = merkle.root(tree)
    proof = merkle.inclusion_proof(index, tree)
    for position in range(len(proof)):
        for bit in range(256):
            with pytest.raises(verify.ProofError):
                verify.verify_inclusion(
                    index, size, tree[index], flipped(proof, position, bit), root
                )
    for other in (index + 1, index - 1):  # the proof claims another position
        if 0 <= other < size:
            with pytest.raises(verify.ProofError):
                verify.verify_inclusion(other, size, tree[index], proof, root)
    for other in (size + 1, size - 1):  # another tree size, with that tree's true root
        if index < other:
            with pytest.raises(verify.ProofError):
                verify.verify_inclusion(index, other, tree[index], proof, merkle.root(LOG[:other]))
    for bad in (proof[:-1], [*proof, proof[0]], proof[::-1] if len(proof) > 1 else []):
        with pytest.raises(verify.ProofError):
            verify.verify_inclusion(index, size, tree[index], bad, root)
    with pytest.raises(verify.ProofError):
        verify.verify_inclusion(index, size, LOG[size], proof, root)


@pytest.mark.parametrize(("old", "size"), [(1, 3000), (1000, 3000), (1024, 2999), (2999, 3000)])
def test_any_tampered_consistency_proof_is_refused(old, size):
    tree = LOG[:size]
    root1, root2 = merkle.root(tree[:old]), merkle.root(tree)
    proof = merkle.consistency_proof(old, tree)
    for position in range(len(proof)):
        for bit in range(256):
            with pytest.raises(verify.ProofError):
                verify.verify_consistency(old, size, root1, root2, flipped(proof, position, bit))
    for other_old, other_size in [
        (old + 1, size),
        (old - 1, size),
        (old, size + 1),
        (old, size - 1),
    ]:
        if 0 < other_old <= other_size:  # other sizes, each with its tree's true root
            with pytest.raises(verify.ProofError):
                verify.verify_consistency(
                    other_old,
                    other_size,
                    merkle.root(LOG[:other_old]),
                    merkle.root(LOG[:other_size]),
                    proof,
                )
    with pytest.raises(verify.ProofError):
        verify.verify_consistency(old, size, root2, root1, proof)
    for bad in (proof[:-1], [*proof, proof[0]]):
        with pytest.raises(verify.ProofError):
            verify.verify_consistency(old, size, root1, root2, bad)


def test_a_rewritten_history_is_not_consistent():
    """An operator edits entry 10 and recomputes everything after it: the new tree is no
    extension of a root saved earlier."""
    saved_root = merkle.root(LOG[:100])
    rewritten = [*LOG[:9], verify.leaf_hash(b"edited"), *LOG[10:500]]
    proof = merkle.consistency_proof(100, rewritten)
    with pytest.raises(verify.ProofError, match="old root"):
        verify.verify_consistency(100, 500, saved_root, merkle.root(rewritten), proof)
    removed = [*LOG[:49], *LOG[50:501]]  # entry 50 removed, the log padded back to 500
    proof = merkle.consistency_proof(100, removed)
    with pytest.raises(verify.ProofError):
        verify.verify_consistency(100, 500, saved_root, merkle.root(removed), proof)


def test_a_proof_costs_at_most_n_hashes(monkeypatch):
    """Tens of thousands of leaves: a root is n - 1 node hashes, a proof no more."""
    big = leaves(40_000)
    calls = [0]
    real = merkle.node_hash

    def counting(left: bytes, right: bytes) -> bytes:
        calls[0] += 1
        return real(left, right)

    monkeypatch.setattr(merkle, "node_hash", counting)
    root = merkle.root(big)
    assert calls[0] == len(big) - 1
    for build in (
        lambda: merkle.inclusion_proof(12_345, big),
        lambda: merkle.consistency_proof(30_001, big),
    ):
        calls[0] = 0
        proof = build()
        assert 0 < calls[0] < len(big)
        assert len(proof) <= 17
    verify.verify_inclusion(
        12_345, len(big), big[12_345], merkle.inclusion_proof(12_345, big), root
    )


def test_bad_arguments():
    assert merkle.root([]) == verify.EMPTY_ROOT
    assert merkle.consistency_proof(0, LOG[:5]) == [] and merkle.consistency_proof(5, LOG[:5]) == []
    for index in (-1, 5):
        with pytest.raises(ValueError, match="outside"):
            merkle.inclusion_proof(index, LOG[:5])
    for old in (-1, 6):
        with pytest.raises(ValueError, match="consistent"):
            merkle.consistency_proof(old, LOG[:5])
