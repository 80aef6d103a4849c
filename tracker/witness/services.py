"""``add_checkpoint``: the tlog-witness decision (C2SP tlog-witness §6.2, HEAD text).

The checks run in the order of the spec's paragraphs; their status codes:

- 400 the body is not ``old <size>``, 0–63 proof lines, a blank line and a signed note with a
  checkpoint (the spec gives no code for a malformed body), or old size > checkpoint size;
- 404 the checkpoint's origin is not a log this witness trusts;
- 403 no valid signature from a trusted key for that origin, or a trusted key's fails;
- 409 old size is not the size this witness last cosigned (0 if never); the body is that
  size, ``Content-Type: text/x.tlog.size``;
- 422 an empty checkpoint with another root, proof lines with old size 0 or with equal sizes,
  a consistency proof that does not verify, or the same size with another root (409 in
  tlog-witness v1.0.0; clients tolerate both);
- 200 the cosignature line, after the new state is stored (compare-and-swap on the size).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.tlog import Signer
from tracker.verify import (
    EMPTY_ROOT,
    MAX_PROOF_HASHES,
    FormatError,
    Note,
    ProofError,
    SignatureError,
    Verifier,
    b64decode,
    decimal,
    parse_checkpoint,
    parse_note,
    verify_consistency,
    verify_note,
)
from tracker.witness.store import Latest, Store

SIZE_TYPE = "text/x.tlog.size"
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, body and content type."""

    status: int
    body: bytes = b""
    content_type: str = TEXT_TYPE


@dataclass(frozen=True)
class Request:
    """A parsed add-checkpoint body."""

    old_size: int
    proof: list[bytes]
    note: bytes


def parse_request(body: bytes) -> Request:
    """Split an add-checkpoint body; :class:`FormatError` when malformed."""
    head, blank, note = body.partition(b"\n\n")
    if not blank:
        raise FormatError("no blank line after the proof")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise FormatError("the request's first lines are not ASCII") from None
    if not lines[0].startswith("old "):
        raise FormatError("the first line is not 'old <size>'")
    old_size = decimal(lines[0][4:], "old size")
    if len(lines) - 1 > MAX_PROOF_HASHES:
        raise FormatError(f"more than {MAX_PROOF_HASHES} proof lines")
    proof = [b64decode(line, 32, f"proof line {n}") for n, line in enumerate(lines[1:], 1)]
    return Request(old_size, proof, note)


def _refused(status: int, why: str) -> Answer:
    return Answer(status, (why + "\n").encode())


def add_checkpoint(
    body: bytes,
    logs: Mapping[str, Sequence[Verifier]],
    signer: Signer,
    store: Store,
    now: Callable[[], float] = time.time,
) -> Answer:
    """Decide on one add-checkpoint request and, when it is accepted, store the new state
    before returning the cosignature."""
    try:
        request = parse_request(body)
        note = parse_note(request.note)
        origin = note.text.split("\n", 1)[0]
    except FormatError as exc:
        return _refused(400, f"malformed request: {exc}")
    keys = logs.get(origin)
    if not keys:
        return _refused(404, f"unknown log origin {origin!r}")
    try:
        verified = verify_note(request.note, keys)
    except SignatureError as exc:
        return _refused(403, str(exc))
    try:
        checkpoint = parse_checkpoint(note.text)
    except FormatError as exc:
        return _refused(400, f"malformed checkpoint: {exc}")
    if request.old_size > checkpoint.size:
        return _refused(400, "old size is larger than the checkpoint's size")
    latest = store.latest(origin)
    stored_size = latest.size if latest else 0
    if request.old_size != stored_size:
        return Answer(409, f"{stored_size}\n".encode(), SIZE_TYPE)
    problem = _inconsistency(request, checkpoint.size, checkpoint.root, latest)
    if problem:
        store.keep_evidence(origin, 422, body)
        return _refused(422, problem)
    cosignature = signer.cosign(note.text, max(1, int(now())))
    trusted = {(key.name, key.key_id) for key in verified.verified}
    log_lines = tuple(s for s in note.signatures if (s.name, s.key_id) in trusted)
    kept = Note(note.text, (*log_lines, cosignature)).encode()
    conflict = store.replace(origin, stored_size, Latest(checkpoint.size, checkpoint.root, kept))
    if conflict is not None:  # another request won the race: answer as if it came first
        return Answer(409, f"{conflict}\n".encode(), SIZE_TYPE)
    return Answer(200, cosignature.line.encode())


def _inconsistency(request: Request, size: int, root: bytes, latest: Latest | None) -> str | None:
    if size == 0 and root != EMPTY_ROOT:
        return "an empty checkpoint must have the empty tree's root"
    if request.old_size == 0:
        return "old size 0 takes no proof lines" if request.proof else None
    assert latest is not None  # old size > 0 equals the stored size
    if request.old_size == size:
        if request.proof:
            return "equal sizes take no proof lines"
        return None if root == latest.root else f"another root for the cosigned size {size}"
    try:
        verify_consistency(request.old_size, size, latest.root, root, request.proof)
    except ProofError as exc:
        return f"not consistent with the cosigned size {request.old_size}: {exc}"
    return None
