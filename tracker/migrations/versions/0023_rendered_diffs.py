"""rendered diffs

The year-over-year difference of a narrative shown on its rendered text (the newer version's
sanitised HTML with <ins> and <del> marks), worked out at publication and kept per (pair of
texts, diff version, renderer version), so that company pages and their PDFs read it. Earlier
publications have none: each is worked out (bounded) and kept at the first view of its page.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rendered_diffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_sha256', sa.String(length=64), nullable=False),
    sa.Column('diff_version', sa.Integer(), nullable=False),
    sa.Column('renderer_version', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rendered_diffs')),
    sa.UniqueConstraint('pair_sha256', 'diff_version', 'renderer_version', name=op.f('uq_rendered_diffs_pair_sha256_diff_version_renderer_version'))
    )


def downgrade():
    op.drop_table('rendered_diffs')
