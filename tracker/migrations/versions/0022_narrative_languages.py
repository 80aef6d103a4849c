"""narrative languages

The language of each answer's narrative, as the officer chose it (NULL: detected from the text
when shown and when published), and the company's version of the narrative in the other
language. Existing answers keep NULL and no second version; their published snapshots are not
touched (readers detect the language of a snapshot without it).

Revision ID: 0022
Revises: 0023
Create Date: 2026-12-01 23:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('narrative_language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('narrative_translation', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('item_responses', schema=None) as batch_op:
        batch_op.drop_column('narrative_translation')
        batch_op.drop_column('narrative_language')
