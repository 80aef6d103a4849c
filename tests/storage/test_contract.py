"""The BlobStore contract, on both backends: what goes in comes out, streamed, once."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.app import make_app
from tracker.db import db
from tracker.storage.base import CHUNK_SIZE, BlobNotFound
from tracker.storage.models import BlobChunk, StoredBlob
from tracker.storage.services import REPORTS, UPLOADS, StorageSettingError, blobs


class Trickle(io.RawIOBase):
    """A stream that hands out at most ``step`` bytes a read (as a socket may)."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step, self.at = data, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.step if size < 0 else min(size, self.step)
        piece = self.data[self.at : self.at + size]
        self.at += len(piece)
        return piece


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(app, namespace: str, source) -> str:
    with app.app_context():
        blob = blobs(namespace).put(source)
        db.session.commit()
        return blob.sha256


def read(app, namespace: str, digest: str, size: int = -1) -> bytes:
    with app.app_context(), blobs(namespace).open(digest) as stored:
        return stored.read(size)


def test_bytes_go_in_and_come_out(app):
    data = b"%PDF-1.7 a small report"
    digest = put(app, REPORTS, data)
    assert digest == sha(data)
    with app.app_context():
        store = blobs(REPORTS)
        assert store.exists(digest)
        assert store.size(digest) == len(data)
    assert read(app, REPORTS, digest) == data


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17],
    ids=["empty", "one", "chunk-1", "chunk", "chunk+1", "3chunks+17"],
)
def test_large_and_empty_files_stream_across_chunk_boundaries(app, size):
    data = bytes(i * 7 % 251 for i in range(size))
    digest = put(app, UPLOADS, Trickle(data, 100_003))  # reads never line up with chunks
    assert digest == sha(data)
    with app.app_context():
        assert blobs(UPLOADS).size(digest) == size
        with blobs(UPLOADS).open(digest) as stored:
            pieces = []
            while piece := stored.read(65_537):
                pieces.append(piece)
            assert b"".join(pieces) == data
            if size > CHUNK_SIZE:  # a read across the boundary, after a seek
                stored.seek(CHUNK_SIZE - 2)
                assert stored.read(4) == data[CHUNK_SIZE - 2 : CHUNK_SIZE + 2]
                stored.seek(-5, io.SEEK_END)
                assert stored.read() == data[-5:]


def test_the_database_keeps_a_large_file_in_chunks_of_a_mebibyte(database_app):
    app = database_app
    data = b"x" * (2 * CHUNK_SIZE + 5)
    digest = put(app, REPORTS, data)
    with app.app_context():
        blob = db.session.scalar(sa.select(StoredBlob).filter_by(sha256=digest))
        sizes = db.session.scalars(
            sa.select(sa.func.length(BlobChunk.data))
            .filter_by(blob_id=blob.id)
            .order_by(BlobChunk.seq)
        ).all()
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, 5]
    assert (blob.namespace, blob.size) == ("reports", len(data))


def kept(app, namespace: str) -> int:
    """How many blobs the namespace holds (rows or files)."""
    with app.app_context():
        if app.config["STORAGE"] == "database":
            return db.session.scalar(
                sa.select(sa.func.count()).select_from(StoredBlob).filter_by(namespace=namespace)
            )
        folder = Path(app.config["UPLOAD_DIR" if namespace == UPLOADS else "REPORT_DIR"])
        return sum(1 for p in folder.rglob("*") if p.is_file() and "incoming" not in p.parts)


def test_the_same_bytes_stored_twice_are_one_blob(app):
    first = put(app, UPLOADS, b"same bytes")
    second = put(app, UPLOADS, io.BytesIO(b"same bytes"))
    assert first == second
    assert kept(app, UPLOADS) == 1
    assert read(app, UPLOADS, first) == b"same bytes"
    # Namespaces are apart: the same bytes as a report are the report store's own blob.
    assert put(app, REPORTS, b"same bytes") == first
    assert kept(app, REPORTS) == 1


def test_the_local_backend_keeps_the_folders_layout_of_before(local_app):
    app = local_app
    upload = put(app, UPLOADS, b"an upload")
    report = put(app, REPORTS, b"a report")
    assert (Path(app.config["UPLOAD_DIR"]) / upload[:2] / upload[2:4] / upload).is_file()
    assert (Path(app.config["REPORT_DIR"]) / report[:2] / f"{report}.pdf").is_file()
    # A file put there before the store existed is served as it is.
    older = b"stored by an earlier version"
    path = Path(app.config["REPORT_DIR"]) / sha(older)[:2] / f"{sha(older)}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(older)
    assert read(app, REPORTS, sha(older)) == older


def test_a_missing_blob_is_not_found_by_name(app):
    missing = sha(b"never stored")
    with app.app_context():
        store = blobs(UPLOADS)
        assert not store.exists(missing)
        with pytest.raises(BlobNotFound) as raised:
            store.open(missing)
        assert raised.value.status == 404
        assert missing in str(raised.value)
        with pytest.raises(BlobNotFound):
            store.size(missing)
        store.delete(missing)  # nothing to forget: no error


def test_a_deleted_blob_is_gone(app):
    digest = put(app, UPLOADS, b"to be forgotten")
    with app.app_context():
        blobs(UPLOADS).delete(digest)
        db.session.commit()
        assert not blobs(UPLOADS).exists(digest)


def test_a_store_lists_what_it_keeps_by_hash_and_only_its_own_namespace(app):
    with app.app_context():
        assert list(blobs(UPLOADS).list_blobs()) == []
    digests = sorted(put(app, UPLOADS, data) for data in (b"first", b"second", b""))
    report = put(app, REPORTS, b"%PDF-1.7 report")
    with app.app_context():
        listed = list(blobs(UPLOADS).list_blobs())
        assert [blob.sha256 for blob in listed] == digests
        assert {blob.sha256: blob.size for blob in listed}[sha(b"second")] == len(b"second")
        assert [blob.sha256 for blob in blobs(REPORTS).list_blobs()] == [report]


def test_a_store_lists_no_deleted_blob(app):
    digest = put(app, UPLOADS, b"to be forgotten")
    with app.app_context():
        blobs(UPLOADS).delete(digest)
        db.session.commit()
        assert list(blobs(UPLOADS).list_blobs()) == []


def test_the_local_listing_skips_temporary_and_stray_files(local_app):
    digest = put(local_app, UPLOADS, b"kept")
    with local_app.app_context():
        store = blobs(UPLOADS)
        (store.scratch_dir() / ("0" * 64)).write_bytes(b"half written")
        (store.directory / "notes.txt").write_text("an operator's file")
        misplaced = store.directory / ("1" * 64)  # a hash, but not where the layout puts it
        misplaced.write_bytes(b"stray")
        assert [blob.sha256 for blob in store.list_blobs()] == [digest]


def test_a_blob_being_written_is_not_listed(database_app):
    with database_app.app_context():
        blobs(UPLOADS).put(b"uncommitted")
        # the writer's transaction is open; the listing reads on a connection of its own
        assert list(blobs(UPLOADS).list_blobs()) == []
        db.session.rollback()


def test_a_bad_hash_is_refused_before_any_file_or_row_is_read(app):
    with app.app_context(), pytest.raises(ValueError, match="not a SHA-256"):
        blobs(UPLOADS).open("../../etc/passwd")


def test_a_rolled_back_put_leaves_nothing_in_the_database(database_app):
    # (The local backend writes its file outside the transaction, as it always did.)
    app = database_app
    with app.app_context():
        digest = blobs(UPLOADS).put(b"rolled back").sha256
        db.session.rollback()
        assert not blobs(UPLOADS).exists(digest)
    assert kept(app, UPLOADS) == 0


def test_concurrent_puts_of_the_same_bytes_keep_one_blob(app):
    data = bytes(range(256)) * 8000  # 2 MB: two chunks, so the writers overlap
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(blobs(REPORTS).put(data).sha256)
                db.session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert results == [sha(data)] * 4
    assert kept(app, REPORTS) == 1
    assert read(app, REPORTS, sha(data)) == data


def test_an_unknown_storage_setting_stops_the_app(migrated_database, tmp_path):
    with pytest.raises(StorageSettingError, match="must be local or database, not 's3'"):
        make_app(migrated_database, tmp_path / "instance", STORAGE="s3")
