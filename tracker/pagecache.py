"""Public pages served from what was published: a cache keyed by the "public generation".

Everything the public reads is a function of the published record, the public roster, the
cycles and checklists, today's date in the alliance's zone (which cycle is current) and the
language. The *public generation* is a counter row that changes, in the same transaction,
whenever a row of a table public pages read is inserted, updated or deleted (session events:
ORM flushes and ``session.execute(update(...))`` statements alike). A public response is stored
whole (body, content type, headers, strong ``ETag`` = SHA-256 of the body) under (generation,
today, language, address) and served again without running the view, and conditional requests
(``If-None-Match``/``If-Modified-Since``) are answered 304.

Only anonymous requests whose session holds nothing that changes the page (no signed-in user,
no pending flash, no remember cookie) are served from or stored into the cache; a response that
set a cookie, changed the session or rendered a CSRF token is never stored.

Reading the generation costs one small query, at most every ``PUBLIC_GENERATION_INTERVAL``
seconds per process: a process that commits a change knows the new generation at once, other
processes see it within that interval (the staleness bound). Changes made outside a session's
commit (raw SQL, another program writing the database) are not seen until the next change made
through the app.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as day_time
from threading import Lock

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, ORMExecuteState, mapped_column

from tracker import clock
from tracker.db import Model, UTCDateTime, db, utcnow

# Tables public pages, API lists, CSVs and stored reports read, and for each the columns whose
# change the public never sees (an autosave touches a disclosure's ``updated_at``; a due-date
# extension its ``due_on``: neither is public, and neither should empty the cache).
WATCHED: dict[str, frozenset[str]] = {
    "companies": frozenset(),
    "cycles": frozenset(),
    "checklist_versions": frozenset(),
    "disclosures": frozenset({"updated_at", "due_on"}),  # states feed the home page's progress
    "publications": frozenset(),
    "publication_scores": frozenset(),  # scores stored at publication, where they are
    "published_results": frozenset(),  # benchmark results stored at publication
    "ledger_entries": frozenset(),
    "ledger_checkpoints": frozenset(),  # a new checkpoint, a new cosignature: new proofs
    "ledger_cosignatures": frozenset(),
    "stored_reports": frozenset(),
    "stored_cycle_reports": frozenset(),
    "search_documents": frozenset(),  # the search index, kept at publication
    "search_terms": frozenset(),
}

# Endpoints served from the cache (every public page, API document and CSV; the PDFs are files
# and have their own lookup cache in tracker.reports.views).
ENDPOINTS = frozenset(
    {
        "public.home",
        "public.cycle",
        "public.checklist",
        "public.about",
        "public.methodology",
        "opendata.data_page",  # (the CSVs and bundles are files: tracker.opendata.files)
        "companies.index",
        "companies.detail",
        "benchmarks.index",
        "benchmarks.detail",
        "compare.index",
        "ledger.index",
        "ledger.entry",
        "ledger.snapshot",
        "ledger.checkpoint",
        "ledger.checkpoint_of_size",
        "ledger.proof",
        "ledger.consistency",
        "ledger.bundle",
        "feeds.publications",
        "feeds.corrections",
        "feeds.company",
        "feeds.cycle",
        "badges.company",
        "search.index",  # keyed by the whole address: each query and filter its own page
    }
)
ENDPOINT_PREFIXES = ("api.",)
# app.extensions key: what else public pages are a function of, loaded when the app starts and
# not in the database (the benchmark registry's content hash): part of every page's key, so a
# changed file is never answered with pages of the old one.
SALTS = "tracker.pagecache_salts"

# Pages change when something is published, at no predictable time, and readers must see a
# correction at once; revalidating costs a 304 from the cache, so browsers and proxies may keep
# a copy but ask every time.
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-cache"
# Badges are images on other sites, fetched with every view of those pages (and kept by image
# proxies): they may be kept for five minutes without asking, so a correction shows within that.
BADGE_MAX_AGE = 300
CACHE_CONTROL = {"badges.company": f"public, max-age={BADGE_MAX_AGE}"}
# Headers never stored with a page: recomputed for every answer, or must not be replayed.
UNSTORED_HEADERS = frozenset({"set-cookie", "content-length", "etag", "date", "x-request-id"})

_CHANGED = "tracker.public_changed"  # session.info: this transaction changed public data
_BUMPED = "tracker.public_bumped"  # session.info: the generation this transaction wrote
_STATE = "tracker_pagecache"  # flask.g: what this request is to the cache

cache = Cache()
logger = logging.getLogger(__name__)


class PublicGeneration(Model):
    """One row: how many times public data changed, and when it last did."""

    __tablename__ = "public_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Generation:
    value: int
    changed_at: datetime

    @property
    def token(self) -> str:
        """Value and time together: a counter row deleted and made again restarts the value,
        never the time."""
        return f"{self.value}.{int(self.changed_at.timestamp() * 1_000_000)}"


NEVER = Generation(0, datetime(2000, 1, 1, tzinfo=UTC))


# --- noting changes, in the writing transaction -----------------------------------------------


def _table_of(instance: object) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)


def _changes_public_data(instance: object, dirty: bool) -> bool:
    name = _table_of(instance)
    if name not in WATCHED:
        return False
    if not dirty:
        return True
    ignored = WATCHED[name]
    state = sa.inspect(instance)
    return any(
        prop.key not in ignored and state.attrs[prop.key].history.has_changes()
        for prop in state.mapper.column_attrs
    )


@event.listens_for(sa.orm.Session, "after_flush")
def _note_flush(session: sa.orm.Session, _flush_context) -> None:
    """After a flush (the objects still show what changed): did it touch public data?"""
    if session.info.get(_CHANGED):
        return
    if any(_changes_public_data(o, dirty=False) for o in (*session.new, *session.deleted)) or any(
        _changes_public_data(o, dirty=True) for o in session.dirty
    ):
        session.info[_CHANGED] = True


def _updated_columns(statement) -> set[str] | None:
    """The names of the columns an UPDATE statement sets, or None when it cannot say (values
    given as parameter lists at execution)."""
    values = getattr(statement, "_values", None)  # Update.values() keeps them here
    if not values:
        return None
    names = {key if isinstance(key, str) else getattr(key, "key", None) for key in values}
    return None if None in names else names  # type: ignore[return-value]


@event.listens_for(sa.orm.Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement run through the session on a watched table (an
    UPDATE that sets only columns the public never sees, or the primary key to itself to take
    a row lock, does not count)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in WATCHED:
        return
    if state.is_update:
        columns = _updated_columns(state.statement)
        unseen = WATCHED[name] | {column.key for column in table.primary_key}  # type: ignore[union-attr]
        if columns is not None and columns <= unseen:
            return
    state.session.info[_CHANGED] = True


@event.listens_for(sa.orm.Session, "before_commit")
def _bump(session: sa.orm.Session) -> None:
    """Raise the generation in the committing transaction, as its last statement: every change
    is flushed first, so the counter row is always locked last and held only until the commit
    (writers never wait for each other in a different order, so they cannot deadlock on it)."""
    if session.in_nested_transaction():
        return
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    row, now = PublicGeneration, utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(row)
        .values(id=1, value=1, changed_at=now)
        .on_conflict_do_update(
            index_elements=[row.id], set_={"value": row.value + 1, "changed_at": now}
        )
        .returning(row.value, row.changed_at)
    )
    value, changed_at = session.execute(statement).one()
    session.info[_BUMPED] = Generation(value, changed_at)


@event.listens_for(sa.orm.Session, "after_commit")
def _committed(session: sa.orm.Session) -> None:
    """The writing process knows the new generation at once."""
    generation = session.info.pop(_BUMPED, None)
    if generation is not None and has_app_context() and _STATE in current_app.extensions:
        current_app.extensions[_STATE].advance(generation)


@event.listens_for(sa.orm.Session, "after_transaction_end")
def _ended(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_CHANGED, None)
        session.info.pop(_BUMPED, None)


# --- reading the generation cheaply -----------------------------------------------------------


def read_generation(connection: sa.Connection) -> Generation:
    """The generation as stored (NEVER before the first change)."""
    row = connection.execute(
        sa.select(PublicGeneration.value, PublicGeneration.changed_at).where(
            PublicGeneration.id == 1
        )
    ).first()
    return Generation(row.value, row.changed_at) if row else NEVER


class GenerationMemo:
    """The generation as this process last knew it, re-read after ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = Lock()
        self._known: Generation | None = None
        self._read_at = float("-inf")

    def current(self) -> Generation:
        with self._lock:
            if self._known is not None and time.monotonic() - self._read_at < self.interval:
                return self._known
        with db.engine.connect() as connection:
            fresh = read_generation(connection)
        with self._lock:
            self._known, self._read_at = fresh, time.monotonic()
        return fresh

    def advance(self, generation: Generation) -> None:
        """A commit of this process wrote ``generation`` (a later one wins over an earlier)."""
        with self._lock:
            if self._known is None or generation.value >= self._known.value:
                self._known, self._read_at = generation, time.monotonic()


def current_generation() -> Generation:
    """The public generation, as the current app knows it (a query at most every interval)."""
    return current_app.extensions[_STATE].current()


# --- serving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A public response as kept in the cache."""

    body: bytes
    headers: list[tuple[str, str]]  # all of them, ETag, Last-Modified and Cache-Control too


def _guarded(operation: Callable, *args) -> Stored | None:
    """A cache read or write; a cache that cannot be reached (Redis down) costs the page's
    computation, never the page."""
    try:
        return operation(*args)
    except Exception:  # whatever the backend raises: redis, pickling, timeouts
        logger.warning("public page cache unavailable", exc_info=True)
        return None


def _is_public(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint in ENDPOINTS or endpoint.startswith(ENDPOINT_PREFIXES))  # type: ignore[union-attr]


def _reader_is_anonymous_and_plain() -> bool:
    """No signed-in user, no pending flash, no remember-me cookie: the page is everybody's."""
    return not (
        "_user_id" in session
        or "_flashes" in session
        or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    )


def _key(generation: Generation) -> str:
    """The cache key of this request: generation, day, language, scheme and host (pages hold
    absolute links), path and query, its parameters sorted (read from the environment as they
    came: this runs on every public request)."""
    environ = request.environ
    query = b"&".join(sorted(request.query_string.split(b"&")))
    parts = "\n".join(
        [
            generation.token,
            *current_app.extensions.get(SALTS, ()),
            clock.today().isoformat(),
            str(get_locale()),
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST", ""),
            request.path,
            query.decode("latin-1"),
        ]
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def _last_modified(generation: Generation) -> datetime:
    """When what the page shows last changed: the last change of public data, or the start of
    the alliance's day (the current cycle and days left are read off the date)."""
    midnight = datetime.combine(clock.today(), day_time(), clock.zone()).astimezone(UTC)
    return max(generation.changed_at, midnight)


def _public_headers(response: Response, generation: Generation) -> None:
    response.headers["Cache-Control"] = CACHE_CONTROL.get(
        request.endpoint or "", PUBLIC_CACHE_CONTROL
    )
    response.last_modified = _last_modified(generation)
    response.vary.update(("Accept-Language", "Cookie"))


def _serve_stored() -> Response | None:
    """Before the view: answer from the cache when the request and the reader allow it."""
    if not current_app.config["PUBLIC_CACHE"] or not _is_public(request.endpoint):
        return None
    if request.method not in ("GET", "HEAD") or not _reader_is_anonymous_and_plain():
        g.setdefault(_STATE, "bypass")
        return None
    generation = current_generation()
    key = _key(generation)
    stored = _guarded(cache.get, key)
    if stored is None:
        g.setdefault(_STATE, (key, generation))
        return None
    g.setdefault(_STATE, "served")
    response = current_app.response_class(stored.body, status=200, headers=stored.headers)
    if "HTTP_IF_NONE_MATCH" in request.environ or "HTTP_IF_MODIFIED_SINCE" in request.environ:
        response.make_conditional(request)
    return response


def _storable(response: Response) -> bool:
    user = g.get("_login_user")
    return (
        response.status_code == 200
        and "Set-Cookie" not in response.headers
        and not session.modified
        and current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in g
        and not (user is not None and user.is_authenticated)
    )


def _store(response: Response) -> Response:
    """After the view: keep an anonymous public answer, and mark every public answer's caching."""
    state = g.get(_STATE)
    if state is None or state == "served":
        return response
    if state == "bypass" or not _storable(response):
        if response.status_code == 200:
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
    key, generation = state
    _public_headers(response, generation)
    if response.is_streamed:  # made as it goes out: never kept whole in the cache
        return response
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in UNSTORED_HEADERS]
    body = response.get_data()
    response.set_etag(hashlib.sha256(body).hexdigest())
    if len(body) <= current_app.config["PUBLIC_CACHE_MAX_BYTES"]:
        _guarded(cache.set, key, Stored(body, [*headers, ("ETag", response.headers["ETag"])]))
    response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """The page cache: Redis when ``CACHE_REDIS_URL`` is set, else one per process."""
    if app.config.get("CACHE_REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)
    app.extensions[_STATE] = GenerationMemo(float(app.config["PUBLIC_GENERATION_INTERVAL"]))
    app.before_request(_serve_stored)
    app.after_request(_store)
