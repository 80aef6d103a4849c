"""append-only audit trail

The database refuses UPDATE and DELETE on audit_events (triggers on SQLite and PostgreSQL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 13:45:00

"""
from alembic import op

from tracker.audit.append_only import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
