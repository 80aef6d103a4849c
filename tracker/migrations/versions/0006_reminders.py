"""reminders

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 12:11:04.435622

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_reminders_sent_company_id_companies')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_reminders_sent_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('company_id', 'cycle_id', 'days_before', name=op.f('uq_reminders_sent_company_id_cycle_id_days_before'))
    )



def downgrade():
    op.drop_table('reminders_sent')

