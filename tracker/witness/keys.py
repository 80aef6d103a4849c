"""The witness's key and the logs it trusts, read from (and written to) its state directory."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from tracker.domain.tlog import Signer, generate_signer, parse_skey
from tracker.verify import ED25519, FormatError, Verifier, parse_vkey

KEY_FILE = "witness.key"
LOGS_FILE = "logs.txt"


class WitnessConfigError(Exception):
    """The state directory or the list of trusted logs cannot be used; the message says why."""


def create_key(state: Path, name: str) -> Signer:
    """Generate the witness key into ``state/witness.key`` (mode 0600); refuse to overwrite."""
    state.mkdir(parents=True, exist_ok=True)
    try:
        signer = generate_signer(name)
    except ValueError as exc:
        raise WitnessConfigError(str(exc)) from None
    path = state / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessConfigError(f"{path} exists already; a witness keeps its key") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(signer.skey + "\n")
    return signer


def load_key(state: Path) -> Signer:
    """The witness key; a clear error when it is missing or unreadable."""
    path = state / KEY_FILE
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise WitnessConfigError(f"no key in {path}: run `tracker witness keygen` first") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WitnessConfigError(f"cannot read {path}: {exc}") from None
    try:
        return parse_skey(text)
    except FormatError as exc:
        raise WitnessConfigError(f"{path}: {exc}") from None


def parse_log(spec: str) -> tuple[str, Verifier]:
    """``ORIGIN=VKEY``: a log this witness cosigns for, and one of its Ed25519 note keys."""
    origin, equals, vkey = spec.strip().partition("=")
    if not equals or not origin:
        raise WitnessConfigError(f"{spec!r}: expected ORIGIN=VKEY")
    try:
        key = parse_vkey(vkey)
    except FormatError as exc:
        raise WitnessConfigError(f"{spec!r}: {exc}") from None
    if key.type != ED25519:
        raise WitnessConfigError(f"{spec!r}: a log key is an Ed25519 note key (type 0x01)")
    return origin, key


def trusted_logs(state: Path, specs: Iterable[str]) -> dict[str, list[Verifier]]:
    """Origin → log keys, from ``specs`` and the lines of ``state/logs.txt`` (same syntax;
    empty lines and ``#`` comments skipped)."""
    lines = list(specs)
    path = state / LOGS_FILE
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.strip().startswith("#"):
                lines.append(line)
    logs: dict[str, list[Verifier]] = {}
    for spec in lines:
        origin, key = parse_log(spec)
        if key not in logs.setdefault(origin, []):
            logs[origin].append(key)
    if not logs:
        raise WitnessConfigError(f"no log to witness: give --log ORIGIN=VKEY or write {path}")
    return logs
