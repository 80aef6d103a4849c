"""The database backend: blobs in the database every app process already shares.

A blob is a row of ``blobs`` and its bytes are rows of ``blob_chunks`` of ``CHUNK_SIZE`` bytes,
so neither a write nor a read holds a whole file in memory. A write joins the app's session
(``db.session``): the blob is committed with the row that names it, or not at all, as the view
or command commits once. It is first inserted under a placeholder name, hashed while its chunks
are written, then renamed to its hash inside a savepoint; when the same bytes are kept already
(or another transaction keeps them first: the unique constraint waits for it), the savepoint is
rolled back and the existing blob is the answer.

Reads use connections of their own, one short query per chunk, so a download that outlives its
request (a streamed response) neither needs the request's session nor holds a connection.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.db import Session, utcnow
from tracker.storage.base import (
    CHUNK_SIZE,
    Blob,
    BlobNotFound,
    check_sha256,
    chunks_of,
    new_digest,
)
from tracker.storage.models import BlobChunk, StoredBlob

BLOBS = cast(sa.Table, StoredBlob.__table__)
CHUNKS = cast(sa.Table, BlobChunk.__table__)


def whole_chunks(source: BinaryIO | bytes) -> Iterator[bytes]:
    """The source in pieces of exactly CHUNK_SIZE (the last may be shorter): a stream's read()
    may return less than asked, and chunk ``seq`` must start at ``seq * CHUNK_SIZE``."""
    pending = bytearray()
    for piece in chunks_of(source):
        pending += piece
        while len(pending) >= CHUNK_SIZE:
            yield bytes(pending[:CHUNK_SIZE])
            del pending[:CHUNK_SIZE]
    if pending:
        yield bytes(pending)


class DatabaseStore:
    """A namespace kept in the ``blobs`` tables; ``session`` and ``engine`` are read when used
    (the app's scoped session and engine)."""

    def __init__(
        self,
        namespace: str,
        session: Callable[[], Session],
        engine: Callable[[], sa.Engine],
        scratch: Path,
    ) -> None:
        self.namespace = namespace
        self._session = session
        self._engine = engine
        self._scratch = scratch

    def scratch_dir(self) -> Path:
        self._scratch.mkdir(parents=True, exist_ok=True)
        return self._scratch

    def put(self, source: BinaryIO | bytes) -> Blob:
        session = self._session()
        _begin_on_sqlite(session)
        blob: Blob | None = None
        savepoint = session.begin_nested()
        try:
            blob_id = session.execute(
                BLOBS.insert()
                .values(
                    namespace=self.namespace,
                    sha256="pending-" + secrets.token_hex(28),
                    size=0,
                    created_at=utcnow(),
                )
                .returning(BLOBS.c.id)
            ).scalar_one()
            digest, size = new_digest(), 0
            for seq, chunk in enumerate(whole_chunks(source)):
                digest.update(chunk)
                size += len(chunk)
                session.execute(CHUNKS.insert().values(blob_id=blob_id, seq=seq, data=chunk))
            blob = Blob(digest.hexdigest(), size)
            if self._find(session.connection(), blob.sha256) is not None:
                savepoint.rollback()  # the same bytes are kept already
                return blob
            session.execute(
                BLOBS.update().where(BLOBS.c.id == blob_id).values(sha256=blob.sha256, size=size)
            )
            savepoint.commit()
        except IntegrityError:
            # Another transaction kept the same bytes first (and committed: the unique index
            # waited for it); theirs is the blob.
            savepoint.rollback()
            if blob is None or self._find(session.connection(), blob.sha256) is None:
                raise
            return blob
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        return blob

    def put_file(self, path: Path) -> Blob:
        try:
            with Path(path).open("rb") as data:
                return self.put(data)
        finally:
            Path(path).unlink(missing_ok=True)

    def _find(self, conn: sa.Connection, sha256: str) -> tuple[int, int] | None:
        row = conn.execute(
            sa.select(BLOBS.c.id, BLOBS.c.size).where(
                BLOBS.c.namespace == self.namespace, BLOBS.c.sha256 == check_sha256(sha256)
            )
        ).first()
        return (row.id, row.size) if row is not None else None

    def _found(self, sha256: str) -> tuple[int, int]:
        with self._engine().connect() as conn:
            found = self._find(conn, sha256)
        if found is None:
            raise BlobNotFound(self.namespace, sha256, self.describe(sha256))
        return found

    def open(self, sha256: str) -> BinaryIO:
        blob_id, size = self._found(sha256)
        reader = ChunkReader(self._engine(), blob_id, size)
        return cast(BinaryIO, io.BufferedReader(reader, buffer_size=64 * 1024))

    def exists(self, sha256: str) -> bool:
        with self._engine().connect() as conn:
            return self._find(conn, sha256) is not None

    def size(self, sha256: str) -> int:
        return self._found(sha256)[1]

    def delete(self, sha256: str) -> None:
        session = self._session()
        found = self._find(session.connection(), sha256)
        if found is not None:
            session.execute(CHUNKS.delete().where(CHUNKS.c.blob_id == found[0]))
            session.execute(BLOBS.delete().where(BLOBS.c.id == found[0]))

    def describe(self, sha256: str) -> str:
        return f"the database's {self.namespace} blobs (SHA-256 {sha256})"

    def local_path(self, sha256: str) -> Path | None:
        return None

    def list_blobs(self) -> Iterator[Blob]:
        # Committed blobs only: a blob being written has its pending- name, and is seen by
        # nobody else until its transaction commits anyway.
        query = (
            sa.select(BLOBS.c.sha256, BLOBS.c.size)
            .where(BLOBS.c.namespace == self.namespace, ~BLOBS.c.sha256.startswith("pending-"))
            .order_by(BLOBS.c.sha256)
        )
        with self._engine().connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query):
                yield Blob(row.sha256, row.size)


def _begin_on_sqlite(session: Session) -> None:
    """Open the transaction SQLite's driver has not: it sends BEGIN only before a change, so a
    SAVEPOINT that comes first would be the outermost transaction and its RELEASE a commit
    (the blob would outlive a rollback of the row that names it)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN")


class ChunkReader(io.RawIOBase):
    """A blob's bytes, read one chunk (one short query) at a time; seekable, since chunk
    ``seq`` holds bytes ``seq * CHUNK_SIZE`` onwards (ranges of a download skip straight there)."""

    def __init__(self, engine: sa.Engine, blob_id: int, size: int) -> None:
        super().__init__()
        self._engine, self._blob_id, self._size = engine, blob_id, size
        self._position = 0
        self._seq: int | None = None
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size:
            return 0
        seq, start = divmod(self._position, CHUNK_SIZE)
        if seq != self._seq:
            with self._engine.connect() as conn:
                data = conn.execute(
                    sa.select(CHUNKS.c.data).where(
                        CHUNKS.c.blob_id == self._blob_id, CHUNKS.c.seq == seq
                    )
                ).scalar_one_or_none()
            if data is None:
                raise OSError(f"blob {self._blob_id} has no chunk {seq}")
            self._seq, self._chunk = seq, bytes(data)
        piece = self._chunk[start : start + len(buffer)]
        buffer[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)
