"""The demo's data for tests: seeded once per test process, then restored into each test.

``seed_demo`` reaches every state through the real services (filing, review, publication, the
ledger), which costs seconds of CPU; hundreds of tests (every browser journey among them) start
from its data. So the first test that asks seeds it into the run's empty database with an app of
its own, the rows are read back table by table and the tables emptied; each test then gets the
same rows inserted in one transaction, and the seeding app's log key, which signed the demo's
checkpoints. The seeding itself stays under test: tests/demo runs ``tracker demo`` for real.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tests.support.app import alliance_today, delete_all_rows, make_app
from tracker.db import db
from tracker.demo.services import DemoSummary, seed_demo
from tracker.demomark import CACHE as DEMO_MARK_CACHE
from tracker.ledger import keys


@dataclass(frozen=True)
class DemoSnapshot:
    """What ``seed_demo`` left: its summary, every table's rows and the key that signed."""

    summary: DemoSummary
    # by table name, as the driver reads them: SQLite's rows, or PostgreSQL's COPY text (one
    # COPY per table is many times faster than inserting the 100,000 rows of the search index)
    rows: dict[str, list[tuple] | bytes]
    ledger_key: str  # the seeding app's log key, in its file's format


def take_demo_snapshot(database_url: str, instance_path: Path) -> DemoSnapshot:
    """Seed the demo into the (empty) database at ``database_url``, read every row back, and
    leave the database empty again."""
    app = make_app(database_url, instance_path)
    with app.app_context():
        summary = seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
        db.session.commit()
        with db.engine.connect() as conn:
            rows = {table.name: _read_table(conn, table) for table in db.metadata.sorted_tables}
        db.session.remove()
        delete_all_rows()
        db.engine.dispose()
    return DemoSnapshot(summary, rows, keys.key_path(app).read_text())


def restore_demo(app: Flask, snapshot: DemoSnapshot) -> DemoSummary:
    """Put the demo's rows into ``app``'s empty database and give the app the key that signed
    them; returns a copy of the seeding's summary."""
    keys.key_path(app).write_text(snapshot.ledger_key)
    keys.init_app(app)
    with app.app_context():
        with db.engine.begin() as conn:
            postgresql = conn.dialect.name == "postgresql"
            if postgresql:
                # rows go in as they were: no trigger or foreign-key check fires on them
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in db.metadata.sorted_tables:
                _write_table(conn, table, snapshot.rows[table.name])
            if postgresql:
                _advance_sequences(conn)
        db.engine.dispose()
    app.extensions.pop(DEMO_MARK_CACHE, None)  # read from the database, as a server would
    return copy.deepcopy(snapshot.summary)


def _read_table(conn: sa.Connection, table: sa.Table) -> list[tuple] | bytes:
    """The table's rows as the driver stores them (no type conversion either way)."""
    cursor = conn.connection.driver_connection.cursor()
    if conn.dialect.name == "postgresql":
        with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
            return b"".join(bytes(block) for block in copy)
    return cursor.execute(f'SELECT * FROM "{table.name}"').fetchall()


def _write_table(conn: sa.Connection, table: sa.Table, rows: list[tuple] | bytes) -> None:
    if not rows:
        return
    cursor = conn.connection.driver_connection.cursor()
    if isinstance(rows, bytes):
        with cursor.copy(f'COPY "{table.name}" FROM STDIN') as copy:
            copy.write(rows)
    else:
        marks = ", ".join("?" * len(rows[0]))
        cursor.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', rows)


def _advance_sequences(conn: sa.Connection) -> None:
    """Set every serial key's sequence past the largest key inserted with an explicit value."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and isinstance(column.type, sa.Integer)
            ):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f'coalesce(max("{column.name}"), 0) + 1, false) FROM "{table.name}"'
                    ),
                    {"table": table.name, "column": column.name},
                )
