"""/healthz and /readyz: JSON for load balancers; /readyz says 503, naming the check that
failed, when the database, the migrations, a configured Redis or the storage is not right."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.app import POSTGRES_URL, latest_revision, make_app, previous_revision
from tests.support.jobs import REDIS_URL
from tracker import pagecache
from tracker.db import db
from tracker.health import services

# Nothing listens on port 1 of this machine: connections are refused at once.
CLOSED_DATABASE = "postgresql://tracker:s3cret-db-pw@127.0.0.1:1/tracker"
CLOSED_REDIS = "redis://:s3cret-redis-pw@127.0.0.1:1/0"


def test_healthz_answers_ok_without_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert counter.count == 0


def test_readyz_passes_on_a_migrated_database(app, client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["detail"] == ",".join(sorted(services.migration_heads(app)))
    assert body["checks"]["storage"]["detail"] == "local"
    assert response.headers["Cache-Control"] == "no-store"


def test_health_pages_are_never_in_the_page_cache():
    assert not {"health.healthz", "health.readyz"} & pagecache.ENDPOINTS


def test_the_heads_are_the_latest_migration(tmp_path):
    app = make_app("sqlite://", tmp_path / "instance")
    assert services.migration_heads(app) == frozenset({latest_revision()})


def test_database_down_is_a_503_with_json_and_no_password(tmp_path):
    app = make_app(CLOSED_DATABASE, tmp_path / "instance")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # alive, though not ready
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"].startswith("OperationalError: ")
    assert body["checks"]["migrations"] == {"ok": False, "error": "the database is unreachable"}
    assert body["checks"]["storage"]["ok"] is True  # local folders do not need the database
    text = response.get_data(as_text=True)
    assert "s3cret" not in text and "Traceback" not in text


def test_a_dropped_postgresql_database_is_a_503(tmp_path):
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/tracker_test_never_created_x"
    app = make_app(missing, tmp_path / "instance", STORAGE="database")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is False
    assert "tracker_test_never_created_x" in checks["database"]["error"]
    assert checks["storage"] == {
        "ok": False,
        "detail": "database",
        "error": "the database is unreachable",
    }


def _set_revision(app, revision: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_migrations_behind_the_code_are_a_503(app, client):
    head, older = latest_revision(), previous_revision()
    _set_revision(app, older)
    try:
        response = client.get("/readyz")
    finally:
        _set_revision(app, head)
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"] == {
        "ok": False,
        "detail": older,
        "error": f"the database is at {older}, the code's head is {head}",
    }
    assert client.get("/readyz").status_code == 200  # not cached: back at head, ready again


def test_a_database_without_migrations_is_a_503(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "instance")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == {
        "ok": False,
        "error": "the database has no migrations applied",
    }


def test_job_queue_redis_unreachable_is_a_503(app, tmp_path):
    queued = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "queued", REDIS_URL=CLOSED_REDIS
    )
    response = queued.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["redis_jobs"]["ok"] is False
    assert body["checks"]["redis_jobs"]["error"].startswith("ConnectionError: ")
    assert "s3cret" not in response.get_data(as_text=True)
    with queued.app_context():
        db.engine.dispose()


def test_cache_redis_unreachable_is_a_503(app, tmp_path):
    cached = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "cached", CACHE_REDIS_URL=CLOSED_REDIS
    )
    response = cached.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["redis_cache"]["ok"] is False and "redis_jobs" not in checks
    assert "s3cret" not in response.get_data(as_text=True)
    with cached.app_context():
        db.engine.dispose()


def test_reachable_redis_and_database_storage_pass(app, tmp_path):
    configured = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "configured",
        REDIS_URL=REDIS_URL,
        CACHE_REDIS_URL=REDIS_URL,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        STORAGE="database",
    )
    response = configured.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {
        "database",
        "migrations",
        "redis_jobs",
        "redis_cache",
        "ratelimit",
        "storage",
    }
    assert body["checks"]["storage"] == {"ok": True, "detail": "database"}
    with configured.app_context():
        db.engine.dispose()


def test_unreachable_rate_limit_storage_is_a_503(app, tmp_path):
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "limited",
        RATELIMIT_STORAGE_URI=CLOSED_REDIS,
    )
    response = limited.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["ratelimit"]["ok"] is False
    assert "s3cret" not in response.get_data(as_text=True)
    with limited.app_context():
        db.engine.dispose()


def test_a_storage_folder_that_cannot_be_written_is_a_503(app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    broken = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "broken",
        REPORT_DIR=str(blocker / "reports"),
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] == {
        "ok": False,
        "detail": "local",
        "error": "REPORT_DIR is not writable",
    }
    assert str(tmp_path) not in response.get_data(as_text=True)  # paths stay in the log
    with broken.app_context():
        db.engine.dispose()


def test_reasons_lose_credentials_and_stay_short(app):
    error = RuntimeError("cannot reach redis://user:hunter2@cache.internal:6379/0 " + "x" * 500)
    text = services.reason(app, error)
    assert text.startswith("RuntimeError: cannot reach redis://***@cache.internal")
    assert "hunter2" not in text and len(text) == services.REASON_LENGTH
    configured = make_app(CLOSED_DATABASE, app.instance_path)
    assert "s3cret-db-pw" not in services.reason(configured, RuntimeError("pw s3cret-db-pw"))


def test_health_pages_are_exempt_from_rate_limits(app):
    from tracker.ratelimit import limiter

    assert {"health", "metrics"} <= set(limiter._blueprint_exemptions)
