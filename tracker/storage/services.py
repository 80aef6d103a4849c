"""The app's blob stores, one per namespace, of the backend the ``STORAGE`` setting names.

``local`` (the default) keeps files in the instance folders as they always were (UPLOAD_DIR,
REPORT_DIR); ``database`` keeps them in the database, so that every app process sharing that
database serves what any of them stored, whatever its instance folder.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from tracker.db import db
from tracker.storage.base import BlobStore
from tracker.storage.database import DatabaseStore
from tracker.storage.local import LocalStore, report_layout, upload_layout

BACKENDS = ("local", "database")
UPLOADS, REPORTS = "uploads", "reports"
# Namespace -> (the setting naming its local folder, that folder's layout).
NAMESPACES = {UPLOADS: ("UPLOAD_DIR", upload_layout), REPORTS: ("REPORT_DIR", report_layout)}
EXTENSION = "tracker.storage"


class StorageSettingError(ValueError):
    """STORAGE names no backend."""


def backend_name(app: Flask) -> str:
    """The STORAGE setting, checked: StorageSettingError for anything but a known backend."""
    name = app.config.get("STORAGE", "local")
    if name not in BACKENDS:
        raise StorageSettingError(
            f"STORAGE (TRACKER_STORAGE) must be local or database, not {name!r}"
        )
    return name


def make_stores(app: Flask) -> dict[str, BlobStore]:
    """A store per namespace for the app's backend."""
    backend = backend_name(app)
    stores: dict[str, BlobStore] = {}
    for namespace, (setting, layout) in NAMESPACES.items():
        if backend == "local":
            stores[namespace] = LocalStore(namespace, Path(app.config[setting]), layout)
        else:
            # Uploads are checked (type, size) in a temporary file on this host before they
            # are kept: where the local store writes its own.
            scratch = Path(app.config["UPLOAD_DIR"]) / "incoming"
            stores[namespace] = DatabaseStore(
                namespace, lambda: db.session, lambda: db.engine, scratch
            )
    return stores


def init_app(app: Flask) -> None:
    """Set up the stores; a bad STORAGE stops the app at start-up."""
    app.extensions[EXTENSION] = make_stores(app)


def blobs(namespace: str, app: Flask | None = None) -> BlobStore:
    """The app's store of ``namespace`` (``uploads`` or ``reports``)."""
    return (app or current_app).extensions[EXTENSION][namespace]
