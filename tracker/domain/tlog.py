"""The signing side of the transparency log: keys, signed notes, checkpoints, cosignatures,
proof files, witness requests and policies, in the C2SP formats that :mod:`tracker.verify`
parses and checks.

Private keys use the skey string of golang.org/x/mod/sumdb/note,
``PRIVATE+KEY+<name>+<key ID hex>+<base64(0x01 || 32-byte seed)>``. A witness keeps the same
string; its cosignature vkey is derived with type 0x04 (:attr:`Signer.cosigner`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tracker.verify import (
    COSIGNATURE,
    ED25519,
    MAX_NUMBER,
    PROOF_HEADER,
    QUORUM_NONE,
    Checkpoint,
    FormatError,
    Signature,
    Verifier,
    b64decode,
    b64encode,
    cosignature_message,
    format_hash_lines,
    parse_note,
    valid_key_name,
)

SKEY_PREFIX = "PRIVATE+KEY+"


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key with its key name."""

    name: str
    seed: bytes

    def __post_init__(self) -> None:
        if not valid_key_name(self.name):
            raise ValueError(f"key name {self.name!r} is empty or has whitespace or '+'")
        if len(self.seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")

    @property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def verifier(self) -> Verifier:
        """The note-signature (type 0x01) public key: a log's vkey."""
        return Verifier(self.name, ED25519, self.public_key)

    @property
    def cosigner(self) -> Verifier:
        """The cosignature (type 0x04) public key: a witness's vkey."""
        return Verifier(self.name, COSIGNATURE, self.public_key)

    @property
    def skey(self) -> str:
        """The private key string (keep it secret)."""
        return f"{SKEY_PREFIX}{self.name}+{self.verifier.key_id.hex()}+" + b64encode(
            bytes([ED25519]) + self.seed
        )

    def sign(self, text: str) -> Signature:
        """A note signature (type 0x01) over ``text``."""
        return Signature(self.name, self.verifier.key_id, self._key.sign(text.encode()))

    def sign_note(self, text: str) -> bytes:
        """The signed note of ``text`` (which must end with a newline and have no blank line)."""
        if not text.endswith("\n") or "\n\n" in text:
            raise ValueError("a note's text ends with a newline and has no blank line")
        return (text + "\n" + self.sign(text).line).encode()

    def cosign(self, text: str, timestamp: int) -> Signature:
        """A cosignature/v1 (type 0x04) over the checkpoint ``text`` at POSIX ``timestamp``."""
        if not 0 < timestamp <= MAX_NUMBER:
            raise ValueError("a cosignature timestamp is positive and below 2^63")
        signed = self._key.sign(cosignature_message(text, timestamp))
        return Signature(self.name, self.cosigner.key_id, timestamp.to_bytes(8, "big") + signed)


def generate_signer(name: str) -> Signer:
    """A new random Ed25519 key named ``name``."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return Signer(name, raw)


def parse_skey(text: str) -> Signer:
    """A private key string (split at the first four ``+``: the base64 may contain one)."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise FormatError("not a PRIVATE+KEY+<name>+<id>+<key> string")
    _, _, name, hex_id, encoded = parts
    raw = b64decode(encoded, 33, "private key")
    if raw[0] != ED25519:
        raise FormatError("the private key is not an Ed25519 key")
    try:
        signer = Signer(name, raw[1:])
    except ValueError as exc:
        raise FormatError(str(exc)) from None
    if signer.verifier.key_id.hex() != hex_id:
        raise FormatError("the private key's key ID does not match its key")
    return signer


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    """A three-line checkpoint text (no extension lines)."""
    return Checkpoint(origin, size, root).text


def sign_checkpoint(signer: Signer, size: int, root: bytes) -> bytes:
    """The log's signed checkpoint note; the origin is the key name."""
    return signer.sign_note(checkpoint_text(signer.name, size, root))


def add_signatures(note: bytes, lines: Iterable[str]) -> bytes:
    """``note`` with signature ``lines`` (each ``— name base64\\n``) appended; a line already
    present is not repeated."""
    present = {s.line for s in parse_note(note).signatures}
    extra = [line for line in lines if line not in present]
    for line in extra:
        parse_note(b"x\n\n" + line.encode())  # each must be one well-formed signature line
    return note + "".join(dict.fromkeys(extra)).encode()


def tlog_proof(
    index: int, hashes: Sequence[bytes], note: bytes, extra: bytes | None = None
) -> bytes:
    """A C2SP tlog-proof file for the leaf at ``index`` with its inclusion ``hashes``."""
    head = PROOF_HEADER + "\n"
    if extra is not None:
        head += f"extra {b64encode(extra)}\n"
    head += f"index {index}\n" + format_hash_lines(hashes) + "\n"
    return head.encode() + note


def add_checkpoint_request(old_size: int, proof: Sequence[bytes], note: bytes) -> bytes:
    """The body of a tlog-witness ``POST /add-checkpoint``."""
    return f"old {old_size}\n{format_hash_lines(proof)}\n".encode() + note


@dataclass(frozen=True)
class PolicyWitness:
    """A witness to list in a policy: local name, cosignature vkey, submission URL."""

    name: str
    vkey: str
    url: str = ""


def policy_text(
    log_vkey: str,
    witnesses: Sequence[PolicyWitness] = (),
    quorum: int | None = None,
    log_url: str = "",
) -> str:
    """A tlog-policy: the log, the witnesses and a quorum of ``quorum`` of them (all of them
    when None; ``quorum none`` when there is no witness or ``quorum`` is 0)."""
    lines = [f"log {log_vkey}" + (f" {log_url}" if log_url else "")]
    for witness in witnesses:
        lines.append(
            f"witness {witness.name} {witness.vkey}" + (f" {witness.url}" if witness.url else "")
        )
    count = len(witnesses) if quorum is None else quorum
    if not witnesses or count == 0:
        lines.append(f"quorum {QUORUM_NONE}")
    else:
        if not 1 <= count <= len(witnesses):
            raise ValueError(f"a quorum of {count} among {len(witnesses)} witnesses")
        names = " ".join(w.name for w in witnesses)
        if any(w.name == "required" for w in witnesses):
            raise ValueError('the witness name "required" is taken by the quorum group')
        lines += [f"group required {count} {names}", "quorum required"]
    return "".join(line + "\n" for line in lines)
