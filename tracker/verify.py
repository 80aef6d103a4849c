"""Offline verifier of tracker's publication log: one file, the standard library and
``cryptography``.

It is also the one implementation of hashing, parsing and signature checks that tracker itself
uses (the domain builds on it), so the server checks its proofs with the code readers run.

Formats (byte by byte in the project's transparency note):

- RFC 9162 Merkle tree hashes, inclusion and consistency proofs;
- C2SP signed-note (Ed25519, type 0x01), vkeys and key IDs;
- C2SP tlog-checkpoint (origin, size, root; no extension lines are produced);
- C2SP tlog-cosignature ``cosignature/v1`` (Ed25519, type 0x04);
- C2SP tlog-proof (``c2sp.org/tlog-proof@v1``) and tlog-policy (log, witnesses, quorum).

Parsing is strict: decimals are ``0|[1-9][0-9]*`` below 2^63, base64 is canonical with
padding, notes are UTF-8 without control characters other than the newline. Every failure
raises a :class:`VerificationError` subclass whose message says what did not hold.

The *witnessed time* T of a checkpoint under a policy is the smallest cosignature timestamp t
such that the cosignatures with timestamps <= t already satisfy the quorum: "the checkpoint
(and every entry in it) existed no later than T", on the word of a quorum of witnesses.

Commands (``python verify.py …`` with only ``cryptography`` installed, or
``python -m tracker.verify …`` inside the project):

``bundle B.zip --policy POLICY``
    Check an evidence bundle (``GET /ledger/bundle/<sequence>.zip``) against the trusted
    policy POLICY (never the ``policy.txt`` inside the bundle; it only says whether the two
    differ). Checks: ``snapshot.json`` hashes to the entry's ``snapshot_sha256``; the entry's
    ``entry_hash``; ``entry.tlog-proof`` proves ``entry.json`` is leaf sequence-1 of a
    checkpoint signed by the policy's log key and cosigned by a quorum of its witnesses;
    ``checkpoint`` is the checkpoint that proof embeds; each ``report-L.pdf`` hashes to the
    ``document_sha256`` of ``report-L-entry.json``, a ``report`` entry that renders the
    publication (same company, cycle, version and snapshot, language L) and has its own
    proof. Prints "in the log as entry N, cosigned by K of M witnesses no later than T".
    A ``published_at`` later than T (beyond CLOCK_SKEW seconds) is an error; T more than a
    day after ``published_at`` is a warning (the date rested on the operator's word until T,
    as for entries made before the log had witnesses).
``consistency OLD NEW --proof FILE [--policy POLICY]``
    Check that checkpoint NEW extends checkpoint OLD (two notes a reader kept) with the
    proof FILE (base64 hashes, one a line, as ``GET /ledger/consistency?from=&to=`` serves
    it). With POLICY the log signatures are checked too (without it, a warning says not).
``monitor URL --state DIR [--policy POLICY]``
    Fetch ``URL/ledger/checkpoint`` (it must verify under the policy, quorum included) and,
    when it grew, ``URL/ledger/consistency?from=<kept>&to=<new>``; keep the last verified
    checkpoint in ``DIR/checkpoint``. Any inconsistency, a bad signature, another root for
    the same size or a size that went backwards fails, and the rejected checkpoint is kept
    in ``DIR/rejected-<time>.checkpoint``. Without POLICY the policy served at
    ``URL/ledger/policy`` is pinned in ``DIR/policy.txt`` on the first run (trust on first
    use, with a warning). For cron: ``*/15 * * * * python3 verify.py monitor URL --state DIR``.

Output: one line per check (``ok:``, ``note:``, ``warning:``, ``error:``), then
``VERIFIED: …`` or ``NOT VERIFIED: …``. Exit codes: 0 everything holds (warnings allowed);
1 the evidence does not verify or the log misbehaved; 2 bad arguments or an unreadable file
given by the reader (a missing bundle, an unusable policy); 3 monitor only: the log could
not be reached, nothing was concluded.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_NUMBER = (1 << 63) - 1  # sizes, indices and timestamps fit in an int64 (Go's tlog)
MAX_PROOF_HASHES = 63  # a proof in a tree of < 2^63 leaves has fewer
MAX_SIGNATURES = 100  # as golang.org/x/mod/sumdb/note
SIGNATURE_PREFIX = "\u2014 "  # EM DASH, space
ED25519 = 0x01  # signed-note signature type
COSIGNATURE = 0x04  # tlog-cosignature Ed25519 type (cosignature/v1)
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
QUORUM_NONE = "none"

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")


class VerificationError(Exception):
    """Something in the record does not hold; the message says what."""


class FormatError(VerificationError):
    """Bytes that are not a well-formed note, checkpoint, proof, key or policy."""


class ProofError(VerificationError):
    """A Merkle inclusion or consistency proof that does not verify."""


class SignatureError(VerificationError):
    """A missing or invalid log signature or cosignature."""


class PolicyError(VerificationError):
    """A trust policy that cannot be used, or a checkpoint it does not accept."""


class QuorumError(PolicyError):
    """The witnesses whose cosignatures verified do not satisfy the policy's quorum."""


# --- encodings ----------------------------------------------------------------------------


def decimal(text: str, what: str = "number") -> int:
    """A decimal number as these formats write it: ASCII digits, no sign, no leading zero,
    below 2^63 (Python's ``int()`` would accept ``+5``, ``1_0`` and non-ASCII digits)."""
    if not _DECIMAL.fullmatch(text) or len(text) > 19 or int(text) > MAX_NUMBER:
        raise FormatError(f"{what}: {text!r} is not a decimal number below 2^63")
    return int(text)


def b64decode(text: str, size: int | None = None, what: str = "base64") -> bytes:
    """Canonical, padded standard base64 (``size``: the exact number of decoded bytes)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"{what}: not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise FormatError(f"{what}: not canonical base64")
    if size is not None and len(raw) != size:
        raise FormatError(f"{what}: {len(raw)} bytes where {size} are expected")
    return raw


def b64encode(raw: bytes) -> str:
    """Standard base64 with padding, as text."""
    return base64.b64encode(raw).decode("ascii")


def parse_hash_lines(data: bytes | str, what: str = "proof") -> list[bytes]:
    """Hashes written one per line in base64 (a consistency proof as the log serves it and a
    witness request carries it); every line ends with a newline, no empty line."""
    text = data.decode("ascii") if isinstance(data, bytes) else data
    if not text:
        return []
    if not text.endswith("\n"):
        raise FormatError(f"{what}: the last line does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) > MAX_PROOF_HASHES:
        raise FormatError(f"{what}: more than {MAX_PROOF_HASHES} hashes")
    return [b64decode(line, HASH_SIZE, f"{what} line {n}") for n, line in enumerate(lines, 1)]


def format_hash_lines(hashes: Iterable[bytes]) -> str:
    """The inverse of :func:`parse_hash_lines`."""
    return "".join(b64encode(h) + "\n" for h in hashes)


# --- Merkle tree (RFC 9162 §2.1) ----------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(size: int) -> int:
    """Where RFC 9162 splits a tree of ``size`` >= 2 leaves: the largest power of two below."""
    return 1 << ((size - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    for n, value in enumerate(hashes):
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise ProofError(f"{what} hash {n + 1} is not {HASH_SIZE} bytes")


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` (a leaf hash) is leaf ``index`` of the tree of ``size`` leaves whose
    root is ``root`` (RFC 9162 §2.1.3.2); raise :class:`ProofError` otherwise."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    if len(leaf) != HASH_SIZE or len(root) != HASH_SIZE:
        raise ProofError("the leaf hash and the root must be 32 bytes")
    _check_hashes(proof, "inclusion proof")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof too long for index {index} in size {size}")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # levels where our node was the lone right-edge node, carried up unhashed
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof too short for index {index} in size {size}")
    if r != root:
        raise ProofError(f"inclusion proof for index {index} does not lead to the root")


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``size1`` leaves with root ``root1`` is a prefix of the tree of
    ``size2`` leaves with root ``root2`` (RFC 9162 §2.1.4.2); raise :class:`ProofError`.

    Equal sizes need an empty proof and equal roots. ``size1 == 0`` is refused, as upstream
    (transparency-dev/merkle) does: the empty tree is a prefix of every tree, so there is
    nothing to prove; a caller for which that case is meaningful (a witness receiving
    ``old 0``) handles it before calling.
    """
    if len(root1) != HASH_SIZE or len(root2) != HASH_SIZE:
        raise ProofError("both roots must be 32 bytes")
    _check_hashes(proof, "consistency proof")
    if size1 < 0 or size2 < 0:
        raise ProofError("tree sizes cannot be negative")
    if size1 > size2:
        raise ProofError(f"the tree shrank: size {size2} is smaller than {size1}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if root1 != root2:
            raise ProofError(f"two different roots for the same size {size1}")
        return
    if not proof:
        raise ProofError(f"empty consistency proof from size {size1} to {size2}")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # the old tree is a complete subtree: its root is not sent
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof too long from size {size1} to {size2}")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof too short from size {size1} to {size2}")
    if fr != root1:
        raise ProofError(f"the proof does not rebuild the old root (size {size1})")
    if sr != root2:
        raise ProofError(f"the proof does not rebuild the new root (size {size2})")


# --- keys and signed notes (C2SP signed-note) ---------------------------------------------


def valid_key_name(name: str) -> bool:
    """A key name: non-empty, no whitespace (Unicode included), no ``+``."""
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A trusted Ed25519 public key: a log's note key (type 0x01) or a witness's cosignature
    key (type 0x04)."""

    name: str
    type: int
    public_key: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not valid_key_name(self.name):
            raise FormatError(f"key name {self.name!r} is empty or has whitespace or '+'")
        if self.type not in (ED25519, COSIGNATURE):
            raise FormatError(f"key {self.name}: signature type 0x{self.type:02x} is not supported")
        if len(self.public_key) != 32:
            raise FormatError(f"key {self.name}: an Ed25519 public key is 32 bytes")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key)
        except ValueError:
            raise FormatError(f"key {self.name}: not an Ed25519 public key") from None
        object.__setattr__(self, "key_id", key_id(self.name, self.type, self.public_key))

    @property
    def vkey(self) -> str:
        """The verifier key string ``<name>+<hex key ID>+<base64(type || key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{b64encode(bytes([self.type]) + self.public_key)}"

    def _check(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def verify(self, text: str, signature: bytes) -> int | None:
        """Check a signature line's payload (after the key ID) over the note ``text``.

        For a note key: 0 when it verifies. For a cosignature key: the cosignature's
        timestamp. None when the signature does not verify.
        """
        if self.type == ED25519:
            return 0 if len(signature) == 64 and self._check(signature, text.encode()) else None
        if len(signature) != 72:
            return None
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_NUMBER:
            return None
        ok = self._check(signature[8:], cosignature_message(text, timestamp))
        return timestamp if ok else None


def parse_vkey(text: str) -> Verifier:
    """A verifier key ``<name>+<key ID hex>+<base64>`` (the base64 may itself contain ``+``);
    the key ID is recomputed and must match."""
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise FormatError(f"vkey {text!r}: expected <name>+<key ID>+<key>")
    name, hex_id, encoded = parts
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise FormatError(f"vkey {text!r}: the key ID is not 8 lowercase hex digits")
    raw = b64decode(encoded, 33, f"vkey {name}")
    verifier = Verifier(name, raw[0], raw[1:])
    if verifier.key_id.hex() != hex_id:
        raise FormatError(f"vkey {name}: key ID {hex_id} does not match the key")
    return verifier


def cosignature_message(text: str, timestamp: int) -> bytes:
    """What a witness signs (cosignature/v1) for the checkpoint ``text`` at ``timestamp``."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: key name, key ID and the payload after the key ID."""

    name: str
    key_id: bytes
    payload: bytes

    @property
    def line(self) -> str:
        """The line as written in a note, newline included."""
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(self.key_id + self.payload)}\n"


@dataclass(frozen=True)
class Note:
    """A signed note: its text (ending with a newline) and its signature lines."""

    text: str
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        """The note's bytes."""
        return (self.text + "\n" + "".join(s.line for s in self.signatures)).encode()


def parse_signature_line(line: str) -> Signature:
    """One ``— <name> <base64(key ID || signature)>`` line, without its newline."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise FormatError(f"signature line {line[:40]!r} does not start with '— '")
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space or not valid_key_name(name):
        raise FormatError(f"signature line {line[:40]!r}: bad key name")
    raw = b64decode(encoded, what=f"signature of {name}")
    if len(raw) < 5:
        raise FormatError(f"signature of {name}: too short")
    return Signature(name, raw[:4], raw[4:])


def parse_note(data: bytes) -> Note:
    """A signed note, strictly: UTF-8, no control character but the newline, the text up to the
    last blank line, then one or more signature lines each ending with a newline."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("the note is not valid UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise FormatError("the note contains a control character")
    cut = text.rfind("\n\n")
    if cut < 0:
        raise FormatError("the note has no blank line before its signatures")
    body, block = text[: cut + 1], text[cut + 2 :]
    if not block or not block.endswith("\n"):
        raise FormatError("the note's signature block is empty or not newline-terminated")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"the note has more than {MAX_SIGNATURES} signatures")
    return Note(body, tuple(parse_signature_line(line) for line in lines))


def parse_signature_lines(data: bytes) -> list[Signature]:
    """One or more signature lines, each ending with a newline (a witness's 200 response)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("the signature lines are not valid UTF-8") from None
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise FormatError("signature lines end with a newline and hold no control character")
    lines = text[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"more than {MAX_SIGNATURES} signature lines")
    return [parse_signature_line(line) for line in lines]


@dataclass(frozen=True)
class VerifiedNote:
    """A note whose signatures from known keys all verified: ``verified`` maps each such key
    to 0 (a note signature) or its cosignature timestamp."""

    note: Note
    verified: dict[Verifier, int]

    @property
    def text(self) -> str:
        return self.note.text


def verify_note(data: bytes, verifiers: Iterable[Verifier]) -> VerifiedNote:
    """Parse a note and check every signature from a known (name, key ID); lines from unknown
    keys are ignored. Raise :class:`SignatureError` if a known key's signature fails or none
    verifies."""
    note = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: dict[Verifier, int] = {}
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        result = verifier.verify(note.text, sig.payload)
        if result is None:
            raise SignatureError(f"the signature of {sig.name} does not verify")
        verified.setdefault(verifier, result)  # a repeated line from the same key is dropped
    if not verified:
        raise SignatureError("no signature from a known key")
    return VerifiedNote(note, verified)


# --- checkpoints (C2SP tlog-checkpoint) ---------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint's text: origin, tree size, root hash, extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The note text, each line ending with a newline."""
        lines = [self.origin, str(self.size), b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint's note text (three lines, optional non-empty extension lines)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise FormatError("a checkpoint has at least three newline-terminated lines")
    origin, size, root, *extensions = lines[:-1]
    if not origin:
        raise FormatError("the checkpoint's origin is empty")
    if any(not line for line in extensions):
        raise FormatError("the checkpoint has an empty extension line")
    return Checkpoint(
        origin,
        decimal(size, "checkpoint size"),
        b64decode(root, HASH_SIZE, "checkpoint root"),
        tuple(extensions),
    )


# --- tlog-policy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    """A witness named in a policy: its local name, its cosignature key, its URL (or "")."""

    name: str
    verifier: Verifier
    url: str = ""


@dataclass(frozen=True)
class Group:
    """``threshold`` of ``members`` (witness or earlier group names) must be satisfied."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """A C2SP tlog-policy: the accepted logs, the witnesses, the groups and the quorum."""

    logs: tuple[Verifier, ...]
    log_urls: tuple[str, ...]
    witnesses: dict[str, Witness]
    groups: dict[str, Group]
    quorum: str

    def log_key(self, origin: str) -> Verifier:
        """The log key for ``origin``; :class:`PolicyError` when the policy has none."""
        for log in self.logs:
            if log.name == origin:
                return log
        raise PolicyError(f"the policy accepts no log with origin {origin!r}")

    def satisfied(self, cosigners: Iterable[str]) -> bool:
        """Whether the witnesses named in ``cosigners`` satisfy the quorum."""
        if self.quorum == QUORUM_NONE:
            return True
        names = set(cosigners)

        def holds(name: str) -> bool:
            if name in self.witnesses:
                return name in names
            group = self.groups[name]
            return sum(holds(m) for m in group.members) >= group.threshold

        return holds(self.quorum)

    def witnessed_time(self, timestamps: Mapping[str, int]) -> int | None:
        """T: the smallest timestamp t such that the cosignatures (witness name → timestamp)
        made at or before t satisfy the quorum; None when they never do, or when the quorum is
        ``none`` (no witness vouches for any time)."""
        if self.quorum == QUORUM_NONE:
            return None
        for t in sorted(set(timestamps.values())):
            if self.satisfied(name for name, ts in timestamps.items() if ts <= t):
                return t
        return None

    @property
    def quorum_witnesses(self) -> list[str]:
        """The witnesses the quorum can count, in policy order."""
        if self.quorum == QUORUM_NONE:
            return []
        found: list[str] = []

        def walk(name: str) -> None:
            if name in self.witnesses:
                found.append(name)
            else:
                for member in self.groups[name].members:
                    walk(member)

        walk(self.quorum)
        return [name for name in self.witnesses if name in found]


def _split_fields(line: str) -> list[str]:
    # only space and tab separate items (str.split() would split on any Unicode space)
    return [item for item in re.split(r"[ \t]+", line.strip(" \t")) if item]


def parse_policy(data: bytes) -> Policy:
    """A tlog-policy file, strictly (C2SP tlog-policy). Log keys must be Ed25519 note keys
    (type 0x01) and witness keys Ed25519 cosignature keys (type 0x04)."""
    for n, octet in enumerate(data):
        if (octet < 0x20 and octet not in (0x09, 0x0A)) or octet == 0x7F:
            raise PolicyError(f"policy: byte {n} is a control character")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError("policy: not valid UTF-8") from None
    logs: list[Verifier] = []
    log_urls: list[str] = []
    witnesses: dict[str, Witness] = {}
    groups: dict[str, Group] = {}
    members_used: set[str] = set()
    quorum: str | None = None

    def new_name(name: str, number: int) -> str:
        if name in witnesses or name in groups or name == QUORUM_NONE:
            raise PolicyError(f"policy line {number}: the name {name!r} is already defined")
        return name

    def defined(name: str, number: int) -> str:
        if name not in witnesses and name not in groups:
            raise PolicyError(f"policy line {number}: {name!r} is not defined on an earlier line")
        return name

    for number, line in enumerate(text.split("\n"), 1):
        items = _split_fields(line)
        if not items or items[0].startswith("#"):
            continue
        keyword, args = items[0], items[1:]
        try:
            if keyword == "log" and len(args) in (1, 2):
                log = parse_vkey(args[0])
                if log.type != ED25519:
                    raise PolicyError(f"policy line {number}: a log key must be type 0x01")
                logs.append(log)
                log_urls.append(args[1] if len(args) == 2 else "")
            elif keyword == "witness" and len(args) in (2, 3):
                name = new_name(args[0], number)
                key = parse_vkey(args[1])
                if key.type != COSIGNATURE:
                    raise PolicyError(f"policy line {number}: a witness key must be type 0x04")
                witnesses[name] = Witness(name, key, args[2] if len(args) == 3 else "")
            elif keyword == "group" and len(args) >= 3:
                name = new_name(args[0], number)
                members = tuple(args[2:])
                for member in members:
                    if member in members_used:
                        raise PolicyError(f"policy line {number}: {member!r} is a member twice")
                    members_used.add(defined(member, number))
                if args[1] == "all":
                    threshold = len(members)
                elif args[1] == "any":
                    threshold = 1
                else:
                    threshold = decimal(args[1], f"policy line {number}: threshold")
                if not 1 <= threshold <= len(members):
                    raise PolicyError(f"policy line {number}: threshold {threshold} out of range")
                groups[name] = Group(name, threshold, members)
            elif keyword == "quorum" and len(args) == 1:
                if quorum is not None:
                    raise PolicyError(f"policy line {number}: a second quorum line")
                quorum = args[0] if args[0] == QUORUM_NONE else defined(args[0], number)
            else:
                raise PolicyError(f"policy line {number}: not a log, witness, group or quorum line")
        except PolicyError:
            raise
        except FormatError as exc:
            raise PolicyError(f"policy line {number}: {exc}") from None
    if not logs:
        raise PolicyError("policy: no log line")
    if quorum is None:
        raise PolicyError("policy: no quorum line")
    for keys in ([v.public_key for v in logs], [w.verifier.public_key for w in witnesses.values()]):
        if len(set(keys)) != len(keys):
            raise PolicyError("policy: the same public key is listed twice")
    return Policy(tuple(logs), tuple(log_urls), witnesses, groups, quorum)


# --- checking a checkpoint under a policy ---------------------------------------------------


@dataclass(frozen=True)
class CheckedCheckpoint:
    """A checkpoint whose log signature verified under a policy, with the witnesses whose
    cosignatures verified (policy name → timestamp) and the witnessed time (or None)."""

    checkpoint: Checkpoint
    note: Note
    cosigners: dict[str, int]
    quorum_met: bool
    witnessed_time: int | None


def verify_checkpoint(
    data: bytes, policy: Policy, require_quorum: bool = True
) -> CheckedCheckpoint:
    """Check a checkpoint note: a valid signature of the policy's key for its origin, every
    cosignature from a policy witness valid, and (``require_quorum``) the quorum met."""
    note = parse_note(data)
    checkpoint = parse_checkpoint(note.text)
    log = policy.log_key(checkpoint.origin)
    verified = verify_note(data, [log, *(w.verifier for w in policy.witnesses.values())])
    if log not in verified.verified:
        raise SignatureError(f"no valid signature of the log {checkpoint.origin}")
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise ProofError("an empty checkpoint must have the empty tree's root")
    cosigners = {
        w.name: verified.verified[w.verifier]
        for w in policy.witnesses.values()
        if w.verifier in verified.verified
    }
    met = policy.satisfied(cosigners)
    if require_quorum and not met:
        raise QuorumError(
            f"the witness quorum {policy.quorum!r} is not met (valid cosignatures from: "
            f"{', '.join(sorted(cosigners)) or 'none'})"
        )
    return CheckedCheckpoint(checkpoint, note, cosigners, met, policy.witnessed_time(cosigners))


# --- tlog-proof ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TlogProof:
    """A C2SP tlog-proof: entry index, inclusion hashes, the checkpoint note, optional extra."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None


def parse_tlog_proof(data: bytes) -> TlogProof:
    """A ``.tlog-proof`` file, strictly."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("the proof file is not valid UTF-8") from None
    head, blank, note = text.partition("\n\n")
    if not blank:
        raise FormatError("the proof file has no blank line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != PROOF_HEADER:
        raise FormatError(f"the proof file does not start with {PROOF_HEADER}")
    position, extra = 1, None
    if position < len(lines) and lines[position].startswith("extra "):
        extra = b64decode(lines[position][6:], what="proof extra")
        position += 1
    if position >= len(lines) or not lines[position].startswith("index "):
        raise FormatError("the proof file has no index line")
    index = decimal(lines[position][6:], "proof index")
    hashes = lines[position + 1 :]
    if len(hashes) > MAX_PROOF_HASHES:
        raise FormatError(f"the proof has more than {MAX_PROOF_HASHES} hashes")
    return TlogProof(
        index,
        tuple(b64decode(h, HASH_SIZE, f"proof hash {n}") for n, h in enumerate(hashes, 1)),
        note.encode(),
        extra,
    )


@dataclass(frozen=True)
class Inclusion:
    """An entry proven to be in a checkpoint accepted by a policy."""

    index: int
    checked: CheckedCheckpoint


def verify_tlog_proof(
    data: bytes, leaf: bytes, policy: Policy, require_quorum: bool = True
) -> Inclusion:
    """Check a tlog-proof for the leaf hash ``leaf``: checkpoint signatures and quorum under
    ``policy`` (see :func:`verify_checkpoint`), then the inclusion proof."""
    proof = parse_tlog_proof(data)
    checked = verify_checkpoint(proof.checkpoint, policy, require_quorum)
    cp = checked.checkpoint
    verify_inclusion(proof.index, cp.size, leaf, proof.hashes, cp.root)
    return Inclusion(proof.index, checked)


# --- the commands -----------------------------------------------------------------------------

EXIT_OK = 0  # everything holds (warnings may have been printed)
EXIT_FAILED = 1  # the evidence does not verify, or the log misbehaved
EXIT_USAGE = 2  # bad arguments, or an unreadable file given by the reader (e.g. the policy)
EXIT_NETWORK = 3  # monitor: the log could not be reached; nothing was concluded

BUNDLE_SNAPSHOT = "snapshot.json"
BUNDLE_ENTRY = "entry.json"
BUNDLE_PROOF = "entry.tlog-proof"
BUNDLE_CHECKPOINT = "checkpoint"
BUNDLE_POLICY = "policy.txt"
BUNDLE_README = "README.txt"
REPORT_LANGUAGES = ("en", "zh")
MAX_MEMBER = 256 * 1024 * 1024  # bytes; a bundle member larger than this is refused
CLOCK_SKEW = 300  # seconds a witness's clock may be behind the log's
LATE_WITNESS = 86_400  # seconds after which a late witnessed time is worth a warning
MAX_FETCH = 4 * 1024 * 1024  # bytes the monitor reads from one response


class UsageError(Exception):
    """A problem with what the reader gave the command (exit code 2)."""


class NetworkError(Exception):
    """The monitor could not fetch from the log (exit code 3)."""


@dataclass
class Report:
    """What a command found: lines ("ok", "note", "warning", "error") and a summary."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""

    def ok(self, message: str) -> None:
        self.lines.append(("ok", message))

    def note(self, message: str) -> None:
        self.lines.append(("note", message))

    def warning(self, message: str) -> None:
        self.lines.append(("warning", message))

    def error(self, message: str) -> None:
        self.lines.append(("error", message))

    @property
    def errors(self) -> list[str]:
        return [message for level, message in self.lines if level == "error"]

    @property
    def warnings(self) -> list[str]:
        return [message for level, message in self.lines if level == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def render(self) -> str:
        """The report as printed."""
        out = [f"{level}: {message}" for level, message in self.lines]
        if self.passed:
            out.append(f"VERIFIED: {self.summary}" if self.summary else "VERIFIED")
        else:
            out.append(f"NOT VERIFIED: {len(self.errors)} problem(s), see the errors above")
        return "\n".join(out) + "\n"


def utc(timestamp: int) -> str:
    """A POSIX time as ISO 8601 UTC, seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _parse_time(text: object) -> int | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp())


def entry_hash(entry: Mapping[str, object]) -> str:
    """The ledger's hash of an entry: SHA-256 hex of the canonical JSON of every field but
    ``entry_hash`` (keys sorted, no spaces, UTF-8; the same bytes as RFC 8785 for the strings,
    integers and nulls an entry holds)."""
    body = {key: value for key, value in entry.items() if key != "entry_hash"}
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def policy_fingerprint(data: bytes) -> str:
    """A policy's fingerprint as the PDFs print it: SHA-256 hex of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def load_policy(path: str) -> tuple[Policy, bytes]:
    """The trusted policy file; :class:`UsageError` when it cannot be read or parsed."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read the policy {path}: {exc.strerror}") from None
    try:
        return parse_policy(data), data
    except PolicyError as exc:
        raise UsageError(f"the policy {path} is not usable: {exc}") from None


def _read_file(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc.strerror}") from None


def _members(path: str) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UsageError(f"no such bundle: {path}") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{path} is not a readable zip file: {exc}") from None
    members: dict[str, bytes] = {}
    with archive:
        names = [info.filename for info in archive.infolist()]
        if len(set(names)) != len(names):
            raise VerificationError("the bundle holds two members with the same name")
        for info in archive.infolist():
            if info.file_size > MAX_MEMBER:
                raise VerificationError(f"bundle member {info.filename} is too large")
            with archive.open(info) as member:
                members[info.filename] = member.read(MAX_MEMBER + 1)
    return members


def _entry_json(data: bytes, what: str) -> dict[str, object]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise VerificationError(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise VerificationError(f"{what} is not a JSON object")
    sequence = value.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise VerificationError(f"{what} has no valid sequence number")
    return value


def _check_entry(report: Report, entry: dict[str, object], what: str) -> None:
    if entry_hash(entry) == entry.get("entry_hash"):
        report.ok(f"{what}: its entry_hash matches its fields")
    else:
        report.error(f"{what}: its entry_hash does not match its fields")


def _check_inclusion(
    report: Report, proof: bytes | None, entry_data: bytes, entry: dict[str, object], what: str,
    policy: Policy,
) -> Inclusion | None:  # fmt: skip
    if proof is None:
        report.error(f"{what}: the proof file is missing")
        return None
    try:
        inclusion = verify_tlog_proof(proof, leaf_hash(entry_data), policy, require_quorum=False)
    except VerificationError as exc:
        report.error(f"{what}: {exc}")
        return None
    sequence = entry["sequence"]
    if not isinstance(sequence, int) or inclusion.index != sequence - 1:
        report.error(f"{what}: the proof is for leaf {inclusion.index}, not entry {sequence}")
        return None
    size = inclusion.checked.checkpoint.size
    report.ok(f"{what}: entry {sequence} is leaf {inclusion.index} of the log at size {size}")
    return inclusion


def _check_time(report: Report, entry: dict[str, object], what: str, witnessed: int | None) -> None:
    stated = _parse_time(entry.get("published_at"))
    if stated is None:
        report.error(f"{what}: published_at {entry.get('published_at')!r} is not an ISO 8601 time")
        return
    if witnessed is None:
        return
    if stated > witnessed + CLOCK_SKEW:
        report.error(
            f"{what}: it says it was published at {utc(stated)}, after the witnesses had "
            f"already cosigned a log containing it at {utc(witnessed)}: the date is wrong"
        )
    elif witnessed - stated > LATE_WITNESS:
        days = (witnessed - stated) / 86_400
        report.warning(
            f"{what}: stated publication {utc(stated)}, but the witnesses first vouched for it "
            f"at {utc(witnessed)} ({days:.1f} days later); until then the date rests on the "
            "log operator's word alone (this happens for entries made before the log had "
            "witnesses)"
        )


def _check_quorum(report: Report, inclusion: Inclusion, policy: Policy, what: str) -> None:
    checked = inclusion.checked
    names = ", ".join(sorted(checked.cosigners)) or "none"
    if checked.quorum_met:
        report.ok(f"{what}: the witness quorum {policy.quorum!r} is met (cosigned by {names})")
    else:
        report.error(
            f"{what}: the witness quorum {policy.quorum!r} is not met (cosigned by {names})"
        )


def verify_bundle(path: str, policy: Policy, policy_bytes: bytes = b"") -> Report:
    """Check an evidence bundle against the trusted ``policy`` (see ``bundle`` in main)."""
    report = Report()
    try:
        members = _members(path)
        entry_data = members.get(BUNDLE_ENTRY)
        if entry_data is None:
            raise VerificationError(f"the bundle has no {BUNDLE_ENTRY}")
        entry = _entry_json(entry_data, BUNDLE_ENTRY)
    except VerificationError as exc:
        report.error(str(exc))
        return report
    sequence = entry["sequence"]
    what = f"entry {sequence}"
    if entry.get("kind") not in ("publication", "correction"):
        report.error(f"{what}: kind {entry.get('kind')!r} is not a publication")
    _check_entry(report, entry, what)

    snapshot = members.get(BUNDLE_SNAPSHOT)
    if snapshot is None:
        report.error(f"the bundle has no {BUNDLE_SNAPSHOT}")
    elif hashlib.sha256(snapshot).hexdigest() == entry.get("snapshot_sha256"):
        report.ok(f"{BUNDLE_SNAPSHOT} is the snapshot recorded in {what}")
    else:
        report.error(f"{BUNDLE_SNAPSHOT} does not match the snapshot hash recorded in {what}")

    inclusion = _check_inclusion(report, members.get(BUNDLE_PROOF), entry_data, entry, what, policy)
    if inclusion is not None:
        origin = inclusion.checked.checkpoint.origin
        key = policy.log_key(origin).key_id.hex()
        report.ok(f"{what}: the log signature of {origin} (key ID {key}) verifies")
        _check_quorum(report, inclusion, policy, what)
        _check_time(report, entry, what, inclusion.checked.witnessed_time)
        embedded = parse_tlog_proof(members[BUNDLE_PROOF]).checkpoint
        if members.get(BUNDLE_CHECKPOINT) != embedded:
            report.error(f"{BUNDLE_CHECKPOINT} is not the checkpoint {BUNDLE_PROOF} embeds")

    reports = 0
    for language in REPORT_LANGUAGES:
        reports += _check_report(report, members, language, entry, policy)
    if not reports:
        report.note("the bundle holds no report PDF")

    known = {BUNDLE_SNAPSHOT, BUNDLE_ENTRY, BUNDLE_PROOF, BUNDLE_CHECKPOINT, BUNDLE_POLICY}
    known |= {BUNDLE_README} | {
        f"report-{lang}{suffix}"
        for lang in REPORT_LANGUAGES
        for suffix in (".pdf", "-entry.json", ".tlog-proof")
    }
    for name in sorted(set(members) - known):
        report.warning(f"the bundle holds an unexpected member {name} (not checked)")

    bundled_policy = members.get(BUNDLE_POLICY)
    if policy_bytes:
        report.note(f"the trusted policy's fingerprint is {policy_fingerprint(policy_bytes)}")
    if bundled_policy is None:
        report.note(f"the bundle has no {BUNDLE_POLICY}")
    elif policy_bytes and bundled_policy == policy_bytes:
        report.ok(f"the bundle's {BUNDLE_POLICY} is the trusted policy")
    elif policy_bytes:
        report.warning(
            f"the bundle's {BUNDLE_POLICY} (fingerprint {policy_fingerprint(bundled_policy)}) "
            "differs from the trusted policy (only the trusted policy was used)"
        )
    if inclusion is not None and report.passed:
        report.summary = _in_the_log(sequence, inclusion, policy)
    return report


def _in_the_log(sequence: object, inclusion: Inclusion, policy: Policy) -> str:
    checked = inclusion.checked
    summary = f"in the log as entry {sequence}"
    if checked.witnessed_time is None:
        return summary + ", the policy requires no witness (no independent time)"
    count = len(checked.cosigners)
    return (
        f"{summary}, cosigned by {count} of {len(policy.witnesses)} witnesses no later than "
        f"{utc(checked.witnessed_time)}"
    )


def _check_report(
    report: Report, members: dict[str, bytes], language: str, publication: dict[str, object],
    policy: Policy,
) -> int:  # fmt: skip
    pdf = members.get(f"report-{language}.pdf")
    entry_data = members.get(f"report-{language}-entry.json")
    if pdf is None and entry_data is None:
        return 0
    what = f"report-{language}.pdf"
    if pdf is None or entry_data is None:
        report.error(f"{what}: the PDF or its report-{language}-entry.json is missing")
        return 1
    try:
        entry = _entry_json(entry_data, f"report-{language}-entry.json")
    except VerificationError as exc:
        report.error(str(exc))
        return 1
    label = f"{what} (entry {entry['sequence']})"
    _check_entry(report, entry, label)
    if hashlib.sha256(pdf).hexdigest() == entry.get("document_sha256"):
        report.ok(f"{what} is the document recorded in entry {entry['sequence']}")
    else:
        report.error(
            f"{what} does not match the document hash recorded in entry {entry['sequence']}"
        )
    expected = {
        "kind": "report",
        "renders": publication["sequence"],
        "language": language,
        **{key: publication.get(key) for key in ("company", "cycle", "version", "snapshot_sha256")},
    }
    wrong = sorted(key for key, value in expected.items() if entry.get(key) != value)
    if wrong:
        report.error(f"{label} does not render entry {publication['sequence']}: {', '.join(wrong)}")
    else:
        report.ok(f"{label} renders entry {publication['sequence']} in language {language}")
    proof = members.get(f"report-{language}.tlog-proof")
    inclusion = _check_inclusion(report, proof, entry_data, entry, label, policy)
    if inclusion is not None:
        _check_quorum(report, inclusion, policy, label)
        _check_time(report, entry, label, inclusion.checked.witnessed_time)
    return 1


def check_consistency(old: bytes, new: bytes, proof: bytes, policy: Policy | None = None) -> Report:
    """Check that checkpoint ``new`` extends checkpoint ``old`` with the proof's hashes."""
    report = Report()
    try:
        checkpoints = []
        for name, data in (("old", old), ("new", new)):
            if policy is None:
                checkpoints.append(parse_checkpoint(parse_note(data).text))
            else:
                checked = verify_checkpoint(data, policy, require_quorum=False)
                report.ok(f"{name} checkpoint: the log signature verifies")
                checkpoints.append(checked.checkpoint)
        if policy is None:
            report.warning("no --policy: the checkpoints' signatures were not checked")
        first, second = checkpoints
        if first.origin != second.origin:
            raise VerificationError(f"two logs: {first.origin!r} and {second.origin!r}")
        hashes = parse_hash_lines(proof, "consistency proof")
        if first.size == 0:
            if hashes:
                raise ProofError("a proof from the empty tree must be empty")
        else:
            verify_consistency(first.size, second.size, first.root, second.root, hashes)
    except (VerificationError, UnicodeDecodeError) as exc:
        report.error(str(exc))
        return report
    report.ok(f"size {second.size} extends size {first.size}")
    report.summary = f"the log {second.origin} only grew from size {first.size} to {second.size}"
    return report


def _fetch(url: str) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "tracker-verify"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - checked above
            data: bytes = response.read(MAX_FETCH + 1)
    except urllib.error.HTTPError as exc:
        raise NetworkError(f"GET {url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise NetworkError(f"GET {url}: {exc}") from None
    if len(data) > MAX_FETCH:
        raise NetworkError(f"GET {url}: the response is too large")
    return data


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def monitor(url: str, state: str, policy_path: str | None = None) -> Report:
    """Fetch the log's latest checkpoint and check it against the last one kept in ``state``
    (see ``monitor`` in main)."""
    report = Report()
    base = url.rstrip("/")
    os.makedirs(state, exist_ok=True)
    pinned = os.path.join(state, "policy.txt")
    if policy_path:
        policy, _ = load_policy(policy_path)
    elif os.path.exists(pinned):
        policy, _ = load_policy(pinned)
    else:
        served = _fetch(f"{base}/ledger/policy")
        try:
            policy = parse_policy(served)
        except PolicyError as exc:
            report.error(f"the policy served by {base} is not usable: {exc}")
            return report
        _write_atomically(pinned, served)
        report.warning(
            f"no --policy: trusting the policy served now (SHA-256 "
            f"{hashlib.sha256(served).hexdigest()}), pinned in {pinned}; compare it with one "
            "published elsewhere"
        )
    latest = _fetch(f"{base}/ledger/checkpoint")
    kept_path = os.path.join(state, "checkpoint")
    try:
        checked = verify_checkpoint(latest, policy)
    except VerificationError as exc:
        _keep_evidence(state, latest)
        report.error(f"the latest checkpoint: {exc}")
        return report
    new = checked.checkpoint
    report.ok(f"checkpoint of size {new.size}: log signature and witness quorum verify")
    if not os.path.exists(kept_path):
        _write_atomically(kept_path, latest)
        report.summary = f"first run: kept the checkpoint of size {new.size} of {new.origin}"
        return report
    with open(kept_path, "rb") as handle:
        kept_bytes = handle.read()
    try:
        old = parse_checkpoint(parse_note(kept_bytes).text)
    except VerificationError as exc:
        raise UsageError(f"the kept checkpoint {kept_path} is unreadable: {exc}") from None
    problem = None
    if old.origin != new.origin:
        problem = f"the log's origin changed from {old.origin!r} to {new.origin!r}"
    elif new.size < old.size:
        problem = f"the log's size went backwards, from {old.size} to {new.size}"
    elif new.size == old.size:
        if new.root != old.root:
            problem = (
                f"two different checkpoints of size {new.size}: a split view or a rewritten log"
            )
    elif old.size > 0:
        proof_url = f"{base}/ledger/consistency?from={old.size}&to={new.size}"
        try:
            hashes = parse_hash_lines(_fetch(proof_url), "consistency proof")
            verify_consistency(old.size, new.size, old.root, new.root, hashes)
        except (VerificationError, UnicodeDecodeError) as exc:
            problem = f"size {new.size} is not an extension of size {old.size}: {exc}"
    if problem:
        _keep_evidence(state, latest)
        report.error(problem)
        return report
    if new.size == old.size:
        report.ok(f"no new entries since size {old.size}")
    else:
        report.ok(f"size {new.size} extends the kept size {old.size}")
    _write_atomically(kept_path, latest)
    report.summary = f"the log {new.origin} is consistent at size {new.size}"
    return report


def _keep_evidence(state: str, data: bytes) -> None:
    name = f"rejected-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.checkpoint"
    _write_atomically(os.path.join(state, name), data)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description="Verify tracker's publication log offline (see the module docstring).",
        epilog="Exit codes: 0 verified, 1 does not verify, 2 usage or unreadable input, "
        "3 network error (monitor).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    bundle = commands.add_parser("bundle", help="check an evidence bundle (.zip)")
    bundle.add_argument("bundle", help="the bundle downloaded from the ledger")
    bundle.add_argument("--policy", required=True, help="the trusted tlog-policy file")
    consistency = commands.add_parser("consistency", help="check that the log only grew")
    consistency.add_argument("old", help="the older checkpoint note")
    consistency.add_argument("new", help="the newer checkpoint note")
    consistency.add_argument("--proof", required=True, help="the proof: base64 hashes, one a line")
    consistency.add_argument("--policy", help="the trusted policy (to check the log signatures)")
    watch = commands.add_parser("monitor", help="check the live log against the last checkpoint")
    watch.add_argument("url", help="the tracker site, e.g. https://tracker.example.org")
    watch.add_argument("--state", required=True, help="a directory where the monitor keeps state")
    watch.add_argument("--policy", help="the trusted policy (else pinned on first use)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit code."""
    args = _arguments(argv)
    try:
        if args.command == "bundle":
            policy, policy_bytes = load_policy(args.policy)
            result = verify_bundle(args.bundle, policy, policy_bytes)
        elif args.command == "consistency":
            result = check_consistency(
                _read_file(args.old, "checkpoint"),
                _read_file(args.new, "checkpoint"),
                _read_file(args.proof, "proof"),
                load_policy(args.policy)[0] if args.policy else None,
            )
        else:
            result = monitor(args.url, args.state, args.policy)
    except UsageError as exc:
        print(f"verify.py: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NetworkError as exc:
        print(f"verify.py: {exc} (nothing was concluded)", file=sys.stderr)
        return EXIT_NETWORK
    sys.stdout.write(result.render())
    return EXIT_OK if result.passed else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
