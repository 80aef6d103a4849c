"""server-side sign-in sessions

One row per signed-in browser, so that signing out ends that session on the server and an
expired one is refused (the cookie holds a random key; only its hash is stored). Cookies from
before this revision carried ``id:version`` and match no row: their holders sign in again.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 14:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_sign_in_sessions_key_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_user_id'))
    op.drop_table('sign_in_sessions')
