"""The log's signing key and its name (the origin), loaded when the app starts.

The key is Ed25519, written in the skey format of golang.org/x/mod/sumdb/note
(``PRIVATE+KEY+<origin>+<key ID>+<base64>``). Like the secret key it is generated once into the
instance folder (``instance/ledger-log.key``, mode 0600) unless ``LEDGER_KEY_FILE``
(``TRACKER_LEDGER_KEY``) names another file; it never lives in the code or the database. The
origin is ``LEDGER_ORIGIN`` (``TRACKER_LEDGER_ORIGIN``); the key's name must be that origin, so
a key made for another origin stops the app at start-up rather than sign under a wrong name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app

from tracker.domain.tlog import Signer, generate_signer, parse_skey
from tracker.verify import FormatError

KEY_FILE = "ledger-log.key"
_EXTENSION = "tracker.ledger_key"


def key_path(app: Flask) -> Path:
    """Where the log's key is read from (and generated into, the first time)."""
    configured = app.config.get("LEDGER_KEY_FILE")
    return Path(configured) if configured else Path(app.instance_path) / KEY_FILE


def load_key(path: Path, origin: str) -> Signer:
    """The key at ``path``, created for ``origin`` if there is none yet.

    A new key is written to a temporary file (mode 0600) and hard-linked into place, so a
    process starting at the same moment sees either no key or the whole of one.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(generate_signer(origin).skey + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            tmp.unlink()
    try:
        signer = parse_skey(path.read_text())
    except FormatError as exc:
        raise RuntimeError(f"{path} is not a log key: {exc}") from None
    if signer.name != origin:
        raise RuntimeError(
            f"the log key in {path} is for origin {signer.name!r}, but LEDGER_ORIGIN is "
            f"{origin!r}: set LEDGER_ORIGIN back, or point LEDGER_KEY_FILE at a key for it"
        )
    return signer


def init_app(app: Flask) -> None:
    """Load (or create) the log's key once, at start-up."""
    app.extensions[_EXTENSION] = load_key(key_path(app), app.config["LEDGER_ORIGIN"])


def log_key(app: Flask | None = None) -> Signer:
    """The log's signing key (of ``app``, or of the current app)."""
    return (app or current_app).extensions[_EXTENSION]
