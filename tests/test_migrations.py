"""The schema is built by migrations, and what they build matches the models."""

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


def test_the_frozen_audit_triggers_match_what_the_suite_lifts():
    """Migration 0008 keeps its own copy of the trigger DDL; the copy the test suite uses to
    empty tables must say the same."""
    import importlib.util

    from tracker.audit.append_only import create_statements, drop_statements
    from tracker.resources import PACKAGE_DIR

    path = PACKAGE_DIR / "migrations" / "versions" / "0008_append_only_audit_trail.py"
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for dialect in ("postgresql", "sqlite"):
        assert [s.strip() for s in module.UPGRADE[dialect]] == [
            s.strip() for s in create_statements(dialect)
        ]
        assert module.DOWNGRADE[dialect] == drop_statements(dialect)


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
