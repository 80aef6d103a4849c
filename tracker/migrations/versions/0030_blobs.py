"""blobs

Attachments and reports kept in the database (tracker.storage, STORAGE=database): one row per
blob of a namespace, named by its SHA-256, and its bytes in chunks of 1 MiB. With the default
STORAGE=local the tables stay empty and the instance folders are used as before.

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'blobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('namespace', sa.String(length=32), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_blobs')),
        sa.UniqueConstraint('namespace', 'sha256', name=op.f('uq_blobs_namespace_sha256')),
    )
    op.create_table(
        'blob_chunks',
        sa.Column('blob_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['blob_id'],
            ['blobs.id'],
            name=op.f('fk_blob_chunks_blob_id_blobs'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('blob_id', 'seq', name=op.f('pk_blob_chunks')),
    )


def downgrade():
    op.drop_table('blob_chunks')
    op.drop_table('blobs')
