"""Open-data downloads kept as files: made once per public generation, then served like
static files.

A cycle's CSV grows with the roster (389 kB at 22 signatories, tens of MB at thousands), so it
cannot be kept in the page cache, and making it takes seconds. The first reader after a change
of public data gets it streamed as it is made, and the stream is written to a file on the way;
every later reader of that generation gets the file (``send_file``: conditional, ranges, the
server's sendfile). A reader who stops half-way leaves nothing behind.

A cycle's bundle (a zip, tracker.opendata.bundle) cannot be streamed as it is made (its sums and
data package come last, and a zip's directory too): the first reader of a generation waits while
it is written to a file (``make``; a second or so at the demo's size), then gets the file, as
every later reader does.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

# Files of earlier generations kept beside the newest: a download that began on one of them
# keeps its open file anyway (POSIX), this only bounds the directory.
KEEP_EARLIER = 1


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class DownloadFiles:
    """The files of one directory, named ``<name digest>.<generation digest>.<suffix>``:
    whatever a name holds (it may come from an address), the file name is short and plain."""

    def __init__(self, directory: Path, suffix: str = "csv") -> None:
        self.directory = directory
        self.suffix = suffix

    def path(self, name: str, generation: str) -> Path:
        """Where the download ``name`` of ``generation`` is (or will be) kept."""
        return self.directory / f"{_digest(name)}.{_digest(generation)}.{self.suffix}"

    def existing(self, name: str, generation: str) -> Path | None:
        """The complete file of ``generation``, if one was made."""
        path = self.path(name, generation)
        return path if path.is_file() else None

    def tee(self, name: str, generation: str, chunks: Iterable[bytes | str]) -> Iterator[bytes]:
        """Pass ``chunks`` through as bytes and keep them as the generation's file once whole."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path(name, generation)
        handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=self.directory)
        complete = False
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    data = chunk.encode() if isinstance(chunk, str) else chunk
                    out.write(data)
                    yield data
            os.replace(temporary, target)  # atomic: a reader sees no file or a whole one
            complete = True
            self._prune(name, keep=target)
        finally:
            if not complete:
                Path(temporary).unlink(missing_ok=True)

    def make(self, name: str, generation: str, write: Callable[[IO[bytes]], None]) -> Path:
        """Make the generation's file with ``write`` (into a file of its own, then renamed into
        place: a reader sees no file or a whole one) and return its path. Two readers making the
        same file at once each write their own; the last rename wins, with the same bytes."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path(name, generation)
        handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=self.directory)
        try:
            with os.fdopen(handle, "w+b") as out:
                write(out)
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        self._prune(name, keep=target)
        return target

    def _prune(self, name: str, keep: Path) -> None:
        earlier = sorted(
            (p for p in self.directory.glob(f"{_digest(name)}.*.{self.suffix}") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for path in earlier[KEEP_EARLIER:]:
            path.unlink(missing_ok=True)
