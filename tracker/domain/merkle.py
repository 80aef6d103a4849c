"""The log side of the Merkle tree (RFC 9162 §2.1): roots and proofs over a list of leaf hashes.

Verification lives in :mod:`tracker.verify` (the file readers run); the functions here build
what it checks. Each works on index ranges of the list, so a root costs n - 1 node hashes and
a proof at most that: no copies of the list and no cache kept between calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.verify import EMPTY_ROOT, node_hash, split


def _subtree_root(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of ``hashes[start:end]`` (non-empty)."""
    if end - start == 1:
        return hashes[start]
    k = split(end - start)
    return node_hash(_subtree_root(hashes, start, start + k), _subtree_root(hashes, start + k, end))


def root(hashes: Sequence[bytes]) -> bytes:
    """The root hash of the tree whose leaf hashes are ``hashes`` (SHA-256("") when empty)."""
    return _subtree_root(hashes, 0, len(hashes)) if hashes else EMPTY_ROOT


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``hashes``: the leaf's sibling first,
    the root's child last."""
    if not 0 <= index < len(hashes):
        raise ValueError(f"leaf index {index} is outside a tree of size {len(hashes)}")
    path: list[bytes] = []
    start, end = 0, len(hashes)
    # Walk down from the root; the sibling subtrees are collected top-down, so reverse at the end.
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(_subtree_root(hashes, start + k, end))
            end = start + k
        else:
            path.append(_subtree_root(hashes, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the tree of
    ``hashes`` (RFC 9162 §2.1.4.1). Empty when ``old_size`` is 0 or the whole list (nothing
    to prove; the witness protocol sends no lines then)."""
    size = len(hashes)
    if not 0 <= old_size <= size:
        raise ValueError(f"cannot prove size {old_size} consistent with size {size}")
    if old_size in (0, size):
        return []
    proof: list[bytes] = []
    start, end, whole = 0, size, True
    m = old_size
    while m != end - start:
        k = split(end - start)
        if m <= k:
            proof.append(_subtree_root(hashes, start + k, end))
            end = start + k
        else:
            proof.append(_subtree_root(hashes, start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(_subtree_root(hashes, start, end))
    proof.reverse()
    return proof
