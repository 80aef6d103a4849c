"""Invitations and password resets: one-time, expiring links; sessions end when they should."""

from datetime import timedelta

import sqlalchemy as sa

from tests.support.accounts import PASSWORD, outbox_link
from tests.support.http import csrf_token, sign_in
from tracker.auth.models import AccountToken, User
from tracker.db import db, utcnow
from tracker.outbox.models import OutboxMessage

NEW_PASSWORD = "harbour lantern orchestra meadow"


def invite(client, accounts, email="new.officer@test.example", role="officer", company="a"):
    sign_in(client, accounts.email("staff" if role == "officer" else "admin"))
    token = csrf_token(client, "/admin/users/invite")
    return client.post(
        "/admin/users/invite",
        data={
            "email": email,
            "display_name": "New Officer",
            "role": role,
            "company": str(accounts.ids[f"company_{company}"]) if company else "",
            "csrf_token": token,
        },
    )


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    token = csrf_token(client, path)
    return client.post(
        path, data={"password": password, "confirm": confirm or password, "csrf_token": token}
    )


def test_invitation_is_mailed_in_both_languages(client, accounts, app):
    response = invite(client, accounts)
    assert response.status_code == 302
    with app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.recipient == "new.officer@test.example"
        assert "Company A" in message.body and "甲公司" in message.body
        assert "/invitations/" in message.body
        user = db.session.scalar(sa.select(User).filter_by(email="new.officer@test.example"))
        assert user.password_hash is None and user.company.slug == "company-a"


def test_accepting_an_invitation_sets_the_password_and_signs_in(client, accounts, app):
    invite(client, accounts)
    path = outbox_link(app, "new.officer@test.example", "/invitations/")
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "Welcome, New Officer" in page.get_data(as_text=True)
    response = set_password(newcomer, path)
    assert response.status_code == 302
    assert newcomer.get("/account/").status_code == 200
    # the link works once
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), "new.officer@test.example", NEW_PASSWORD).status_code == 302


def test_weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid(client, accounts, app):
    invite(client, accounts)
    path = outbox_link(app, "new.officer@test.example", "/invitations/")
    newcomer = app.test_client()
    cases = [
        ("short one", None, "Use at least 15 characters."),
        ("passwordpassword1234", None, "too easy to guess"),
        ("new officer test example", None, "too easy to guess"),  # built from the address
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are not the same."),
    ]
    for password, confirm, message in cases:
        response = set_password(newcomer, path, password, confirm)
        assert response.status_code == 422, password
        assert message in response.get_data(as_text=True), password
    assert set_password(newcomer, path).status_code == 302


def test_an_expired_invitation_no_longer_works(client, accounts, app):
    invite(client, accounts)
    path = outbox_link(app, "new.officer@test.example", "/invitations/")
    with app.app_context():
        token = db.session.scalar(sa.select(AccountToken))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 404
    token = csrf_token(newcomer, "/sign-in")
    posted = newcomer.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    assert posted.status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(User.password_hash).filter_by(email="new.officer@test.example")
            )
            is None
        )


def test_a_resent_invitation_replaces_the_old_link(client, accounts, app):
    invite(client, accounts)
    first = outbox_link(app, "new.officer@test.example", "/invitations/")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).filter_by(email="new.officer@test.example"))
    token = csrf_token(client, f"/admin/users/{user_id}")
    assert (
        client.post(
            f"/admin/users/{user_id}/resend-invitation", data={"csrf_token": token}
        ).status_code
        == 302
    )
    second = outbox_link(app, "new.officer@test.example", "/invitations/")
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_unknown_link_is_a_404(client):
    assert client.get("/invitations/not-a-real-token").status_code == 404
    assert client.get("/password/reset/" + "x" * 300).status_code == 404


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(client, accounts, app):
    answers = []
    for email in (accounts.email("officer_a"), "nobody@test.example"):
        token = csrf_token(client, "/password/forgot")
        response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
        # Redirected after the POST: reloading the page it lands on sends no second mail.
        landed = client.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                "a link to choose a new password is on its way" in landed.get_data(as_text=True),
            )
        )
    assert answers == [(303, "/password/forgot?sent=1", True)] * 2
    with app.app_context():
        recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert recipients == [accounts.email("officer_a")]


def test_password_reset_changes_the_password_and_ends_other_sessions(client, accounts, app):
    elsewhere = app.test_client()
    sign_in(elsewhere, accounts.email("officer_a"))
    assert elsewhere.get("/account/").status_code == 200
    token = csrf_token(client, "/password/forgot")
    client.post(
        "/password/forgot", data={"email": accounts.email("officer_a"), "csrf_token": token}
    )
    path = outbox_link(app, accounts.email("officer_a"), "/password/reset/")
    assert set_password(client, path).status_code == 302
    assert client.get("/account/").status_code == 200  # this browser is signed in
    assert elsewhere.get("/account/").status_code == 302  # the other session has ended
    assert sign_in(app.test_client(), accounts.email("officer_a")).status_code == 422
    assert sign_in(app.test_client(), accounts.email("officer_a"), NEW_PASSWORD).status_code == 302
    assert app.test_client().get(path).status_code == 404  # used


def test_changing_ones_password_ends_the_other_sessions_only(client, accounts, app):
    elsewhere = app.test_client()
    sign_in(elsewhere, accounts.email("staff"))
    sign_in(client, accounts.email("staff"))
    token = csrf_token(client, "/account/password")
    wrong = client.post(
        "/account/password",
        data={
            "current": "not my password",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    assert "Your current password is not right." in wrong.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_deactivation_ends_sessions_at_once_and_blocks_sign_in(client, accounts, app):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    assert officer.get("/account/").status_code == 200
    sign_in(client, accounts.email("admin"))
    user_id = accounts.ids["officer_a"]
    token = csrf_token(client, f"/admin/users/{user_id}")
    assert (
        client.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token}).status_code
        == 303
    )
    assert officer.get("/account/").status_code == 302
    assert sign_in(app.test_client(), accounts.email("officer_a")).status_code == 422
    # a deactivated user's reset request sends nothing, and an old reset link stops working
    token = csrf_token(client, f"/admin/users/{user_id}")
    client.post(f"/admin/users/{user_id}/reactivate", data={"csrf_token": token})
    assert sign_in(app.test_client(), accounts.email("officer_a")).status_code == 302


def test_reset_link_of_a_deactivated_account_does_not_work(client, accounts, app):
    token = csrf_token(client, "/password/forgot")
    client.post(
        "/password/forgot", data={"email": accounts.email("officer_b"), "csrf_token": token}
    )
    path = outbox_link(app, accounts.email("officer_b"), "/password/reset/")
    with app.app_context():
        db.session.get(User, accounts.ids["officer_b"]).is_active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_reset_requests_from_one_address_are_limited(client, accounts):
    for _ in range(10):
        token = csrf_token(client, "/password/forgot")
        assert (
            client.post(
                "/password/forgot", data={"email": "x@test.example", "csrf_token": token}
            ).status_code
            == 303
        )
    token = csrf_token(client, "/password/forgot")
    limited = client.post("/password/forgot", data={"email": "x@test.example", "csrf_token": token})
    assert limited.status_code == 429
    assert "Please wait a moment before trying again." in limited.get_data(as_text=True)
    assert "Retry-After" in limited.headers


def test_guessing_the_current_password_is_limited_like_signing_in(client, accounts):
    sign_in(client, accounts.email("staff"))
    for _ in range(5):
        token = csrf_token(client, "/account/password")
        response = client.post(
            "/account/password",
            data={
                "current": "a wrong guess",
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code == 422
    token = csrf_token(client, "/account/password")
    paused = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert paused.status_code == 429
    assert "paused for 15 minutes" in paused.get_data(as_text=True)


def test_mailed_links_use_the_configured_address_not_the_host_header(client, accounts, app):
    app.config["BASE_URL"] = "https://tracker.example.org"
    # The session cookie belongs to localhost, so a forged Host cannot carry a CSRF token; the
    # check is switched off here to reach the link-building code.
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/password/forgot",
        data={"email": accounts.email("officer_a")},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 303
    with app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body))
    assert "https://tracker.example.org/password/reset/" in body
    assert "evil.example" not in body
