"""Serving a blob as a download: ``send_file`` on the file for the local backend (conditional
requests, ranges, the server's sendfile), the same headers on a streamed body for the database
backend. A blob that is not kept is BlobNotFound: a 404 that says so, logged for the operator."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import Response, current_app, request, send_file

from tracker.storage.base import BlobNotFound, BlobStore


def send_blob(
    store: BlobStore,
    sha256: str,
    *,
    mimetype: str,
    etag: str | bool = True,
    last_modified: datetime | None = None,
    max_age: int | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
) -> Response:
    """The blob as a response (arguments as flask.send_file's). ``etag=True`` is send_file's
    own tag for a local file and the content hash for a streamed one."""
    send = partial(
        send_file,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        last_modified=last_modified,
        max_age=max_age,
    )
    try:
        path = store.local_path(sha256)
        if path is not None:
            if not path.is_file():
                raise BlobNotFound(store.namespace, sha256, store.describe(sha256))
            return send(path, conditional=conditional, etag=etag)
        size = store.size(sha256)
        body = store.open(sha256)
    except BlobNotFound as missing:
        current_app.logger.error("stored file missing: %s", missing)
        raise
    response = send(body, conditional=False, etag=etag if isinstance(etag, str) else sha256)
    response.content_length = size
    if conditional:
        response.make_conditional(  # in place: 304, 206 and 416 as send_file answers them
            request.environ, accept_ranges=True, complete_length=size
        )
    return response
