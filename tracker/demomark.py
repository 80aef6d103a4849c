"""Whether this database holds the demo's fictional data, so that no page or PDF of it can pass
for a real disclosure.

``tracker demo`` marks the database (tracker.demo.services.seed_demo, before it publishes
anything, so that the PDFs it renders carry the marker too); the mark is a row, never a guess
from company names, and nothing removes it: a database that held the demo is never taken for
a real one. Pages and PDFs ask ``demo_data()`` (a template global), read once per app process.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Model, Session, UTCDateTime, db, utcnow

# app.extensions: True or False once read (a process started before the demo was seeded into
# its database reads False until it restarts; `tracker demo` seeds and serves in one process).
CACHE = "tracker.demo_data"


class DemoMarker(Model):
    """One row: this database was seeded by ``tracker demo``."""

    __tablename__ = "demo_marker"

    id: Mapped[int] = mapped_column(primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def mark_demo(session: Session) -> None:
    """Mark the database as the demo's (once; the caller commits)."""
    if session.get(DemoMarker, 1) is None:
        session.add(DemoMarker(id=1))
        session.flush()
    if has_app_context():
        current_app.extensions[CACHE] = True


def is_demo(session: Session) -> bool:
    """Whether the database was marked as the demo's."""
    return session.get(DemoMarker, 1) is not None


def demo_data() -> bool:
    """Whether what this app shows is the demo's fictional data (read once per process)."""
    known = current_app.extensions.get(CACHE)
    if known is None:
        known = current_app.extensions[CACHE] = is_demo(db.session)
    return known


def init_app(app: Flask) -> None:
    """Give every page and PDF template ``demo_data()``."""
    app.jinja_env.globals["demo_data"] = demo_data
