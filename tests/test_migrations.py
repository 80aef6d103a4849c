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
                assert {"companies", "cycles", "disclosures", "item_responses", "users",
                        "checklist_versions", "alembic_version"} <= tables
                with db.engine.connect() as conn:
                    diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
                assert diff == [], f"models and migrations differ: {diff}"
                downgrade(revision="base")
                assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
                upgrade()  # and back up again, as an upgrade after a rollback would
            finally:
                db.engine.dispose()
