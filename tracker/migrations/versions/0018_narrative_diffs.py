"""narrative diffs

The word-level difference between two texts, worked out once per (pair of texts, diff version)
and kept, so that an answer's history and a year-over-year comparison read it instead of
comparing the texts on every view.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 17:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('narrative_diffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_sha256', sa.String(length=64), nullable=False),
    sa.Column('diff_version', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_narrative_diffs')),
    sa.UniqueConstraint('pair_sha256', 'diff_version', name=op.f('uq_narrative_diffs_pair_sha256_diff_version'))
    )


def downgrade():
    op.drop_table('narrative_diffs')
