"""The schema is built by migrations, and what they build matches the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import empty_database, make_app
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
