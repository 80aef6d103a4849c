"""The upload store: files kept once per SHA-256, their type read from their content.

A file's name says nothing trustworthy about it, so the first bytes decide what it is (the
``filetype`` library reads the signatures of PDF, images and Office/OpenDocument files), and the
name's extension must agree: a program renamed to ``report.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

import filetype

from tracker.domain.refusals import Refusal
from tracker.storage.base import BlobStore
from tracker.storage.local import upload_layout

# Detected type -> (MIME type, the extensions a name of this type may have).
KNOWN_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"pdf"})),
    "png": ("image/png", frozenset({"png"})),
    "jpg": ("image/jpeg", frozenset({"jpg", "jpeg"})),
    "gif": ("image/gif", frozenset({"gif"})),
    "webp": ("image/webp", frozenset({"webp"})),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset({"docx"}),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({"xlsx"}),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        frozenset({"pptx"}),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", frozenset({"odt"})),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"})),
    "odp": ("application/vnd.oasis.opendocument.presentation", frozenset({"odp"})),
}
DEFAULT_TYPES = tuple(KNOWN_TYPES)
CHUNK = 64 * 1024


class UploadProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    NAME_MISMATCH = "name_mismatch"


class UploadRefused(Refusal):
    """The file is not stored: ``reason`` says why; ``detected`` is the type its content shows,
    ``max_size`` and ``allowed`` the limits it was held to (messages: disclosures.messages)."""

    codes = tuple(f"filing.upload_{problem.value}" for problem in UploadProblem)
    status = 422

    def __init__(
        self,
        reason: UploadProblem,
        detected: str | None = None,
        *,
        max_size: int = 0,
        allowed: tuple[str, ...] = (),
    ):
        self.reason, self.detected = reason, detected
        self.max_size, self.allowed = max_size, allowed
        super().__init__(
            f"{reason}" + (f" ({detected})" if detected else ""),
            code=f"filing.upload_{reason.value}",
        )


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    file_type: str
    content_type: str
    filename: str


def clean_filename(name: str | None) -> str:
    """A display name: no path, no control characters, at most 200 characters; Chinese stays."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "file"


def path_for(directory: Path, sha256: str) -> Path:
    """Where the local store keeps an upload (tracker.storage.local's upload layout)."""
    return upload_layout(Path(directory), sha256)


def store_upload(
    stream: BinaryIO,
    filename: str | None,
    store: BlobStore,
    max_size: int,
    allowed: tuple[str, ...],
) -> StoredFile:
    """Stream an upload into the store, or raise UploadRefused (nothing is kept then).

    The bytes go to a temporary file first (checked for size on the way, then for type), and
    only a file that passes is handed to the store (the local store renames it into place)."""
    temp = store.scratch_dir() / secrets.token_hex(16)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with temp.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_size:
                    raise UploadRefused(UploadProblem.TOO_LARGE, max_size=max_size)
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(UploadProblem.EMPTY)
        kind = filetype.guess(head)
        detected = kind.extension if kind else None
        if detected not in allowed or detected not in KNOWN_TYPES:
            raise UploadRefused(UploadProblem.TYPE_NOT_ALLOWED, detected, allowed=allowed)
        name = clean_filename(filename)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        content_type, extensions = KNOWN_TYPES[detected]
        if extension not in extensions:
            raise UploadRefused(UploadProblem.NAME_MISMATCH, detected)
        kept = store.put_file(temp)
        if kept.sha256 != digest.hexdigest():  # the file changed under us: never name it wrong
            raise RuntimeError(f"upload {temp} changed while it was stored")
        return StoredFile(kept.sha256, size, detected, content_type, name)
    finally:
        temp.unlink(missing_ok=True)
