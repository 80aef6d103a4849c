"""benchmark results

An answer's benchmark results (tracker.domain.results), for items that take them: a JSON list,
empty for every answer filed so far.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'benchmark_results',
                sa.JSON().with_variant(JSONB(), 'postgresql'),
                server_default=sa.text("'[]'"),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.drop_column('benchmark_results')
