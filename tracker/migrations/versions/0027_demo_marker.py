"""demo marker

One row when the database holds the demo's fictional data (tracker.demomark): `tracker demo`
writes it, and every public page and PDF then says the data is fictional. An existing demo
database gets no row (there is no telling it from a real one by its data); running
`tracker demo` again adds it.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'demo_marker',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_marker')),
    )


def downgrade():
    op.drop_table('demo_marker')
