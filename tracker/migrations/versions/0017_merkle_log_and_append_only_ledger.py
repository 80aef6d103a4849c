"""merkle log and append-only ledger

The ledger becomes a Merkle log: report entries (the PDF of a published version: ``renders``,
``language``, ``document_sha256``; no publication of their own), each entry's leaf hash
(backfilled here), the signed checkpoints, the witnesses' cosignatures and the state of
delivery to each witness. The database refuses UPDATE and DELETE on publications, ledger
entries, checkpoints and cosignatures (triggers on SQLite and PostgreSQL, created last, after
the batch alterations that rebuild tables on SQLite and would drop them).

No entry changes: the leaf hash is computed from the stored fields, and the first checkpoint is
signed by the application (``tracker ledger checkpoint``, or the next append), which has the
log's key. Frozen: the leaf hashing and the trigger DDL are written out here.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:00:00

"""
import hashlib

import rfc8785
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TABLES = ("publications", "ledger_entries", "ledger_checkpoints", "ledger_cosignatures")

TRIGGERS = {
    # The function tracker_refuse_change() was created by migration 0008.
    "postgresql": [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        for table in TABLES
    ],
    "sqlite": [
        f"CREATE TRIGGER {table}_no_{op_.lower()} BEFORE {op_} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op_} refused'); END"
        for table in TABLES
        for op_ in ("UPDATE", "DELETE")
    ],
}

DROP_TRIGGERS = {
    "postgresql": [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES],
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {table}_no_{op_.lower()}"
        for table in TABLES
        for op_ in ("UPDATE", "DELETE")
    ],
}

OLD_KINDS = sa.Enum('publication', 'correction', name='ledger_entry_kind', native_enum=False,
                    create_constraint=True, length=32)
NEW_KINDS = sa.Enum('publication', 'correction', 'report', name='ledger_entry_kind',
                    native_enum=False, create_constraint=True, length=32)


def _leaf_hash(row) -> str:
    """SHA-256(0x00 || canonical JSON of every field) of an entry made before report entries
    (which have no renders, language or document_sha256: those are not hashed)."""
    data = rfc8785.dumps({
        "sequence": row.sequence, "kind": row.kind, "company": row.company_slug,
        "cycle": row.cycle_slug, "version": row.version, "published_at": row.published_at,
        "snapshot_sha256": row.snapshot_sha256, "supersedes": row.supersedes,
        "previous_hash": row.previous_hash, "entry_hash": row.entry_hash,
    })
    return hashlib.sha256(b"\x00" + data).hexdigest()


def upgrade():
    op.create_table('ledger_checkpoints',
    sa.Column('size', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('size', name=op.f('pk_ledger_checkpoints'))
    )
    op.create_table('ledger_cosignatures',
    sa.Column('checkpoint_size', sa.BigInteger(), nullable=False),
    sa.Column('witness', sa.String(length=255), nullable=False),
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('line', sa.Text(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_size'], ['ledger_checkpoints.size'], name=op.f('fk_ledger_cosignatures_checkpoint_size_ledger_checkpoints')),
    sa.PrimaryKeyConstraint('checkpoint_size', 'witness', 'key_id', name=op.f('pk_ledger_cosignatures'))
    )
    op.create_table('ledger_witness_state',
    sa.Column('witness', sa.String(length=255), nullable=False),
    sa.Column('cosigned_size', sa.BigInteger(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('witness', name=op.f('pk_ledger_witness_state'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renders', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('document_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('leaf_hash', sa.String(length=64), nullable=True))
        batch_op.alter_column('publication_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('kind', existing_type=OLD_KINDS, type_=NEW_KINDS,
                              existing_nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_renders_ledger_entries'),
                                    'ledger_entries', ['renders'], ['sequence'])
    conn = op.get_bind()
    entries = sa.table('ledger_entries', sa.column('sequence'), sa.column('leaf_hash'))
    rows = conn.execute(sa.text(
        "SELECT sequence, kind, company_slug, cycle_slug, version, published_at, "
        "snapshot_sha256, supersedes, previous_hash, entry_hash FROM ledger_entries"
    )).all()
    for row in rows:
        conn.execute(entries.update().where(entries.c.sequence == row.sequence)
                     .values(leaf_hash=_leaf_hash(row)))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('leaf_hash', existing_type=sa.String(length=64), nullable=False)
    for statement in TRIGGERS.get(conn.dialect.name, []):
        op.execute(statement)


def downgrade():
    conn = op.get_bind()
    for statement in DROP_TRIGGERS.get(conn.dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_renders_ledger_entries'),
                                 type_='foreignkey')
        batch_op.alter_column('kind', existing_type=NEW_KINDS, type_=OLD_KINDS,
                              existing_nullable=False)
        batch_op.alter_column('publication_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('leaf_hash')
        batch_op.drop_column('document_sha256')
        batch_op.drop_column('language')
        batch_op.drop_column('renders')
    op.drop_table('ledger_witness_state')
    op.drop_table('ledger_cosignatures')
    op.drop_table('ledger_checkpoints')
