"""Flask-Login wiring: the cookie carries the random key of a server-side sign-in session
(auth.models.SignInSession), so signing out, expiry and a new session version end it."""

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from tracker import clock
from tracker.auth import permissions, services
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.db import db

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    return services.load_session_user(db.session, session_key, clock.now())


def viewer() -> User | None:
    """The signed-in user, or None for an anonymous reader (what the permission predicates take)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def signed_in() -> User:
    """The signed-in user, for views behind @login_required (which sends anybody else to sign in
    first) that act as that user; anybody else is refused like a failed permission check."""
    user = viewer()
    if user is None:
        abort(403)
    return user


def officer_company() -> Company:
    """The signed-in officer's company; anybody else may not file (403)."""
    me = signed_in()
    require(permissions.can_file(me, me.company))
    assert me.company is not None  # an officer always has one (a database constraint)
    return me.company


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals.update(viewer=viewer, can=permissions)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless a permission predicate allowed it."""
    if not allowed:
        abort(403)
