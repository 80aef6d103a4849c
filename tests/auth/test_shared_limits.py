"""With Redis configured, failed sign-ins counted by one app process pause the others too."""

import secrets
import subprocess
import sys
import textwrap

import redis

from tests.support.app import make_app
from tests.support.http import sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_failures_in_another_process_count_here(migrated_database, accounts, tmp_path):
    redis.Redis.from_url(REDIS_URL).ping()  # the server must be there: fail, never skip
    prefix = f"tracker-test-{secrets.token_hex(4)}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    script = textwrap.dedent("""
        import sys
        from tests.support.app import make_app
        from pathlib import Path
        app = make_app(sys.argv[1], Path(sys.argv[2]), WTF_CSRF_ENABLED=False,
                       RATELIMIT_STORAGE_URI=sys.argv[3], RATELIMIT_KEY_PREFIX=sys.argv[4])
        client = app.test_client()
        codes = [client.post("/sign-in", data={"email": "officer_a@test.example",
                                               "password": "wrong password attempt"}).status_code
                 for _ in range(5)]
        print(codes)
    """)
    try:
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                migrated_database,
                str(tmp_path / "other"),
                REDIS_URL,
                prefix,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert other.stdout.strip() == "[422, 422, 422, 422, 422]"
        app = make_app(migrated_database, tmp_path / "here", **settings)
        response = sign_in(app.test_client(), "officer_a@test.example")
        assert response.status_code == 429
        # without the shared store this process would not have known
        local = make_app(migrated_database, tmp_path / "local")
        assert sign_in(local.test_client(), "officer_a@test.example").status_code == 302
        for one in (app, local):
            with one.app_context():
                from tracker.db import db

                db.engine.dispose()
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
