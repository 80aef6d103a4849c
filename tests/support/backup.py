"""What the backup tests share: a target app on a database of a chosen kind, the state of a
database and its stores to compare, archives taken apart and put together again."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tests.support.app import make_app, postgres_database
from tracker.backup.archive import encode_row, select_rows
from tracker.backup.services import SEEDED_TABLES, archived_tables
from tracker.db import db
from tracker.ledger import keys
from tracker.storage.services import NAMESPACES, REPORTS, UPLOADS, blobs

BLOB_DATA = {
    UPLOADS: [b"an attachment", b"", bytes(range(256)) * 5000],  # 1.28 MB: two DB chunks
    REPORTS: [b"%PDF-1.7 a report"],
}


@contextmanager
def database_of(kind: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of ``kind`` (sqlite or postgresql); its URL."""
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        tmp_path.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{tmp_path / 'target.sqlite3'}"


def target_app(url: str, instance: Path, storage: str, key_from: Flask | None = None) -> Flask:
    """An app on ``url`` with ``storage``; with ``key_from``, holding that app's log key (which a
    backup does not carry) so that its ledger verifies."""
    instance.mkdir(parents=True, exist_ok=True)
    if key_from is not None:
        (instance / keys.KEY_FILE).write_text(keys.key_path(key_from).read_text())
    return make_app(url, instance, STORAGE=storage)


def close(app: Flask) -> None:
    """Give back every connection of ``app`` (before its database is dropped): the session's
    first, which ``dispose`` alone would leave open."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def store_blobs(app: Flask) -> dict[str, dict[str, str]]:
    """Keep ``BLOB_DATA`` in the app's stores; {namespace: {sha256: hash of the bytes}}."""
    with app.app_context():
        for namespace, items in BLOB_DATA.items():
            for data in items:
                blobs(namespace).put(data)
        db.session.commit()
    return blob_hashes(app)


def blob_hashes(app: Flask) -> dict[str, dict[str, str]]:
    """Every blob the app's stores list, with the SHA-256 of the bytes read back from it."""
    found: dict[str, dict[str, str]] = {}
    with app.app_context():
        for namespace in NAMESPACES:
            store = blobs(namespace)
            found[namespace] = {}
            for blob in store.list_blobs():
                with store.open(blob.sha256) as data:
                    found[namespace][blob.sha256] = hashlib.sha256(data.read()).hexdigest()
    return found


def table_contents(app: Flask) -> dict[str, list[dict]]:
    """Every archived table's rows as a backup writes them, parsed (so that JSON key order, which
    PostgreSQL's JSONB does not keep, does not count); the public generation left out, since a
    restore's commit moves it on."""
    contents = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in archived_tables(db.metadata):
            if table.name in SEEDED_TABLES:
                continue
            rows = conn.execute(select_rows(table))
            contents[table.name] = [json.loads(encode_row(table, row)) for row in rows]
    return contents


def row_counts(app: Flask) -> dict[str, int]:
    """Rows per table."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables
        }


def tables_in(app: Flask) -> list[str]:
    """The tables the app's database has (none before the migrations ran)."""
    with app.app_context():
        return sa.inspect(db.engine).get_table_names()


def run(app: Flask, *args: str):
    """A tracker command on ``app``, as the command line runs it."""
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def members(path: Path) -> list[tuple[str, bytes]]:
    """The archive's files, in order."""
    with tarfile.open(path, "r:*") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]


def write_archive(path: Path, files: list[tuple[str, bytes]]) -> Path:
    """A gzip tar of ``files`` at ``path``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def rewritten(
    source: Path,
    out: Path,
    change: Callable[[str, bytes], bytes | None],
    manifest: Callable[[dict], None] | None = None,
) -> Path:
    """``source`` with each file passed through ``change`` (None drops it) and, with
    ``manifest``, the manifest edited in place."""
    files = []
    for name, data in members(source):
        if name == "manifest.json" and manifest is not None:
            document = json.loads(data)
            manifest(document)
            data = json.dumps(document).encode()
        changed = change(name, data)
        if changed is not None:
            files.append((name, changed))
    return write_archive(out, files)
