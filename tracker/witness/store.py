"""The witness's state in ``state.sqlite3`` (stdlib sqlite3, not the app's database): per log
origin the latest cosigned tree size, root and note; and the authenticated requests it refused
as inconsistent, kept as evidence of the log's misbehaviour."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "state.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root BLOB NOT NULL CHECK (length(root) = 32),
    note BLOB NOT NULL,
    cosigned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    request BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class Latest:
    """The latest checkpoint cosigned for an origin."""

    size: int
    root: bytes
    note: bytes


class Store:
    """One connection to the state file; every write is one transaction."""

    def __init__(self, state: Path) -> None:
        state.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE) where needed
        self._db = sqlite3.connect(state / STATE_FILE, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def latest(self, origin: str) -> Latest | None:
        """The latest cosigned checkpoint of ``origin``, or None if never cosigned."""
        row = self._db.execute(
            "SELECT size, root, note FROM checkpoints WHERE origin = ?", (origin,)
        ).fetchone()
        return Latest(row[0], bytes(row[1]), bytes(row[2])) if row else None

    def replace(self, origin: str, old_size: int, new: Latest) -> int | None:
        """Compare-and-swap: store ``new`` only if the stored size is still ``old_size`` (0 when
        nothing is stored). None on success, else the size now stored."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            current = self.latest(origin)
            current_size = current.size if current else 0
            if current_size != old_size:
                self._db.execute("ROLLBACK")
                return current_size
            self._db.execute(
                "INSERT INTO checkpoints (origin, size, root, note, cosigned_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET "
                "size = excluded.size, root = excluded.root, note = excluded.note, "
                "cosigned_at = excluded.cosigned_at",
                (origin, new.size, new.root, new.note, int(time.time())),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return None

    def keep_evidence(self, origin: str, status: int, request: bytes) -> None:
        """Record an authenticated request refused as inconsistent."""
        self._db.execute(
            "INSERT INTO evidence (origin, received_at, status, request) VALUES (?, ?, ?, ?)",
            (origin, int(time.time()), status, request),
        )

    def evidence_count(self) -> int:
        """How many refused requests are kept."""
        return int(self._db.execute("SELECT count(*) FROM evidence").fetchone()[0])
