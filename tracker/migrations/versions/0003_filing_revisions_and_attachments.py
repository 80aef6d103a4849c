"""filing: revisions and attachments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:02:12.159528

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_type', sa.String(length=20), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosures.id'], name=op.f('fk_attachments_disclosure_id_disclosures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_attachments_removed_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_disclosure_id_item_id', ['disclosure_id', 'item_id'], unique=False)

    op.create_table('response_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_response_revisions_changed_by_id_users')),
    sa.ForeignKeyConstraint(['response_id'], ['item_responses.id'], name=op.f('fk_response_revisions_response_id_item_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_revisions')),
    sa.UniqueConstraint('response_id', 'version', name=op.f('uq_response_revisions_response_id_version'))
    )
    with op.batch_alter_table('response_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_revisions_response_id'), ['response_id'], unique=False)

    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_over', sa.Boolean(), server_default=sa.false(), nullable=False))




def downgrade():
    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.drop_column('carried_over')

    with op.batch_alter_table('response_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_revisions_response_id'))

    op.drop_table('response_revisions')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_disclosure_id_item_id')

    op.drop_table('attachments')

