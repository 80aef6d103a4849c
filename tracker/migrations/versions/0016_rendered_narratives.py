"""rendered narratives

The sanitised HTML of each narrative, rendered once per (text, renderer version) and kept, so
that pages, PDFs and exports read it instead of parsing Markdown on every view.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rendered_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('renderer_version', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rendered_narratives')),
    sa.UniqueConstraint('text_sha256', 'renderer_version', name=op.f('uq_rendered_narratives_text_sha256_renderer_version'))
    )


def downgrade():
    op.drop_table('rendered_narratives')
