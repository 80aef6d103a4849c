"""The schema is built by migrations, and what they build matches the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.support.app import empty_database, make_app
from tracker.db import db


def test_migrations_build_the_models_schema_on_an_empty_database(tmp_path):
    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade()
                tables = set(sa.inspect(db.engine).get_table_names())
                assert {
                    "companies",
                    "cycles",
                    "disclosures",
                    "item_responses",
                    "users",
                    "checklist_versions",
                    "alembic_version",
                } <= tables
                with db.engine.connect() as conn:
                    diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
                assert diff == [], f"models and migrations differ: {diff}"
                downgrade(revision="base")
                assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
                upgrade()  # and back up again, as an upgrade after a rollback would
            finally:
                db.engine.dispose()


def test_upgrading_keeps_existing_data(tmp_path):
    """Rows written under the first schema survive every later migration."""
    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade(revision="0001")
                with db.engine.begin() as conn:
                    conn.execute(
                        sa.text(
                            "INSERT INTO companies (id, slug, name_en, name_zh, is_signatory, "
                            "signatory_confirmed, created_at) VALUES (1, 'kept', 'Kept Co', "
                            "'保留公司', true, false, CURRENT_TIMESTAMP)"
                        )
                    )
                    conn.execute(
                        sa.text(
                            "INSERT INTO users (id, email, display_name, role, company_id, "
                            "is_active, created_at) VALUES (1, 'Mixed.Case@Kept.example', "
                            "'Kept Officer', 'officer', 1, true, CURRENT_TIMESTAMP)"
                        )
                    )
                upgrade()
                with db.engine.connect() as conn:
                    row = conn.execute(
                        sa.text("SELECT email, session_version, password_hash FROM users")
                    ).one()
                    company = conn.execute(sa.text("SELECT name_zh FROM companies")).scalar()
                assert tuple(row) == ("mixed.case@kept.example", 1, None)
                assert company == "保留公司"
            finally:
                db.engine.dispose()


def test_checklist_hashes_are_recomputed_as_rfc_8785(tmp_path):
    """A version stored under the old sorted-keys JSON hash is recognised after the upgrade: a
    whole number written as 2.0 is where the two canonical forms differ."""
    import hashlib
    import json

    from tracker.domain.canonical import sha256_hex

    data = {"id": "x", "version": "1", "weight": 2.0, "名": "中文"}
    old = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    assert old != sha256_hex(data)
    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade(revision="0010")
                with db.engine.begin() as conn:
                    conn.execute(
                        sa.text(
                            "INSERT INTO checklist_versions (id, checklist_key, version, "
                            "content_hash, data, source_file, loaded_at) VALUES (1, 'x', '1', "
                            ":hash, :data, 'x.yaml', CURRENT_TIMESTAMP)"
                        ),
                        {"hash": old, "data": json.dumps(data, ensure_ascii=False)},
                    )
                upgrade()
                with db.engine.connect() as conn:
                    stored = conn.execute(sa.text("SELECT content_hash FROM checklist_versions"))
                    assert stored.scalar() == sha256_hex(data)
                downgrade(revision="0010")
                with db.engine.connect() as conn:
                    stored = conn.execute(sa.text("SELECT content_hash FROM checklist_versions"))
                    assert stored.scalar() == old
            finally:
                db.engine.dispose()


def _migration(name: str):
    import importlib.util

    from tracker.resources import PACKAGE_DIR

    path = PACKAGE_DIR / "migrations" / "versions" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_append_only_triggers_match_what_the_suite_lifts():
    """Migrations 0008 (the audit trail) and 0017 (the publication record) keep their own
    copies of the trigger DDL; the copy the test suite uses to empty tables must say the same."""
    from tracker.audit.append_only import (
        AUDIT_TABLES,
        LEDGER_TABLES,
        create_statements,
        drop_statements,
    )

    audit = _migration("0008_append_only_audit_trail.py")
    ledger = _migration("0017_merkle_log_and_append_only_ledger.py")
    for dialect in ("postgresql", "sqlite"):
        assert [s.strip() for s in audit.UPGRADE[dialect]] == [
            s.strip() for s in create_statements(dialect, AUDIT_TABLES)
        ]
        assert audit.DOWNGRADE[dialect] == drop_statements(dialect, AUDIT_TABLES)
        assert ledger.TRIGGERS[dialect] == create_statements(dialect, LEDGER_TABLES, False)
        assert ledger.DROP_TRIGGERS[dialect] == drop_statements(dialect, LEDGER_TABLES, False)


def test_every_append_only_table_refuses_changes_at_the_head(tmp_path):
    """No later migration rebuilt a protected table without its triggers (SQLite's batch
    alterations drop them), and 0017 protects the publication record."""
    from tests.support.app import alliance_today
    from tracker.audit.append_only import APPEND_ONLY_TABLES
    from tracker.demo.services import seed_demo

    column = {
        "audit_events": "action",
        "publications": "version",
        "ledger_entries": "version",
        "ledger_checkpoints": "note",
        "ledger_cosignatures": "line",
    }
    assert set(column) == set(APPEND_ONLY_TABLES)
    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade()
                seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
                db.session.commit()
                with db.engine.begin() as conn:  # a row in every table, for row triggers
                    conn.execute(
                        sa.text(
                            "INSERT INTO ledger_checkpoints (size, root_hash, note, created_at) "
                            "VALUES (100000, 'r', 'n', CURRENT_TIMESTAMP)"
                        )
                    )
                    conn.execute(
                        sa.text(
                            "INSERT INTO ledger_cosignatures (checkpoint_size, witness, key_id, "
                            "line, timestamp, created_at) VALUES (100000, 'w', '00000000', 'l', "
                            "1, CURRENT_TIMESTAMP)"
                        )
                    )
                for table in APPEND_ONLY_TABLES:
                    count = f"SELECT count(*) FROM {table}"
                    with db.engine.connect() as conn:
                        before = conn.execute(sa.text(count)).scalar()
                    assert before > 0, table
                    for statement in (
                        f"UPDATE {table} SET {column[table]} = {column[table]}",
                        f"DELETE FROM {table}",
                    ):
                        with (
                            pytest.raises(sa.exc.DBAPIError, match="append-only"),
                            db.engine.begin() as conn,
                        ):
                            conn.execute(sa.text(statement))
                    with db.engine.connect() as conn:
                        assert conn.execute(sa.text(count)).scalar() == before
            finally:
                db.session.remove()
                db.engine.dispose()


def test_the_log_migration_keeps_every_entry_and_hashes_its_leaf(tmp_path):
    """0017 changes no entry of an existing ledger (the demo's, made under 0016) and stores
    each one's leaf hash exactly as the application computes it."""
    from tests.support.app import alliance_today
    from tracker.demo.services import seed_demo
    from tracker.ledger.models import LedgerEntry

    fields = (
        "sequence, kind, company_slug, cycle_slug, version, published_at, snapshot_sha256, "
        "supersedes, previous_hash, entry_hash, publication_id"
    )
    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade()
                seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
                db.session.commit()
                entries = db.session.scalars(sa.select(LedgerEntry)).all()
                leaves = {e.sequence: e.leaf_hash for e in entries}
                assert leaves == {e.sequence: e.to_entry().leaf_hash().hex() for e in entries}
                with db.engine.connect() as conn:
                    before = conn.execute(sa.text(f"SELECT {fields} FROM ledger_entries")).all()
                db.session.remove()
                downgrade(revision="0016")
                with db.engine.connect() as conn:
                    assert conn.execute(sa.text(f"SELECT {fields} FROM ledger_entries")).all() == (
                        before
                    )
                upgrade()
                with db.engine.connect() as conn:
                    assert conn.execute(sa.text(f"SELECT {fields} FROM ledger_entries")).all() == (
                        before
                    )
                    stored = dict(
                        conn.execute(
                            sa.text("SELECT sequence, leaf_hash FROM ledger_entries")
                        ).all()
                    )
                assert stored == leaves and len(stored) == 24
            finally:
                db.session.remove()
                db.engine.dispose()


def test_publication_scores_and_summaries_are_backfilled(tmp_path):
    """Migration 0014 scores the publications that were published before it, from their
    snapshots, exactly as publishing now does (tracker.ledger.services)."""
    from tests.support.app import alliance_today
    from tracker.demo.services import seed_demo
    from tracker.ledger.models import Publication, PublicationScore
    from tracker.ledger.services import score_values, summarise

    def stored(conn) -> tuple[list, dict]:
        scores = conn.execute(
            sa.select(PublicationScore.__table__).order_by(
                PublicationScore.publication_id, PublicationScore.commitment_id
            )
        ).all()
        summaries = dict(conn.execute(sa.select(Publication.id, Publication.summary)).all())
        return [tuple(row) for row in scores], summaries

    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade()
                seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
                db.session.commit()
                with db.engine.connect() as conn:
                    published = stored(conn)
                publications = db.session.scalars(sa.select(Publication)).all()
                expected = sorted(
                    (p.id, v["commitment_id"], v["earned"], v["possible"], v["counted"],
                     v["not_applicable"], v["percent"])
                    for p in publications
                    for v in score_values(p.disclosure.checklist_version.checklist, p.snapshot)
                )  # fmt: skip
                summaries = {p.id: summarise(p.snapshot) for p in publications}
                db.session.remove()
                assert len(published[0]) == 24 * 7 and sorted(published[0]) == expected
                assert published[1] == summaries
                downgrade(revision="0011")
                with db.engine.connect() as conn:
                    assert "publication_scores" not in sa.inspect(conn).get_table_names()
                upgrade()
                with db.engine.connect() as conn:
                    assert stored(conn) == published
            finally:
                db.engine.dispose()


def test_the_search_index_is_backfilled_as_publishing_builds_it(tmp_path):
    """Migration 0021 indexes the companies and current published versions there were before
    it exactly as publishing and ``tracker search reindex`` index them (its frozen copy of the
    tokenizer is the application's)."""
    from tests.support.app import alliance_today
    from tracker.demo.services import seed_demo

    index = sa.text(
        "SELECT d.kind, d.company_id, d.publication_id, d.cycle_id, d.version, d.item_id, "
        "d.commitment_id, d.position, d.status, d.language, d.text, t.term, t.field, t.hits "
        "FROM search_documents d JOIN search_terms t ON t.document_id = d.id"
    )

    def stored(conn) -> list[tuple]:
        return sorted(tuple(row) for row in conn.execute(index))

    with empty_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            try:
                upgrade()
                seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
                db.session.commit()
                db.session.remove()
                with db.engine.connect() as conn:
                    published = stored(conn)
                    superseded = conn.execute(
                        sa.text(
                            "SELECT count(*) FROM publications WHERE id IN "
                            "(SELECT supersedes_id FROM publications)"
                        )
                    ).scalar()
                assert superseded >= 1 and len({row[2] for row in published}) > 20
                downgrade(revision="0020")
                with db.engine.connect() as conn:
                    assert "search_terms" not in sa.inspect(conn).get_table_names()
                upgrade()
                with db.engine.connect() as conn:
                    assert stored(conn) == published
                    # a superseded version is not indexed
                    assert not conn.execute(
                        sa.text(
                            "SELECT count(*) FROM search_documents WHERE publication_id IN "
                            "(SELECT supersedes_id FROM publications)"
                        )
                    ).scalar()
                # and publishing after the backfill takes new ids (PostgreSQL's sequence)
                from tracker.ledger.services import reindex_search

                reindex_search(db.session)
                db.session.commit()
                db.session.remove()
                with db.engine.connect() as conn:
                    assert stored(conn) == published
            finally:
                db.session.remove()
                db.engine.dispose()
