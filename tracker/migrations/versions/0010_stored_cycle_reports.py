"""stored cycle reports

Aggregate PDF reports of a cycle, one per ledger head and language.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 14:24:42.458554

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_cycle_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('ledger_sequence', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_stored_cycle_reports_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_cycle_reports')),
    sa.UniqueConstraint('cycle_id', 'ledger_sequence', 'language', name=op.f('uq_stored_cycle_reports_cycle_id_ledger_sequence_language'))
    )


def downgrade():
    op.drop_table('stored_cycle_reports')
