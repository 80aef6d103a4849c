"""The database itself refuses to change or delete audit events (defence in depth: the
application never does, and ``tracker.db`` refuses it at flush time too).

The statements are plain DDL per dialect, as migration 0008 (which holds its own frozen copy)
created them; the test suite uses these to lift and restore the triggers when it empties tables
between tests, and tests/test_migrations.py checks that both copies agree. Changing the
triggers needs a new migration.
"""

APPEND_ONLY_TABLES = ("audit_events",)

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$
"""


def create_statements(dialect: str) -> list[str]:
    """DDL that makes every append-only table refuse UPDATE and DELETE."""
    if dialect == "postgresql":
        return [_POSTGRESQL_FUNCTION] + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
            for table in APPEND_ONLY_TABLES
        ]
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            for table in APPEND_ONLY_TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in APPEND_ONLY_TABLES
        ] + ["DROP FUNCTION IF EXISTS tracker_refuse_change()"]
    if dialect == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}"
            for table in APPEND_ONLY_TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []
