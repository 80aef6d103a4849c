"""cycle administration and corrections

Cycles are opened and closed by an administrator (existing cycles that have started count as
opened, those past their closing date as closed); a company's due date can be extended, with the
history kept; and the workflow gains the "reopen" action that starts a correction.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 13:25:21.878119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('edit', 'submit', 'request_changes', 'accept', 'publish')
NEW_ACTIONS = OLD_ACTIONS + ('reopen',)


def _action_check(actions):
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def _set_actions(actions):
    # The enum's CHECK constraint lists the allowed values; SQLite rebuilds the table to change it.
    with op.batch_alter_table('transitions', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_transitions_workflow_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_transitions_workflow_action'),
                                         _action_check(actions))


def upgrade():
    op.create_table('due_date_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('previous_due_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_due_date_extensions_created_by_id_users')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosures.id'], name=op.f('fk_due_date_extensions_disclosure_id_disclosures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_date_extensions'))
    )
    with op.batch_alter_table('due_date_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_date_extensions_disclosure_id'), ['disclosure_id'], unique=False)

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))

    op.execute("UPDATE cycles SET opened_at = created_at WHERE opens_on <= CURRENT_DATE")
    op.execute("UPDATE cycles SET closed_at = CURRENT_TIMESTAMP "
               "WHERE closes_on IS NOT NULL AND closes_on < CURRENT_DATE")
    _set_actions(NEW_ACTIONS)


def downgrade():
    op.execute("DELETE FROM transitions WHERE action = 'reopen'")
    _set_actions(OLD_ACTIONS)

    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_column('due_on')

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('opened_at')

    with op.batch_alter_table('due_date_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_date_extensions_disclosure_id'))

    op.drop_table('due_date_extensions')
