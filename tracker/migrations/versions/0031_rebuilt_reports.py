"""rebuilt reports

A stored report whose file is gone or damaged is rendered again (`tracker reports rebuild`) and
stored as a new row beside the old one: ``generation`` counts the rows of one report (1 for the
first), the current one being the highest, and ``rebuilt_because`` says why a row was made
(``missing`` or ``damaged``; NULL for the first rendering). The unique constraints take the
generation in, so that only one row of each generation exists (two rebuilds at once: one wins).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

TABLES = {
    'stored_reports': ('publication_id', 'language'),
    'stored_cycle_reports': ('cycle_id', 'ledger_sequence', 'language'),
}
# The convention's name of the cycle reports' new constraint would pass PostgreSQL's 63 characters.
NAMES = {
    ('stored_cycle_reports', 'cycle_id', 'ledger_sequence', 'language', 'generation'):
        'uq_stored_cycle_reports_cycle_ledger_language_generation',
}


def _name(table: str, columns: tuple[str, ...]) -> str:
    return NAMES.get((table, *columns), f"uq_{table}_{'_'.join(columns)}")


def upgrade():
    for table, key in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('generation', sa.Integer(), nullable=False, server_default='1')
            )
            batch_op.add_column(sa.Column('rebuilt_because', sa.String(length=16), nullable=True))
            batch_op.drop_constraint(_name(table, key), type_='unique')
            batch_op.create_unique_constraint(
                _name(table, (*key, 'generation')), [*key, 'generation']
            )


def downgrade():
    for table, key in TABLES.items():
        # Only the current row of each report can stay under the old constraint.
        columns = ' AND '.join(f'later.{c} = {table}.{c}' for c in key)
        op.execute(
            f'DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} later '  # noqa: S608
            f'WHERE {columns} AND later.generation > {table}.generation)'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(_name(table, (*key, 'generation')), type_='unique')
            batch_op.create_unique_constraint(_name(table, key), list(key))
            batch_op.drop_column('rebuilt_because')
            batch_op.drop_column('generation')
