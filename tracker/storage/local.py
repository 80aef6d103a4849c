"""The local backend: each namespace in its instance folder, laid out as it always was.

Uploads are ``UPLOAD_DIR/ab/cd/abcd…`` and reports ``REPORT_DIR/ab/abcd….pdf``, so folders made
before this module existed keep working as they are. A blob is written to ``incoming/`` in its
folder and renamed into place: a reader sees no file or the whole file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from tracker.storage.base import (
    SHA256,
    Blob,
    BlobNotFound,
    check_sha256,
    chunks_of,
    new_digest,
)


def upload_layout(directory: Path, sha256: str) -> Path:
    """``ab/cd/abcd…``: the upload folder's layout."""
    return directory / sha256[:2] / sha256[2:4] / sha256


def report_layout(directory: Path, sha256: str) -> Path:
    """``ab/abcd….pdf``: the report folder's layout."""
    return directory / sha256[:2] / f"{sha256}.pdf"


class LocalStore:
    """A namespace kept as files under ``directory``."""

    def __init__(
        self, namespace: str, directory: Path, layout: Callable[[Path, str], Path]
    ) -> None:
        self.namespace = namespace
        self.directory = Path(directory)
        self._layout = layout

    def path(self, sha256: str) -> Path:
        """Where the blob's file is (or would be)."""
        return self._layout(self.directory, check_sha256(sha256))

    def scratch_dir(self) -> Path:
        incoming = self.directory / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        return incoming

    def put(self, source: BinaryIO | bytes) -> Blob:
        temp = self.scratch_dir() / secrets.token_hex(16)
        try:
            with temp.open("wb") as out:
                for chunk in chunks_of(source):
                    out.write(chunk)
            return self.put_file(temp)
        finally:
            temp.unlink(missing_ok=True)

    def put_file(self, path: Path) -> Blob:
        digest, size = new_digest(), 0
        with Path(path).open("rb") as data:
            for chunk in chunks_of(data):
                digest.update(chunk)
                size += len(chunk)
        final = self.path(digest.hexdigest())
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            Path(path).unlink()  # the same bytes are kept already
        else:
            os.replace(path, final)  # atomic; two writers of the same bytes: either wins
        return Blob(digest.hexdigest(), size)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFound(self.namespace, sha256, self.describe(sha256)) from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(self.namespace, sha256, self.describe(sha256)) from None

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def describe(self, sha256: str) -> str:
        return str(self.path(sha256))

    def local_path(self, sha256: str) -> Path | None:
        return self.path(sha256)

    def list_blobs(self) -> Iterator[Blob]:
        # A file is a blob when its name is a hash and it sits where the layout puts that hash:
        # temporary files in incoming/ and anything else an operator left in the folder are not.
        if not self.directory.is_dir():
            return
        found = []
        for path in self.directory.rglob("*"):
            sha256 = path.name.split(".", 1)[0]
            if SHA256.fullmatch(sha256) and path.is_file() and self.path(sha256) == path:
                found.append(sha256)
        for sha256 in sorted(found):
            yield Blob(sha256, self.path(sha256).stat().st_size)
