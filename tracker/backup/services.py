"""Making a backup and restoring one (the format: tracker.backup.archive).

A backup reads every table in one transaction (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite:
a copy of the file made by SQLite's online backup, read in one transaction), so its rows are one
moment of the database while the app goes on writing; then it copies every blob each store
lists. Blobs are named by their content and never
change, and a row naming a blob is committed after the blob is kept, so every blob a dumped row
names is listed by then.

The blob tables of the database backend (``blobs``, ``blob_chunks``) are not dumped as tables:
every blob goes into the archive as a file, whichever backend kept it, and is restored into the
stores of the target's ``STORAGE`` — so a restore also moves blobs from one backend to the
other.

A restore checks the whole archive before it writes anything (every file's SHA-256 and the
migration revision against the manifest), refuses a target that holds anything, then inserts the
rows in foreign-key order and writes the blobs in one transaction: a failure rolls it all back
(and removes the files the local backend had written).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import io
import json
import os
import secrets
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

import sqlalchemy as sa

from tracker.backup.archive import (
    BLOBS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    TABLES,
    ArchiveError,
    blob_member,
    decode_row,
    encode_row,
    select_rows,
    table_member,
)
from tracker.db import Session
from tracker.storage.base import SHA256, BlobStore
from tracker.storage.database import DatabaseStore

# The database backend's own tables: their content is archived as blobs/ files.
BLOB_TABLES = ("blobs", "blob_chunks")
# Tables whose rows the migrations make (0015: the public generation): an empty, migrated
# database has them, and a restore replaces them with the archive's.
SEEDED_TABLES = ("public_generation",)
BATCH = 1000  # rows per INSERT (executemany) and per fetch
MANIFEST_LIMIT = 256 * 1024 * 1024  # a manifest larger than this is no manifest of ours
COMPRESSION = 6  # gzip level: most of the gain of 9 at a fraction of its time


class BackupError(RuntimeError):
    """The backup cannot be made, or the target cannot take a restore: the message says why."""


@dataclass(frozen=True)
class Summary:
    """What an archive holds: its revision, each table's row count, its blobs."""

    revision: str
    app_version: str
    created_at: str
    tables: dict[str, int]
    blobs: int
    blob_bytes: int
    archive_bytes: int = 0

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


@dataclass
class Manifest:
    """The parsed manifest: each table's rows and SHA-256, each blob by namespace and hash."""

    revision: str
    app_version: str
    created_at: str
    tables: dict[str, tuple[int, str]]
    blobs: list[tuple[str, str, int]] = field(default_factory=list)

    def summary(self, archive_bytes: int = 0) -> Summary:
        """The manifest as counts."""
        return Summary(
            self.revision,
            self.app_version,
            self.created_at,
            {name: rows for name, (rows, _) in self.tables.items()},
            len(self.blobs),
            sum(size for _, _, size in self.blobs),
            archive_bytes,
        )


def app_version() -> str:
    """The installed tracker's version (the package's metadata)."""
    try:
        return importlib.metadata.version("tracker")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def archived_tables(metadata: sa.MetaData) -> list[sa.Table]:
    """The tables a backup holds, in foreign-key order (parents first)."""
    return [table for table in metadata.sorted_tables if table.name not in BLOB_TABLES]


def database_revision(conn: sa.Connection) -> str | None:
    """The migration revision the database is at (None: no migrations have run)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    revisions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return revisions[0] if len(revisions) == 1 else ",".join(sorted(revisions)) or None


# --- backup ---------------------------------------------------------------------------------


def create_backup(
    engine: sa.Engine,
    metadata: sa.MetaData,
    stores: Mapping[str, BlobStore],
    out: Path,
    *,
    head_revision: str,
    created_at: datetime,
) -> Summary:
    """Write the archive of the database and every blob to ``out`` (a new file, renamed into
    place when complete: a failed backup leaves no archive). BackupError when the database is
    not at ``head_revision`` (this code's tables would not be its tables) or a blob's bytes no
    longer match its name."""
    out = Path(out)
    partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent) as scratch:
            revision, tables = _dump_tables(engine, metadata, Path(scratch), head_revision)
            blobs = [
                (namespace, blob.sha256, blob.size)
                for namespace, store in sorted(stores.items())
                for blob in store.list_blobs()
            ]
            manifest = Manifest(revision, app_version(), created_at.isoformat(), {}, blobs)
            manifest.tables = {name: (rows, digest) for name, (rows, digest, _) in tables.items()}
            with tarfile.open(partial, "w:gz", compresslevel=COMPRESSION) as tar:
                _add_bytes(tar, MANIFEST, _manifest_json(manifest))
                for name, (_, _, path) in tables.items():
                    with path.open("rb") as rows:
                        _add_stream(tar, table_member(name), rows, path.stat().st_size)
                for namespace, sha256, size in blobs:
                    with stores[namespace].open(sha256) as data:
                        reader = _HashingReader(data)
                        _add_stream(tar, blob_member(namespace, sha256), reader, size)
                    if reader.digest.hexdigest() != sha256:
                        raise BackupError(
                            f"the {namespace} blob {sha256} no longer has the bytes it is named "
                            f"by ({stores[namespace].describe(sha256)}): the store is damaged"
                        )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest.summary(out.stat().st_size)


def _dump_tables(
    engine: sa.Engine, metadata: sa.MetaData, scratch: Path, head_revision: str
) -> tuple[str, dict[str, tuple[int, str, Path]]]:
    """Every table's rows into a file of ``scratch``, read in one transaction; the revision and,
    per table, (rows, SHA-256, file)."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        copy = sa.create_engine(f"sqlite:///{_sqlite_snapshot(engine, scratch)}")
        try:
            return _dump_tables_of(copy, metadata, scratch, head_revision)
        finally:
            copy.dispose()
    return _dump_tables_of(engine, metadata, scratch, head_revision)


def _sqlite_snapshot(engine: sa.Engine, scratch: Path) -> Path:
    """A copy of the SQLite database file made by SQLite's online backup in one step: one read
    lock for as long as copying the pages takes (a second or so), where dumping the rows from the
    live file would keep every writer waiting for the whole dump."""
    copy = scratch / "snapshot.sqlite3"
    target = sqlite3.connect(copy)
    try:
        with engine.connect() as conn:
            source = conn.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            source.backup(target)
    finally:
        target.close()
    return copy


def _dump_tables_of(
    engine: sa.Engine, metadata: sa.MetaData, scratch: Path, head_revision: str
) -> tuple[str, dict[str, tuple[int, str, Path]]]:
    tables: dict[str, tuple[int, str, Path]] = {}
    with engine.connect() as conn:
        _begin_snapshot(conn)
        revision = database_revision(conn)
        if revision != head_revision:
            raise BackupError(
                f"the database is at migration revision {revision or '(none)'} and this code's "
                f"migrations end at {head_revision}: back it up with the tracker version of its "
                "revision, or run `tracker db upgrade` first"
            )
        streaming = conn.execution_options(stream_results=True, yield_per=BATCH)
        for table in archived_tables(metadata):
            path = scratch / f"{table.name}.jsonl"
            digest, rows = hashlib.sha256(), 0
            with path.open("wb") as out:
                for row in streaming.execute(select_rows(table)):
                    line = encode_row(table, row)
                    digest.update(line)
                    out.write(line)
                    rows += 1
            tables[table.name] = (rows, digest.hexdigest(), path)
        conn.rollback()  # read only: nothing to keep
    return revision, tables


def _begin_snapshot(conn: sa.Connection) -> None:
    """Make the connection's reads one consistent moment of the database."""
    if conn.dialect.name == "postgresql":
        # the first statement of the transaction psycopg opens
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif conn.dialect.name == "sqlite":
        # SQLite's driver opens no transaction for reads: without BEGIN each SELECT would see
        # the database as it is at that moment
        driver = conn.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN")


def _manifest_json(manifest: Manifest) -> bytes:
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": manifest.app_version,
        "migration_revision": manifest.revision,
        "created_at": manifest.created_at,
        "tables": [
            {"name": name, "rows": rows, "sha256": digest, "file": table_member(name)}
            for name, (rows, digest) in manifest.tables.items()
        ],
        "blobs": [
            {"namespace": namespace, "sha256": sha256, "size": size}
            for namespace, sha256, size in manifest.blobs
        ],
    }
    return json.dumps(document, indent=1).encode("utf-8") + b"\n"


def _member_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, 0
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_member_info(name, len(data)), io.BytesIO(data))


def _add_stream(
    tar: tarfile.TarFile, name: str, data: IO[bytes] | _HashingReader, size: int
) -> None:
    tar.addfile(_member_info(name, size), data)


class _HashingReader:
    """A file's bytes as they are read, hashed on the way."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.digest.update(data)
        return data


# --- restore: reading and checking the archive ------------------------------------------------

# What a damaged archive raises while it is read: a broken tar, a broken or cut gzip stream.
_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError)


def read_archive(
    path: Path, metadata: sa.MetaData, namespaces: set[str], head_revision: str
) -> Manifest:
    """Check the whole archive before anything is written: its manifest, its revision against
    ``head_revision``, its tables against this code's, and every file's SHA-256 and size
    against the manifest. ArchiveError naming what is wrong."""
    try:
        with tarfile.open(path, "r:*") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ArchiveError(f"{path} has no {MANIFEST} first: it is no tracker backup")
            if first.size > MANIFEST_LIMIT:
                raise ArchiveError(f"{MANIFEST} is {first.size} bytes: it is no manifest")
            manifest = parse_manifest(_read_member(tar, first).read())
            check_compatible(manifest, metadata, namespaces, head_revision)
            expected = _expected_members(manifest)
            seen: set[str] = set()
            for member in tar:  # (from the first member again)
                name = member.name
                if member is first:
                    continue
                if name not in expected or not member.isfile():
                    raise ArchiveError(f"{name} is in the archive but not in its manifest")
                if name in seen:
                    raise ArchiveError(f"{name} is in the archive twice")
                seen.add(name)
                digest, size = hashlib.sha256(), 0
                data = _read_member(tar, member)
                while chunk := data.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                want_sha, want_size = expected[name]
                if digest.hexdigest() != want_sha or (want_size is not None and size != want_size):
                    raise ArchiveError(
                        f"{name} is damaged: its SHA-256 is {digest.hexdigest()}, "
                        f"the manifest says {want_sha}"
                    )
            missing = sorted(set(expected) - seen)
            if missing:
                more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
                raise ArchiveError(
                    f"the archive lacks {', '.join(missing[:3])}{more}, which its manifest lists"
                )
    except ArchiveError:
        raise
    except _READ_ERRORS as exc:
        raise ArchiveError(f"{path} is damaged or no tracker backup: {exc}") from None
    return manifest


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> BinaryIO:
    data = tar.extractfile(member)
    if data is None:
        raise ArchiveError(f"{member.name} is not a file")
    return data  # type: ignore[return-value]


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest's content, checked for shape; ArchiveError when it is garbled."""
    try:
        document = json.loads(raw)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ArchiveError(f"{MANIFEST} is not a tracker backup's manifest")
        if document.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"the archive is of format version {document.get('format_version')!r}; this "
                f"tracker reads version {FORMAT_VERSION}: restore it with the version that made it"
            )
        tables = {}
        for entry in document["tables"]:
            rows, digest = entry["rows"], entry["sha256"]
            if not isinstance(rows, int) or rows < 0 or not SHA256.fullmatch(str(digest)):
                raise ValueError(f"table {entry.get('name')!r}")
            tables[str(entry["name"])] = (rows, str(digest))
        blobs = []
        for entry in document["blobs"]:
            namespace, sha256, size = entry["namespace"], entry["sha256"], entry["size"]
            if not isinstance(size, int) or size < 0 or not SHA256.fullmatch(str(sha256)):
                raise ValueError(f"blob {sha256!r}")
            blobs.append((str(namespace), str(sha256), size))
        return Manifest(
            str(document["migration_revision"]),
            str(document["app_version"]),
            str(document["created_at"]),
            tables,
            blobs,
        )
    except ArchiveError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise ArchiveError(f"{MANIFEST} is garbled ({type(exc).__name__}: {exc})") from None


def check_compatible(
    manifest: Manifest, metadata: sa.MetaData, namespaces: set[str], head_revision: str
) -> None:
    """ArchiveError unless this code can restore the archive as it is."""
    if manifest.revision != head_revision:
        raise ArchiveError(
            f"the archive was made at migration revision {manifest.revision} (tracker "
            f"{manifest.app_version}) and this code's migrations end at {head_revision}: restore "
            f"it with the tracker version of revision {manifest.revision}, then upgrade"
        )
    ours = {table.name for table in archived_tables(metadata)}
    theirs = set(manifest.tables)
    if ours != theirs:
        raise ArchiveError(
            "the archive's tables are not this code's: "
            f"missing {sorted(ours - theirs)}, unknown {sorted(theirs - ours)}"
        )
    unknown = sorted({namespace for namespace, _, _ in manifest.blobs} - namespaces)
    if unknown:
        raise ArchiveError(f"the archive has blobs of unknown namespaces {unknown}")


def _expected_members(manifest: Manifest) -> dict[str, tuple[str, int | None]]:
    expected: dict[str, tuple[str, int | None]] = {
        table_member(name): (digest, None) for name, (_, digest) in manifest.tables.items()
    }
    for namespace, sha256, size in manifest.blobs:
        expected[blob_member(namespace, sha256)] = (sha256, size)
    return expected


# --- restore: the target ----------------------------------------------------------------------


def refuse_unless_empty(
    engine: sa.Engine, metadata: sa.MetaData, stores: Mapping[str, BlobStore], head_revision: str
) -> None:
    """BackupError unless the target database holds no rows (besides those the migrations
    make) and no store holds a blob; a database migrated to another revision is refused too."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        revision = database_revision(conn)
        if revision not in (None, head_revision):
            raise BackupError(
                f"the target database is at migration revision {revision}, this code's at "
                f"{head_revision}: restore into an empty database"
            )
        has_blob_tables = inspector.has_table(BLOB_TABLES[0])
        filled = [
            table.name
            for table in metadata.sorted_tables
            if table.name not in SEEDED_TABLES
            and inspector.has_table(table.name)
            and conn.execute(sa.select(sa.exists().select_from(table))).scalar()
        ]
    if filled:
        more = f" and {len(filled) - 5} more" if len(filled) > 5 else ""
        raise BackupError(
            f"the target database is not empty: {', '.join(filled[:5])}{more} hold rows; "
            "restore only into an empty database"
        )
    kept = [
        namespace
        for namespace, store in sorted(stores.items())
        # (a database without the blob tables holds no blob of the database backend)
        if (has_blob_tables or not isinstance(store, DatabaseStore)) and _holds_any(store)
    ]
    if kept:
        raise BackupError(
            "the target storage is not empty: the "
            + ", ".join(kept)
            + " store holds blobs; restore only into empty storage"
        )


def _holds_any(store: BlobStore) -> bool:
    blobs = store.list_blobs()
    try:
        return next(iter(blobs), None) is not None
    finally:
        close = getattr(blobs, "close", None)
        if close is not None:
            close()


# --- restore: writing -------------------------------------------------------------------------


def restore_archive(
    session: Session,
    metadata: sa.MetaData,
    stores: Mapping[str, BlobStore],
    path: Path,
    manifest: Manifest,
) -> Summary:
    """Insert the archive's rows (in foreign-key order, in batches) and keep its blobs, in one
    transaction, committed when every table's count and file hash and every blob's hash match
    the manifest. On any failure everything is rolled back and the blobs the local backend wrote
    are removed. The archive must have passed ``read_archive`` and the target
    ``refuse_unless_empty``; the schema must be at the manifest's revision."""
    written: list[tuple[BlobStore, str]] = []
    try:
        for name in SEEDED_TABLES:
            if name in metadata.tables:
                session.execute(metadata.tables[name].delete())
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if member.name.startswith(TABLES):
                    _insert_rows(session, metadata, tar, member, manifest)
                elif member.name.startswith(BLOBS):
                    namespace, sha256 = member.name[len(BLOBS) :].split("/", 1)
                    store = stores[namespace]
                    blob = store.put(_read_member(tar, member))
                    written.append((store, blob.sha256))
                    if blob.sha256 != sha256:
                        raise ArchiveError(f"{member.name} is damaged: its bytes hash to {blob}")
        for table in archived_tables(metadata):
            count = session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if count != manifest.tables[table.name][0]:
                raise ArchiveError(
                    f"{table_member(table.name)}: {count} rows restored, the manifest says "
                    f"{manifest.tables[table.name][0]}"
                )
        kept = {(store.namespace, sha256) for store, sha256 in written}
        for namespace, sha256, _ in manifest.blobs:
            if (namespace, sha256) not in kept:
                raise ArchiveError(f"{blob_member(namespace, sha256)} was not restored")
        if session.connection().dialect.name == "postgresql":
            advance_sequences(session, metadata)
        session.commit()
    except BaseException:
        session.rollback()
        for store, sha256 in written:
            store.delete(sha256)  # the local backend's files; the database's rolled back
        session.rollback()
        raise
    return manifest.summary(Path(path).stat().st_size)


def _insert_rows(
    session: Session,
    metadata: sa.MetaData,
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    manifest: Manifest,
) -> None:
    name = member.name[len(TABLES) :].removesuffix(".jsonl")
    table = metadata.tables[name]
    digest = hashlib.sha256()
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(_lines(_read_member(tar, member)), start=1):
        digest.update(line)
        batch.append(decode_row(table, line, f"{member.name} line {number}"))
        if len(batch) >= BATCH:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)
    if digest.hexdigest() != manifest.tables[name][1]:
        raise ArchiveError(f"{member.name} changed while it was restored")


def _lines(data: BinaryIO) -> Iterator[bytes]:
    while line := data.readline():
        yield line


def advance_sequences(session: Session, metadata: sa.MetaData) -> None:
    """PostgreSQL: set every serial or identity key's sequence past the largest key restored
    (rows went in with their keys, which does not move a sequence)."""
    for table in archived_tables(metadata):
        column = table.autoincrement_column
        if column is None:
            continue
        largest = session.execute(sa.select(sa.func.max(column))).scalar()
        session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:table, :column), :next, false)"),
            {"table": table.name, "column": column.name, "next": (largest or 0) + 1},
        )
