"""Server-side sign-in sessions: signing out ends the session the cookie names (a copy of the
cookie dies with it), expiry ends it, a new session version ends all of a user's sessions, and
loading the signed-in user stays one query."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.support.accounts import PASSWORD
from tests.support.http import csrf_token, post, sign_in
from tracker import clock
from tracker.auth.models import SignInSession, User
from tracker.db import db

PROTECTED = ("/account/", "/filing/")


def signed_in_client(app, accounts, who: str = "officer_a"):
    client = app.test_client()
    assert sign_in(client, accounts.email(who)).status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def assert_anonymous(client) -> None:
    for url in PROTECTED:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next=")


def sign_out(client):
    return client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/")})


def test_a_copied_cookie_dies_with_sign_out(app, accounts):
    client = signed_in_client(app, accounts)
    thief = copy_of(app, client)
    assert thief.get("/account/").status_code == 200  # the copy works while the session lives
    assert sign_out(client).status_code == 302
    assert_anonymous(thief)
    assert_anonymous(client)
    with app.app_context():
        ended = db.session.scalars(sa.select(SignInSession.ended_at)).all()
        assert len(ended) == 1 and ended[0] is not None


def test_signing_out_leaves_other_devices_signed_in(app, accounts):
    laptop = signed_in_client(app, accounts)
    phone = signed_in_client(app, accounts)
    sign_out(laptop)
    assert_anonymous(laptop)
    assert phone.get("/account/").status_code == 200


def test_a_session_past_its_lifetime_is_refused(app, accounts, monkeypatch):
    client = signed_in_client(app, accounts)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    with app.app_context():
        signed_in_at = clock.now()
    monkeypatch.setattr(clock, "now", lambda: signed_in_at + lifetime - timedelta(minutes=1))
    assert client.get("/account/").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: signed_in_at + lifetime + timedelta(seconds=1))
    assert_anonymous(client)
    # signing in again starts a new session, and the expired one is cleared away
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    assert client.get("/account/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInSession)) == 1


def test_the_lifetime_is_the_configured_one(app, accounts, monkeypatch):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)
    client = signed_in_client(app, accounts)
    with app.app_context():
        signed_in_at = clock.now()
    monkeypatch.setattr(clock, "now", lambda: signed_in_at + timedelta(minutes=31))
    assert_anonymous(client)


def test_a_password_change_ends_the_other_sessions_only(app, accounts):
    here = signed_in_client(app, accounts)
    there = signed_in_client(app, accounts)
    stolen = copy_of(app, here)
    new = "another long and unguessable passphrase"
    response = post(here, "/account/password", current=PASSWORD, password=new, confirm=new)
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200  # goes on in a new session
    assert_anonymous(there)
    assert_anonymous(stolen)  # the cookie from before the change is dead too
    assert sign_in(app.test_client(), accounts.email("officer_a"), new).status_code == 302


def test_deactivation_ends_every_session(app, accounts):
    client = signed_in_client(app, accounts)
    with app.app_context():
        db.session.get(User, accounts.ids["officer_a"]).is_active = False
        db.session.commit()
    assert_anonymous(client)


def test_a_new_session_version_ends_every_session(app, accounts):
    client = signed_in_client(app, accounts)
    with app.app_context():
        db.session.get(User, accounts.ids["officer_a"]).session_version += 1
        db.session.commit()
    assert_anonymous(client)


def test_a_cookie_of_the_old_id_version_form_is_refused_cleanly(app, accounts):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{accounts.ids['officer_a']}:1"  # what cookies held before
        session["_fresh"] = True
    assert_anonymous(client)
    assert client.get("/sign-in").status_code == 200
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    assert client.get("/account/").status_code == 200


def test_garbage_in_the_session_is_anonymous_never_a_500(app, accounts):
    for value in ("", "x" * 5000, "1:1:1", "\x00", "１:１"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert client.get("/account/").status_code == 302, repr(value)
        assert client.get("/").status_code == 200


def test_signing_in_again_ends_the_session_the_cookie_held(app, accounts):
    client = signed_in_client(app, accounts, "staff")
    stolen = copy_of(app, client)
    # an invitation or reset link opened while signed in starts a new session in this browser
    with app.app_context():
        from tracker.auth import tokens
        from tracker.auth.models import TokenPurpose

        user = db.session.get(User, accounts.ids["officer_a"])
        secret = tokens.issue(
            db.session, user, TokenPurpose.PASSWORD_RESET, timedelta(hours=1), clock.now()
        )
        db.session.commit()
    new = "another long and unguessable passphrase"
    token = csrf_token(client, f"/password/reset/{secret}")
    response = client.post(
        f"/password/reset/{secret}", data={"password": new, "confirm": new, "csrf_token": token}
    )
    assert response.status_code == 302
    assert_anonymous(stolen)  # the staff session this browser had is over
    assert client.get("/filing/").status_code == 200  # now officer A


def test_the_cookie_holds_a_random_key_and_the_table_only_its_hash(app, accounts):
    client = signed_in_client(app, accounts)
    with client.session_transaction() as session:
        key = session["_user_id"]
    assert str(accounts.ids["officer_a"]) not in key.split(":")
    assert len(key) >= 40
    with app.app_context():
        stored = db.session.scalars(sa.select(SignInSession.key_hash)).all()
        assert len(stored) == 1 and key not in stored[0]


def test_loading_the_signed_in_user_is_still_one_query(app, accounts, count_queries):
    client = signed_in_client(app, accounts)
    client.get("/account/")
    with count_queries() as counter:
        assert client.get("/account/").status_code == 200
    # as before server-side sessions: the user (now joined to its session) and the company
    assert counter.count == 2
    assert "sign_in_sessions" in counter.statements[0]
    assert not any("sign_in_sessions" in s for s in counter.statements[1:])
