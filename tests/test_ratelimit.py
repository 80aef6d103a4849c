"""The sign-in throttle under bursts: parallel attempts, each from its own client and released
together, get exactly the limit's number of password checks, in memory and in Redis alike."""

from __future__ import annotations

import secrets
import threading

import pytest
import redis
import sqlalchemy as sa

from tests.support.accounts import PASSWORD, create_accounts
from tests.support.app import delete_all_rows, make_app
from tracker.audit.models import AuditEvent
from tracker.db import db

REDIS_URL = "redis://127.0.0.1:6379/0"
WRONG = "wrong password attempt"


@pytest.fixture(params=["memory", "redis"])
def throttled_app(request, migrated_database, tmp_path):
    """The app with the test accounts, counting in memory or in the real Redis under a key
    prefix of its own (deleted afterwards). No Redis is a failure, never a skip."""
    prefix = f"tracker-test-{secrets.token_hex(4)}"
    uri = "memory://"
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).ping()
        uri = REDIS_URL
    app = make_app(
        migrated_database,
        tmp_path / "instance",
        WTF_CSRF_ENABLED=False,  # each client would otherwise fetch a form first
        RATELIMIT_STORAGE_URI=uri,
        RATELIMIT_KEY_PREFIX=prefix,
        SIGN_IN_ACCOUNT_LIMIT="5 per 15 minutes",
        SIGN_IN_ADDRESS_LIMIT="30 per hour",
    )
    with app.app_context():
        create_accounts()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            delete_all_rows()
            db.engine.dispose()
        if request.param == "redis":
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(f"*{prefix}*"))
            if keys:
                client.delete(*keys)


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every password hash checked while signing in (from any thread)."""
    import tracker.auth.services as services

    checks: list[str] = []
    real = services.check_password_hash
    monkeypatch.setattr(
        services, "check_password_hash", lambda h, p: checks.append(h) or real(h, p)
    )
    return checks


def burst(app, forms: list[dict]) -> list:
    """POST each sign-in form from its own test client, all released at once by a barrier;
    the responses in the order of ``forms``."""
    barrier = threading.Barrier(len(forms))
    responses: list = [None] * len(forms)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
            responses[i] = client.post("/sign-in", data=forms[i])
        except BaseException as exc:  # reported below: a thread's failure fails the test
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(r is not None for r in responses)
    return responses


def failed_sign_ins(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "user.sign_in_failed")
        )


def test_parallel_wrong_passwords_for_one_account_get_five_checks(throttled_app, password_checks):
    forms = [{"email": "officer_a@test.example", "password": WRONG}] * 20
    codes = [r.status_code for r in burst(throttled_app, forms)]
    assert len(password_checks) == 5
    assert sorted(codes) == [422] * 5 + [429] * 15
    assert failed_sign_ins(throttled_app) == 5
    # now paused even for the right password, which is not checked either
    paused = throttled_app.test_client().post(
        "/sign-in", data={"email": "officer_a@test.example", "password": PASSWORD}
    )
    assert paused.status_code == 429
    assert len(password_checks) == 5


def test_parallel_attempts_from_one_address_get_thirty_checks(throttled_app, password_checks):
    forms = [{"email": f"someone{i}@test.example", "password": WRONG} for i in range(40)]
    responses = burst(throttled_app, forms)
    codes = [r.status_code for r in responses]
    assert len(password_checks) == 30
    assert sorted(codes) == [422] * 30 + [429] * 10
    assert failed_sign_ins(throttled_app) == 30
    refused = next(r for r in responses if r.status_code == 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 3601
    assert "signing in is paused for 60 minutes" in refused.get_data(as_text=True)


def test_a_correct_sign_in_after_failures_clears_the_account_count(throttled_app, password_checks):
    client = throttled_app.test_client()
    wrong = {"email": "officer_a@test.example", "password": WRONG}
    right = {"email": "officer_a@test.example", "password": PASSWORD}
    assert [client.post("/sign-in", data=wrong).status_code for _ in range(4)] == [422] * 4
    assert client.post("/sign-in", data=right).status_code == 302
    other = throttled_app.test_client()  # the account has five attempts again
    assert [other.post("/sign-in", data=wrong).status_code for _ in range(5)] == [422] * 5
    assert other.post("/sign-in", data=right).status_code == 429
    assert len(password_checks) == 10


def test_the_address_counts_correct_sign_ins_too(throttled_app):
    """As documented: per address every attempt counts, so the limit must leave room for
    the sign-ins of everyone behind one address."""
    throttled_app.config["SIGN_IN_ADDRESS_LIMIT"] = "3 per hour"
    right = {"email": "staff@test.example", "password": PASSWORD}
    codes = [throttled_app.test_client().post("/sign-in", data=right).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    elsewhere = throttled_app.test_client().post(
        "/sign-in", data=right, environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert elsewhere.status_code == 302


def test_a_paused_address_takes_nothing_from_the_account(throttled_app):
    throttled_app.config["SIGN_IN_ADDRESS_LIMIT"] = "2 per hour"
    wrong = {"email": "officer_a@test.example", "password": WRONG}
    client = throttled_app.test_client()
    assert [client.post("/sign-in", data=wrong).status_code for _ in range(6)] == [422] * 2 + [
        429
    ] * 4
    # from elsewhere the account still has its three remaining attempts, then the pause
    elsewhere = throttled_app.test_client()
    codes = [
        elsewhere.post("/sign-in", data=wrong, environ_base={"REMOTE_ADDR": address}).status_code
        for address in ("10.9.8.7", "10.9.8.7", "10.9.8.8", "10.9.8.8")
    ]
    assert codes == [422, 422, 422, 429]


def test_parallel_guesses_of_the_current_password_get_five_checks(throttled_app, password_checks):
    """A borrowed session is no way around the limit: the password-change form counts its
    guesses of the current password in the same counter, before checking them."""
    signed_in = throttled_app.test_client()
    right = {"email": "staff@test.example", "password": PASSWORD}
    assert signed_in.post("/sign-in", data=right).status_code == 302
    cookie = signed_in.get_cookie("session").value
    password_checks.clear()
    new = "another long and unguessable passphrase"
    form = {"current": WRONG, "password": new, "confirm": new}
    barrier = threading.Barrier(10)
    codes: list[int] = []

    def guess() -> None:
        client = throttled_app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait(timeout=30)
        codes.append(client.post("/account/password", data=form).status_code)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(codes) == [422] * 5 + [429] * 5
    assert len(password_checks) == 5
