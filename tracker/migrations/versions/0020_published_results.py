"""published results

Every benchmark result of a published version (its snapshot's items' public ``results``) as a
row of its own, stored at publication like the scores, with the columns benchmark pages select
and group by. Existing publications are backfilled from their snapshots. Frozen: the columns
are read from the snapshot here, as tracker.ledger.services.result_values did when written.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 21:30:00

"""
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

TEXT_COLUMNS = ("benchmark", "version", "configuration", "language", "metric", "subject",
                "relationship", "run_on")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value  # SQLite hands back text


def upgrade():
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table('published_results',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('benchmark', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=300), nullable=False),
    sa.Column('configuration', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=300), nullable=False),
    sa.Column('metric', sa.String(length=300), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('level', sa.String(length=300), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('relationship', sa.String(length=300), nullable=False),
    sa.Column('run_on', sa.String(length=300), nullable=False),
    sa.Column('result', json_type, nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_published_results_publication_id_publications')),
    sa.PrimaryKeyConstraint('publication_id', 'item_id', 'position', name=op.f('pk_published_results'))
    )
    op.create_index(op.f('ix_published_results_benchmark'), 'published_results', ['benchmark'], unique=False)

    conn = op.get_bind()
    table = sa.table('published_results', *(sa.column(name) for name in (
        'publication_id', 'item_id', 'position', 'value', 'level', *TEXT_COLUMNS)),
        sa.column('result', json_type))
    for publication_id, snapshot in conn.execute(
        sa.text("SELECT id, snapshot FROM publications")
    ).all():
        rows = []
        for entry in _json(snapshot)["items"]:
            for position, data in enumerate(entry.get("results") or []):
                value = data.get("value")
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                rows.append({
                    "publication_id": publication_id, "item_id": entry["id"],
                    "position": position,
                    **{name: str(data.get(name) or "") for name in TEXT_COLUMNS},
                    "value": float(value) if numeric else None,
                    "level": None if numeric or value is None else str(value),
                    "result": data,
                })
        if rows:
            conn.execute(table.insert(), rows)


def downgrade():
    op.drop_index(op.f('ix_published_results_benchmark'), table_name='published_results')
    op.drop_table('published_results')
