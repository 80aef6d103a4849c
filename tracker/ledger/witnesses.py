"""Getting checkpoints cosigned: the log's side of c2sp.org/tlog-witness, outbox-style.

For every witness of the policy that has a submission URL, the database remembers the largest
checkpoint it has cosigned (``ledger_witness_state``). Delivery sends the latest checkpoint with
a consistency proof from that size (``POST <url>/add-checkpoint``), verifies the cosignature
lines that come back with the witness's key from the policy and stores them. A witness that
answers 409 has cosigned another size (first contact, or another process got there first): the
request is rebuilt from the size it names, once. A witness that is down, slow or refusing is
tried again later (back-off), and since it is always sent the *latest* checkpoint with a proof
from what it last cosigned, nothing is lost while it is away: the checkpoints in between are
covered by the one it cosigns next.

No database write is pending while a witness is asked (SQLite would hold its write lock for the
whole request): the state is read, the witness answers, then the outcome is written. Services
flush; the caller commits after each witness (tracker.ledger.jobs, ``tracker ledger cosign``).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.db import Session
from tracker.domain import merkle, tlog
from tracker.ledger.log import latest_checkpoint, leaf_hashes
from tracker.ledger.models import Checkpoint, Cosignature, WitnessState
from tracker.verify import (
    VerificationError,
    Witness,
    decimal,
    parse_note,
    parse_signature_line,
)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
MAX_RESPONSE = 64 * 1024  # a few signature lines; anything longer is not a witness answering
SIZE_TYPE = "text/x.tlog.size"


def retry_delay(attempts: int) -> timedelta:
    """Wait before trying a witness again: 30 s, 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 12), LONGEST_WAIT)


@dataclass(frozen=True)
class Answer:
    """What a witness answered: HTTP status, Content-Type and body."""

    status: int
    content_type: str
    body: bytes


Post = Callable[[str, bytes, float], Answer]


class Unreachable(Exception):
    """The witness could not be asked (refused connection, timeout, no such host)."""


def http_post(url: str, body: bytes, timeout: float) -> Answer:
    """POST ``body`` to ``url``; every HTTP status is an Answer, a network failure Unreachable."""
    if not url.startswith(("http://", "https://")):
        raise Unreachable(f"not an http(s) URL: {url}")
    # The URL is the operator's (the policy file), and only http(s): no file: or custom scheme.
    request = urllib.request.Request(  # noqa: S310
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(
                response.status,
                response.headers.get_content_type(),
                response.read(MAX_RESPONSE),
            )
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers.get_content_type(), error.read(MAX_RESPONSE))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(str(reason) or type(exc).__name__) from None


@dataclass(frozen=True)
class Delivery:
    """The outcome for one witness: ``cosigned`` (size), ``current`` (nothing to send),
    ``waiting`` (a retry is not due yet), ``failed`` (``error`` says why; retried later) or
    ``skipped`` (the policy gives no URL)."""

    witness: str  # its name in the policy
    outcome: str
    size: int | None = None
    error: str | None = None


def submission_url(witness: Witness) -> str:
    return witness.url.rstrip("/") + "/add-checkpoint"


def deliver(
    session: Session,
    witness: Witness,
    now: datetime,
    timeout: float,
    force: bool = False,
    post: Post = http_post,
) -> Delivery:
    """Send the latest checkpoint to ``witness`` if it has not cosigned it, and keep what it
    answers (flushes). ``force`` ignores the back-off after failures."""
    if not witness.url:
        return Delivery(witness.name, "skipped", error="the policy gives this witness no URL")
    checkpoint = latest_checkpoint(session)
    if checkpoint is None:
        return Delivery(witness.name, "current")
    key = witness.verifier
    if _has_cosigned(session, checkpoint.size, witness):
        return Delivery(witness.name, "current", checkpoint.size)
    state = session.get(WitnessState, key.name)
    if not force and state is not None and state.next_attempt_at and state.next_attempt_at > now:
        return Delivery(witness.name, "waiting", checkpoint.size, state.last_error)
    old = state.cosigned_size if state is not None else 0
    if old > checkpoint.size:
        old = 0  # it cosigned for a ledger that has since been reset (a test, a demo)
    try:
        outcome = _ask(session, witness, checkpoint, old, timeout, post)
    except _Refused as refused:
        return _failed(session, state, witness, now, refused.message, checkpoint.size)
    size, lines = outcome
    _store(session, checkpoint, witness, lines, now)
    if state is None:
        state = WitnessState(witness=key.name)
        session.add(state)
    state.cosigned_size = size
    state.attempts = 0
    state.last_attempt_at = now
    state.next_attempt_at = None
    state.last_error = None
    session.flush()
    return Delivery(witness.name, "cosigned", size)


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _ask(
    session: Session,
    witness: Witness,
    checkpoint: Checkpoint,
    old: int,
    timeout: float,
    post: Post,
) -> tuple[int, list[tuple[str, int]]]:
    """Ask the witness to cosign ``checkpoint`` from ``old``, resyncing once on 409; the
    verified (line, timestamp) pairs. Raises _Refused with what went wrong."""
    hashes = leaf_hashes(session, checkpoint.size)
    text = parse_note(checkpoint.note.encode()).text
    for _attempt in range(2):
        body = tlog.add_checkpoint_request(
            old, merkle.consistency_proof(old, hashes), checkpoint.note.encode()
        )
        try:
            answer = post(submission_url(witness), body, timeout)
        except Unreachable as exc:
            raise _Refused(f"unreachable: {exc}") from None
        if answer.status == 200:
            return checkpoint.size, _cosignatures(witness, text, answer.body)
        if answer.status == 409:
            theirs = _size_of(answer)
            if theirs is None:
                raise _Refused("answered 409 without a tree size")
            if theirs > checkpoint.size:
                raise _Refused(
                    f"has cosigned a tree of {theirs} entries, larger than this log's latest "
                    f"checkpoint ({checkpoint.size}): it was shown a checkpoint this log "
                    "did not sign here, or the ledger lost entries. Investigate."
                )
            if theirs == old:
                raise _Refused(f"answered 409 naming the size it was sent ({old})")
            old = theirs
            continue
        raise _Refused(_refusal(answer, old, checkpoint.size))
    raise _Refused(f"answered 409 twice (last: size {old})")


def _refusal(answer: Answer, old: int, size: int) -> str:
    if answer.status == 422:
        return (
            f"refused the checkpoint of size {size} as inconsistent with what it cosigned "
            f"(size {old}): evidence of a fork or a rewritten ledger. Investigate."
        )
    if answer.status in (403, 404):
        return (
            f"does not accept this log (HTTP {answer.status}): its configuration lacks this "
            "origin or key"
        )
    if answer.status == 400:
        return "answered 400: it found the request malformed"
    return f"answered HTTP {answer.status}"


def _size_of(answer: Answer) -> int | None:
    try:
        text = answer.body.decode("ascii")
        if not text.endswith("\n"):
            return None
        return decimal(text[:-1], "witness size")
    except (UnicodeDecodeError, VerificationError):
        return None


def _cosignatures(witness: Witness, text: str, body: bytes) -> list[tuple[str, int]]:
    """The lines of a 200 answer that are valid cosignatures of ``text`` by the witness's key
    (lines from other keys are ignored); _Refused when there is none."""
    key = witness.verifier
    try:
        lines = body.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise _Refused("answered 200 with a body that is not UTF-8") from None
    good: list[tuple[str, int]] = []
    for line in lines:
        if not line:
            continue
        try:
            signature = parse_signature_line(line)
        except VerificationError:
            raise _Refused(f"answered 200 with a malformed line {line[:60]!r}") from None
        if (signature.name, signature.key_id) != (key.name, key.key_id):
            continue
        timestamp = key.verify(text, signature.payload)
        if timestamp is None or timestamp == 0:
            raise _Refused("returned a cosignature that does not verify with its key")
        good.append((line, timestamp))
    if not good:
        raise _Refused(f"returned no cosignature from its key {key.vkey}")
    return good


def _store(
    session: Session,
    checkpoint: Checkpoint,
    witness: Witness,
    lines: list[tuple[str, int]],
    now: datetime,
) -> None:
    """Keep the first verified cosignature (another process may have stored one already)."""
    line, timestamp = lines[0]
    try:
        with session.begin_nested():
            session.add(
                Cosignature(
                    checkpoint_size=checkpoint.size,
                    witness=witness.verifier.name,
                    key_id=witness.verifier.key_id.hex(),
                    line=line,
                    timestamp=timestamp,
                    created_at=now,
                )
            )
    except IntegrityError:
        if not _has_cosigned(session, checkpoint.size, witness):
            raise


def _has_cosigned(session: Session, size: int, witness: Witness) -> bool:
    return (
        session.get(Cosignature, (size, witness.verifier.name, witness.verifier.key_id.hex()))
        is not None
    )


def _failed(
    session: Session,
    state: WitnessState | None,
    witness: Witness,
    now: datetime,
    error: str,
    size: int,
) -> Delivery:
    if state is None:
        state = WitnessState(witness=witness.verifier.name, cosigned_size=0, attempts=0)
        session.add(state)
    state.attempts = (state.attempts or 0) + 1
    state.last_attempt_at = now
    state.next_attempt_at = now + retry_delay(state.attempts)
    state.last_error = error
    session.flush()
    return Delivery(witness.name, "failed", size, error)


def witness_states(session: Session) -> dict[str, WitnessState]:
    """Delivery state by witness key name (for the ledger page and the command line)."""
    return {s.witness: s for s in session.scalars(sa.select(WitnessState))}
