"""Readiness checks: can this process serve requests with everything it was configured with?

Each check returns a ``Check``: whether it passed and, when not, a short reason (the
exception's class and first line, with any password taken out). Nothing here raises: a check
that fails for an unforeseen reason fails with that reason, so /readyz always answers.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from redis import Redis
from sqlalchemy.engine import make_url

from tracker.db import db
from tracker.jobs import queues
from tracker.ratelimit import SIGN_IN_COUNTER
from tracker.resources import PACKAGE_DIR
from tracker.storage import services as storage

REASON_LENGTH = 160
# user:password@ in any URL a message may quote
_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]*@")
_HEADS = "tracker.health.heads"
_CACHE_REDIS = "tracker.health.cache_redis"


@dataclass(frozen=True)
class Check:
    """One check's result; ``detail`` says what was found (a revision, a backend)."""

    ok: bool
    error: str | None = None
    detail: str | None = None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"ok": self.ok}
        if self.detail is not None:
            body["detail"] = self.detail
        if self.error is not None:
            body["error"] = self.error
        return body


def _secrets(app: Flask) -> list[str]:
    """Passwords of the configured URLs: never repeated in a reason."""
    found = []
    for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "CACHE_REDIS_URL", "RATELIMIT_STORAGE_URI"):
        value = app.config.get(key)
        if not value:
            continue
        try:
            password = make_url(str(value)).password
        except Exception:  # noqa: S112 (a URL SQLAlchemy cannot parse has no password for it)
            continue
        if password:
            found.append(str(password))
    return found


def reason(app: Flask, error: BaseException) -> str:
    """``Class: first line`` of an exception, short, with credentials removed."""
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    lines = str(cause).strip().splitlines()
    text = f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
    text = _CREDENTIALS.sub(r"\1***@", text)
    for secret in _secrets(app):
        text = text.replace(secret, "***")
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _guard(app: Flask, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as error:
        app.logger.warning("Readiness check failed: %s", reason(app, error))
        return Check(ok=False, error=reason(app, error))


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revisions of the migrations this code carries (read once per app)."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        config = Config()
        config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        app.extensions[_HEADS] = heads
    return heads


def database_checks(app: Flask) -> dict[str, Check]:
    """``database`` (a SELECT 1) and ``migrations`` (the database's revision is the code's
    head), on one connection."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        failed = Check(ok=False, error=reason(app, error))
        app.logger.warning("Readiness: the database is unreachable: %s", failed.error)
        return {
            "database": failed,
            "migrations": Check(ok=False, error="the database is unreachable"),
        }
    heads = migration_heads(app)
    detail = ",".join(sorted(current)) or None
    if current == heads:
        migrations = Check(ok=True, detail=detail)
    elif not current:
        migrations = Check(ok=False, error="the database has no migrations applied")
    else:
        migrations = Check(
            ok=False,
            detail=detail,
            error=f"the database is at {detail}, the code's head is {','.join(sorted(heads))}",
        )
    return {"database": Check(ok=True), "migrations": migrations}


def _ping(client: Redis) -> Check:
    client.ping()
    return Check(ok=True)


def _cache_redis(app: Flask) -> Redis:
    client = app.extensions.get(_CACHE_REDIS)
    if client is None:
        client = Redis.from_url(
            app.config["CACHE_REDIS_URL"], socket_connect_timeout=5, socket_timeout=5
        )
        app.extensions[_CACHE_REDIS] = client
    return client


def _ratelimit_storage(app: Flask) -> Check:
    storage_ = app.extensions[SIGN_IN_COUNTER].storage
    if not storage_.check():
        return Check(ok=False, error="the rate-limit storage did not answer")
    return Check(ok=True)


def _writable(directory: Path) -> None:
    """Make the folder if need be (as the stores do at their first write) and write a file."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".readyz-"):
        pass


def storage_check(app: Flask, database: Check) -> Check:
    """The blob stores can keep what they are given: with ``local``, their folders are
    writable; with ``database``, the database answers and the uploads' scratch folder is
    writable. The open-data folder is written on every host, whatever the backend."""
    backend = storage.backend_name(app)
    if backend == "database" and not database.ok:
        return Check(ok=False, detail=backend, error="the database is unreachable")
    if backend == "local":
        folders = [
            (setting, Path(app.config[setting])) for setting, _ in storage.NAMESPACES.values()
        ]
    else:
        folders = [("UPLOAD_DIR", Path(app.config["UPLOAD_DIR"]) / "incoming")]
    folders.append(("OPENDATA_DIR", Path(app.config["OPENDATA_DIR"])))
    for setting, folder in folders:
        try:
            _writable(folder)
        except OSError as error:
            app.logger.warning("Readiness: %s (%s) is not writable: %s", setting, folder, error)
            return Check(ok=False, detail=backend, error=f"{setting} is not writable")
    return Check(ok=True, detail=backend)


def readiness(app: Flask) -> dict[str, Check]:
    """Every check that applies to the app's configuration, by name."""
    checks = database_checks(app)
    if queues.configured(app):
        checks["redis_jobs"] = _guard(app, lambda: _ping(queues.connection(app)))
    if app.config.get("CACHE_REDIS_URL"):
        checks["redis_cache"] = _guard(app, lambda: _ping(_cache_redis(app)))
    if not str(app.config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory"):
        checks["ratelimit"] = _guard(app, lambda: _ratelimit_storage(app))
    checks["storage"] = _guard(app, lambda: storage_check(app, checks["database"]))
    return checks
