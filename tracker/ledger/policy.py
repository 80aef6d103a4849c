"""The log's trust policy (C2SP tlog-policy): the log key, the witnesses with their keys and
submission URLs, and the quorum of cosignatures that makes a checkpoint "cosigned".

It is the file at ``LEDGER_POLICY_FILE`` (default ``instance/ledger-policy.txt``), published as
it is; without the file, the policy is the log line and ``quorum none``. The file is re-read
when it changes on disk (the demo writes it while the app runs). Its fingerprint, printed in
every PDF, is the SHA-256 of its bytes.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from tracker.domain.tlog import Signer, policy_text
from tracker.ledger.keys import log_key
from tracker.verify import Policy, PolicyError, VerificationError, parse_policy


@dataclass(frozen=True)
class LogPolicy:
    """The policy as published (``data``), parsed."""

    data: bytes
    policy: Policy

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the policy's bytes, in hex."""
        return hashlib.sha256(self.data).hexdigest()


def read_policy(data: bytes, signer: Signer) -> LogPolicy:
    """Parse a policy for this log; PolicyError unless it lists this log's key."""
    try:
        policy = parse_policy(data)
    except VerificationError as exc:
        raise PolicyError(f"the ledger policy cannot be read: {exc}") from None
    if policy.log_key(signer.name) != signer.verifier:
        raise PolicyError(
            f"the ledger policy lists another key for {signer.name}: the log signs with "
            f"{signer.verifier.vkey}"
        )
    return LogPolicy(data, policy)


def default_policy(signer: Signer) -> LogPolicy:
    """The policy without a file: this log, no witness, ``quorum none``."""
    return read_policy(policy_text(signer.verifier.vkey).encode(), signer)


_cache: dict[tuple, LogPolicy] = {}
_cache_lock = threading.Lock()


def log_policy(app: Flask | None = None) -> LogPolicy:
    """The policy of ``app`` (or the current app), re-read when its file changes."""
    app = app or current_app
    signer = log_key(app)
    path = Path(app.config["LEDGER_POLICY_FILE"])
    try:
        stat = path.stat()
    except FileNotFoundError:
        return default_policy(signer)
    key = (str(path), stat.st_mtime_ns, stat.st_size, signer.verifier.vkey)
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        found = read_policy(path.read_bytes(), signer)
        with _cache_lock:
            _cache.clear()  # one policy per process is what is current
            _cache[key] = found
    return found
