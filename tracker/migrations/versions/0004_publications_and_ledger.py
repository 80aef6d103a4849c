"""publications and ledger

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 11:40:42.110617

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_publications_company_id_companies')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_publications_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosures.id'], name=op.f('fk_publications_disclosure_id_disclosures')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_publications_published_by_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['publications.id'], name=op.f('fk_publications_supersedes_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('company_id', 'cycle_id', 'version', name=op.f('uq_publications_company_id_cycle_id_version'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_disclosure_id'), ['disclosure_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('sequence', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.Enum('publication', 'correction', name='ledger_entry_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('company_slug', sa.String(length=80), nullable=False),
    sa.Column('cycle_slug', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.String(length=32), nullable=False),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
    sa.Column('supersedes', sa.Integer(), nullable=True),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_ledger_entries_publication_id_publications')),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_ledger_entries_entry_hash')),
    sa.UniqueConstraint('previous_hash', name=op.f('uq_ledger_entries_previous_hash')),
    sa.UniqueConstraint('publication_id', name=op.f('uq_ledger_entries_publication_id'))
    )



def downgrade():
    op.drop_table('ledger_entries')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_disclosure_id'))

    op.drop_table('publications')

