"""checklist hashes as RFC 8785

Checklist versions are identified by the SHA-256 of their RFC 8785 canonical JSON, the same
canonical form the ledger hashes with (it was Python's sorted-keys JSON before). For the
shipped checklists both are equal; a file with a number such as ``2.0`` gets a new hash, so the
stored hashes are recomputed here and ``tracker checklist load`` keeps recognising them.
Frozen: the hashing is written out here.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 11:45:00

"""
import hashlib
import json

import rfc8785
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _rehash(digest) -> None:
    conn = op.get_bind()
    for row_id, data in conn.execute(sa.text("SELECT id, data FROM checklist_versions")).all():
        if isinstance(data, str):  # SQLite hands JSON back as text
            data = json.loads(data)
        conn.execute(sa.text("UPDATE checklist_versions SET content_hash = :hash WHERE id = :id"),
                     {"hash": digest(data), "id": row_id})


def upgrade():
    _rehash(lambda data: hashlib.sha256(rfc8785.dumps(data)).hexdigest())


def downgrade():
    _rehash(lambda data: hashlib.sha256(json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest())
