"""publication scores and summary

Scores per commitment and overall, and a summary of statuses and structured answers, stored
with each publication when it is published, so that lists and aggregates read them instead of
decoding and scoring every snapshot. Existing publications are backfilled from their snapshots.
Frozen: the scoring is written out here (credit met 1, partially met 0.5, others 0; not
applicable leaves the denominator; weights from the checklist, 1 by default).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:20:00

"""
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CREDIT = {"met": 1.0, "partially_met": 0.5, "not_met": 0.0, "not_disclosed": 0.0}
OVERALL = ""


def _json(value):
    return json.loads(value) if isinstance(value, str) else value  # SQLite hands back text


def _score(items, statuses):
    earned = possible = 0.0
    counted = not_applicable = 0
    for item in items:
        status = statuses.get(item["id"]) or "not_disclosed"
        if status == "not_applicable":
            not_applicable += 1
            continue
        weight = float(item.get("weight", 1))
        earned += weight * CREDIT[status]
        possible += weight
        counted += 1
    percent = int(earned / possible * 100 + 0.5) if possible else None
    return {"earned": earned, "possible": possible, "counted": counted,
            "not_applicable": not_applicable, "percent": percent}


def upgrade():
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table('publication_scores',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.String(length=100), nullable=False),
    sa.Column('earned', sa.Float(), nullable=False),
    sa.Column('possible', sa.Float(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('not_applicable', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_publication_scores_publication_id_publications')),
    sa.PrimaryKeyConstraint('publication_id', 'commitment_id', name=op.f('pk_publication_scores'))
    )
    # Nullable in the schema (SQLite adds a NOT NULL column only with a default); publishing
    # always writes it.
    op.add_column('publications', sa.Column('summary', json_type, nullable=True))

    conn = op.get_bind()
    checklists = {
        row.id: _json(row.data)
        for row in conn.execute(sa.text("SELECT id, data FROM checklist_versions"))
    }
    rows = conn.execute(sa.text(
        "SELECT p.id, p.snapshot, d.checklist_version_id FROM publications p "
        "JOIN disclosures d ON d.id = p.disclosure_id"
    )).all()
    summaries = sa.table('publications', sa.column('id', sa.Integer),
                         sa.column('summary', json_type))
    scores = sa.table('publication_scores', *(sa.column(name) for name in (
        'publication_id', 'commitment_id', 'earned', 'possible', 'counted', 'not_applicable',
        'percent')))
    for publication_id, snapshot, version_id in rows:
        items = _json(snapshot)["items"]
        statuses = {entry["id"]: entry["status"] for entry in items}
        summary = {"statuses": statuses,
                   "structured": {e["id"]: e["structured"] for e in items if e["structured"]}}
        # Snapshots published after migration 0019 may hold benchmark results (met only when
        # this runs again after a downgrade): their summary names them, as publishing does.
        results = {e["id"]: e["results"] for e in items if e.get("results")}
        if results:
            summary["results"] = results
        conn.execute(summaries.update().where(summaries.c.id == publication_id)
                     .values(summary=summary))
        checklist = checklists[version_id]
        commitments = [(c["id"], c["items"]) for c in checklist["commitments"]]
        every_item = [item for _, c_items in commitments for item in c_items]
        conn.execute(scores.insert(), [
            {"publication_id": publication_id, "commitment_id": cid} | _score(c_items, statuses)
            for cid, c_items in [(OVERALL, every_item), *commitments]
        ])


def downgrade():
    with op.batch_alter_table('publications') as batch:
        batch.drop_column('summary')
    op.drop_table('publication_scores')
