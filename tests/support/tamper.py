"""Playing the operator who rewrites the record behind the application's back: statements run
straight in the database with the append-only triggers lifted for them (PostgreSQL: for that
transaction only, by ``session_replication_role``; SQLite: dropped and made again), as the
suite itself lifts them to empty tables (``tests.support.app.delete_all_rows``)."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.audit.append_only import create_statements, drop_statements
from tracker.db import db


def behind_the_back(*statements: str | sa.Executable, **parameters) -> None:
    """Run ``statements`` (SQL text or SQLAlchemy statements) in one transaction that no
    trigger stops (inside an app context); ``parameters`` bind SQL text."""
    with db.engine.begin() as conn:
        dialect = conn.dialect.name
        if dialect == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            for statement in drop_statements(dialect):
                conn.execute(sa.text(statement))
        for statement in statements:
            if isinstance(statement, str):
                conn.execute(sa.text(statement), parameters)
            else:
                conn.execute(statement)
        if dialect != "postgresql":
            for statement in create_statements(dialect):
                conn.execute(sa.text(statement))
