"""manual reminders

Staff may send a reminder from the reminders page: such a row names who sent it (sent_by_id)
and has no threshold (days_before NULL, which the unique constraint on company, cycle and
threshold lets repeat). Rows of the daily run keep their threshold and no sender.

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.alter_column('days_before', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('sent_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reminders_sent_sent_by_id_users'), 'users', ['sent_by_id'], ['id']
        )


def downgrade():
    op.execute("DELETE FROM reminders_sent WHERE days_before IS NULL")
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_reminders_sent_sent_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('sent_by_id')
        batch_op.alter_column('days_before', existing_type=sa.Integer(), nullable=False)
