"""The witness's HTTP endpoints as a small WSGI app, served by the standard library.

- ``POST /add-checkpoint``: :func:`tracker.witness.services.add_checkpoint`;
- ``GET /<hex SHA-256 of the origin>/checkpoint``: the latest checkpoint this witness
  cosigned for that log (its log signatures and this witness's cosignature), or 404.
"""

from __future__ import annotations

import hashlib
import socketserver
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tracker.domain.tlog import Signer
from tracker.verify import Verifier
from tracker.witness.services import TEXT_TYPE, Answer, add_checkpoint
from tracker.witness.store import Store

MAX_BODY = 64 * 1024  # an add-checkpoint body is a few kilobytes at most

Environ = dict[str, Any]
StartResponse = Callable[..., Any]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    413: "Content Too Large",
    422: "Unprocessable Entity",
}


class WitnessApp:
    """The WSGI application; one SQLite connection per thread."""

    def __init__(self, state: Path, signer: Signer, logs: Mapping[str, Sequence[Verifier]]):
        self.state, self.signer, self.logs = state, signer, logs
        self._local = threading.local()
        self._by_hash = {hashlib.sha256(origin.encode()).hexdigest(): origin for origin in logs}
        Store(state).close()  # create the schema before the first request

    def _store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.state)
        return store

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        answer, headers = self._answer(environ)
        body = answer.body
        start_response(
            f"{answer.status} {_REASONS.get(answer.status, '')}".strip(),
            [("Content-Type", answer.content_type), ("Content-Length", str(len(body))), *headers],
        )
        return [body]

    def _answer(self, environ: Environ) -> tuple[Answer, list[tuple[str, str]]]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/add-checkpoint":
            if method != "POST":
                return Answer(405, b"use POST\n"), [("Allow", "POST")]
            body = _read_body(environ)
            if isinstance(body, Answer):
                return body, []
            return add_checkpoint(body, self.logs, self.signer, self._store()), []
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[1] == "checkpoint" and parts[0] in self._by_hash:
            if method not in ("GET", "HEAD"):
                return Answer(405, b"use GET\n"), [("Allow", "GET, HEAD")]
            latest = self._store().latest(self._by_hash[parts[0]])
            if latest is not None:
                return Answer(200, latest.note, TEXT_TYPE), [("Cache-Control", "max-age=60")]
        return Answer(404, b"not found\n"), []


def _read_body(environ: Environ) -> bytes | Answer:
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():
        return Answer(411, b"a Content-Length is required\n")
    if int(length) > MAX_BODY:
        return Answer(413, b"the request is too large\n")
    return bytes(environ["wsgi.input"].read(int(length)))


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


def make_witness_server(app: WitnessApp, host: str, port: int) -> WSGIServer:
    """An HTTP server for ``app`` bound to host:port (port 0: any free port)."""
    return make_server(
        host, port, app, server_class=_ThreadingServer, handler_class=WSGIRequestHandler
    )
