"""public generation

One row counting the changes of public data (tracker.pagecache): public pages are cached per
value, so raising it in the writing transaction empties the cache for every process.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:10:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('public_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_generation'))
    )
    op.bulk_insert(table, [{'id': 1, 'value': 1, 'changed_at': datetime.now(timezone.utc)}])


def downgrade():
    op.drop_table('public_generation')
