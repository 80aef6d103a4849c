"""The blob store's contract: bytes in, their SHA-256 out; the same bytes are one blob.

A store is one namespace ("uploads", "reports") of one backend (tracker.storage.local: the
instance folders as they always were; tracker.storage.database: the database every app process
already shares). ``put`` streams and hashes what it is given and keeps it atomically: a reader
sees no blob or the whole of it. ``open`` gives a binary file that reads in chunks, so neither
side holds a large file in memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from tracker.domain.refusals import Refusal

# Bytes read or written at once; the database backend keeps blobs in chunks of this size.
CHUNK_SIZE = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Blob:
    """A stored blob: its content hash and its size in bytes."""

    sha256: str
    size: int


class BlobNotFound(Refusal):
    """No blob with this hash is kept here (messages: tracker.storage.messages)."""

    code = "storage.blob_not_found"
    status = 404

    def __init__(self, namespace: str, sha256: str, where: str):
        self.namespace, self.sha256, self.where = namespace, sha256, where
        super().__init__(f"{namespace} blob {sha256} is not in {where}")


class BlobStore(Protocol):
    """One namespace of a backend. Hashes given to it are lowercase hex SHA-256."""

    namespace: str

    def put(self, source: BinaryIO | bytes) -> Blob:
        """Keep the bytes (streamed and hashed); the same bytes kept twice are one blob."""
        ...

    def put_file(self, path: Path) -> Blob:
        """Keep a complete file made in ``scratch_dir()`` and take it away (the local store
        renames it into place, no copy)."""
        ...

    def scratch_dir(self) -> Path:
        """A folder for temporary files that ``put_file`` takes (created on demand)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a seekable binary file that reads in chunks; BlobNotFound."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether the blob is kept."""
        ...

    def size(self, sha256: str) -> int:
        """The blob's size in bytes; BlobNotFound."""
        ...

    def delete(self, sha256: str) -> None:
        """Forget the blob (nothing happens when it is not kept)."""
        ...

    def describe(self, sha256: str) -> str:
        """Where the blob is (or would be) kept, for operators' messages."""
        ...

    def list_blobs(self) -> Iterator[Blob]:
        """Every blob kept in this namespace, by hash (for backups; one at a time, never the
        whole list in memory on the database backend's side)."""
        ...

    def local_path(self, sha256: str) -> Path | None:
        """The blob's file on this host, when the backend keeps files (for sendfile)."""
        ...


def check_sha256(sha256: str) -> str:
    """``sha256`` when it is a well-formed hash, else ValueError (it names a file or a row)."""
    if not SHA256.fullmatch(sha256 or ""):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return sha256


def chunks_of(source: BinaryIO | bytes, size: int = CHUNK_SIZE):
    """The source's bytes in pieces of at most ``size`` (bytes are sliced, not copied whole)."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])
        return
    while chunk := source.read(size):
        yield chunk


def new_digest():
    """The hash every blob is named by."""
    return hashlib.sha256()
