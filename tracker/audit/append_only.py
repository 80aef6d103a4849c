"""The database itself refuses to change or delete append-only records (defence in depth: the
application never does, and ``tracker.db`` refuses it at flush time too): the audit trail
(migration 0008), and the publication record: publications, ledger entries, checkpoints and
cosignatures (migration 0017).

The statements are plain DDL per dialect, as those migrations (which hold their own frozen
copies) created them; the test suite uses these to lift and restore the triggers when it empties
tables or plays an operator who tampers with the record, and tests/test_migrations.py checks
that the copies agree. Changing the triggers needs a new migration.

On SQLite a table rebuilt by a batch migration (``batch_alter_table`` copies it into a new
table) loses its triggers: a later migration that alters one of these tables must create them
again (tests/test_migrations.py checks that every one is still refused at the head).
"""

AUDIT_TABLES = ("audit_events",)  # migration 0008
LEDGER_TABLES = (  # migration 0017
    "publications",
    "ledger_entries",
    "ledger_checkpoints",
    "ledger_cosignatures",
)
APPEND_ONLY_TABLES = AUDIT_TABLES + LEDGER_TABLES

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$
"""


def create_statements(
    dialect: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES, function: bool = True
) -> list[str]:
    """DDL that makes ``tables`` refuse UPDATE and DELETE (on PostgreSQL with the shared
    function first, unless ``function`` is False because it exists already)."""
    if dialect == "postgresql":
        return ([_POSTGRESQL_FUNCTION] if function else []) + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
            for table in tables
        ]
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            for table in tables
            for op in ("UPDATE", "DELETE")
        ]
    return []


def drop_statements(
    dialect: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES, function: bool = True
) -> list[str]:
    """DDL that lifts what ``create_statements`` made."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in tables] + (
            ["DROP FUNCTION IF EXISTS tracker_refuse_change()"] if function else []
        )
    if dialect == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}"
            for table in tables
            for op in ("UPDATE", "DELETE")
        ]
    return []
