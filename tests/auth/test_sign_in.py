"""Signing in and out: messages, sessions, cookies, the failure counter, no account enumeration."""

import pytest
import sqlalchemy as sa

from tests.support.accounts import PASSWORD
from tests.support.http import csrf_token, sign_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import db

SAME_ANSWER = "That e-mail address and password do not match an active account."


@pytest.mark.parametrize(
    ("who", "landing"),
    [("officer_a", "/filing/"), ("staff", "/review/"), ("admin", "/review/")],
)
def test_each_role_lands_on_its_page(client, accounts, who, landing):
    response = sign_in(client, accounts.email(who))
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_staff_land_on_the_queue_of_the_current_cycle_or_are_told_there_is_none(
    client, app, accounts
):
    sign_in(client, accounts.email("staff"))
    empty = client.get("/review/")
    assert empty.status_code == 200
    assert "There is no cycle yet" in empty.get_data(as_text=True)
    from tests.support.filing import create_filing_world

    create_filing_world(app, accounts)
    assert "Review queue: Test cycle" in client.get("/review/").get_data(as_text=True)


def test_a_next_page_asked_for_wins_over_the_staff_landing(client, accounts):
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/admin/audit/",
        data={"email": accounts.email("staff"), "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/audit/"


def test_email_is_matched_without_case_or_spaces(client, accounts):
    assert sign_in(client, "  Officer_A@TEST.example ").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(client, accounts):
    wrong = sign_in(client, accounts.email("officer_a"), "not the password at all")
    unknown = sign_in(client, "nobody@test.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    assert SAME_ANSWER in wrong.get_data(as_text=True)
    assert SAME_ANSWER in unknown.get_data(as_text=True)
    assert client.get("/account/").status_code == 302  # still anonymous


def test_unknown_address_costs_the_same_password_check(client, accounts, monkeypatch):
    """Both answers run exactly one scrypt check, so their timing is of the same order."""
    import tracker.auth.services as services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    sign_in(client, accounts.email("officer_a"), "not the password at all")
    sign_in(client, "nobody@test.example", "not the password at all")
    assert len(calls) == 2
    assert all(h.startswith("scrypt:") for h in calls)


def test_invited_user_without_password_cannot_sign_in(client, accounts, app):
    with app.app_context():
        db.session.get(User, accounts.ids["officer_b"]).password_hash = None
        db.session.commit()
    assert sign_in(client, accounts.email("officer_b"), "").status_code == 422
    assert sign_in(client, accounts.email("officer_b")).status_code == 422


def test_empty_form_is_a_422_with_field_errors(client, accounts):
    token = csrf_token(client)
    response = client.post("/sign-in", data={"email": "", "password": "", "csrf_token": token})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_sign_in_goes_back_to_the_page_asked_for_but_never_elsewhere(client, accounts):
    assert client.get("/admin/users/").headers["Location"].startswith("/sign-in?next=")
    token = csrf_token(client)
    data = {"email": accounts.email("staff"), "password": PASSWORD, "csrf_token": token}
    ok = client.post("/sign-in?next=/admin/users/?role=staff", data=data)
    assert ok.headers["Location"] == "/admin/users/?role=staff"
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    token = csrf_token(client)
    data["csrf_token"] = token
    evil = client.post("/sign-in?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/"


def test_sign_out_needs_a_post_with_the_token(client, accounts):
    sign_in(client, accounts.email("officer_a"))
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no CSRF token
    assert client.get("/account/").status_code == 200
    token = csrf_token(client, "/account/")
    response = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=True)
    assert "You have signed out." in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, accounts):
    response = sign_in(client, accounts.email("officer_a"))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_served_over_https(migrated_database, tmp_path, accounts):
    from tests.support.app import make_app

    app = make_app(migrated_database, tmp_path, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = sign_in(client, accounts.email("officer_a"))
    assert "Secure" in response.headers["Set-Cookie"]
    with app.app_context():
        db.engine.dispose()


def test_sign_ins_are_recorded(client, accounts, app):
    sign_in(client, accounts.email("officer_a"))
    sign_in(app.test_client(), "nobody@test.example", "wrong password here")
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        failed = db.session.scalar(sa.select(AuditEvent).filter_by(action="user.sign_in_failed"))
        assert actions == ["user.sign_in", "user.sign_in_failed"]
        assert failed.details == {"email": "nobody@test.example", "address": "127.0.0.1"}


# --- the failure counter ------------------------------------------------------------------------


def test_account_is_paused_after_five_failures_even_for_the_right_password(client, accounts):
    for _ in range(5):
        assert (
            sign_in(client, accounts.email("officer_a"), "wrong password attempt").status_code
            == 422
        )
    paused = sign_in(client, accounts.email("officer_a"))
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) > 0
    assert "signing in is paused for 15 minutes" in paused.get_data(as_text=True)
    # another account from the same address is not paused by this one
    assert sign_in(client, accounts.email("staff")).status_code == 302


def test_unknown_addresses_pause_the_same_way(client, accounts):
    for _ in range(5):
        sign_in(client, "nobody@test.example", "wrong password attempt")
    assert sign_in(client, "nobody@test.example", "wrong password attempt").status_code == 429


def test_a_successful_sign_in_clears_the_account_counter(client, accounts):
    for _ in range(4):
        sign_in(client, accounts.email("officer_a"), "wrong password attempt")
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    for _ in range(4):
        assert sign_in(client, accounts.email("officer_a"), "wrong").status_code == 422


def test_one_address_is_paused_after_many_failures_across_accounts(client, accounts, app):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "8 per hour"
    for i in range(8):
        sign_in(client, f"someone{i}@test.example", "wrong password attempt")
    assert sign_in(client, accounts.email("officer_a")).status_code == 429
    other_address = app.test_client()
    token = csrf_token(other_address)
    response = other_address.post(
        "/sign-in",
        data={"email": accounts.email("officer_a"), "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 302
