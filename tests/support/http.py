"""A Flask test client used as a browser uses the site: CSRF tokens read from forms, signing in
through the sign-in form, form posts that carry their token, files downloaded and closed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tests.support.accounts import PASSWORD
from tracker.db import db

JSON = {"Accept": "application/json"}  # the header of the filing page's autosave requests


def csrf_token(client, url: str = "/sign-in") -> str:
    """The CSRF token of the client's session, read from a form as a browser would."""
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the form; returns the response (302 on success)."""
    token = csrf_token(client)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def post(client, url: str, data: Mapping | None = None, **fields):
    """Post a form of ``data`` and ``fields`` with the session's CSRF token (read from the
    account page, or the sign-in page it sends an anonymous visitor to)."""
    form = dict(data or {}) | fields
    return client.post(url, data=form | {"csrf_token": csrf_token(client, "/account/")})


def client_as(app, ids: Mapping[str, int], role: str):
    """A test client signed in as the user ``ids[role]`` without the sign-in form (a sign-in
    session begun for it, its key in the cookie), or an anonymous one for
    ``role == "anonymous"``."""
    from tracker import clock
    from tracker.auth.models import User
    from tracker.auth.services import begin_session

    client = app.test_client()
    if role != "anonymous":
        with app.app_context():
            user = db.session.get(User, ids[role])
            lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
            session_key = begin_session(db.session, user, clock.now(), lifetime)
            db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = session_key
            session["_fresh"] = True
    return client


def download(client, url: str, **kwargs):
    """GET a file and close the response (send_file keeps the file open until then)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response
