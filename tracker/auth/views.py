"""Signing in and out, invitations, passwords, and one's own account."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from tracker import clock
from tracker.auth import mail, services, tokens
from tracker.auth import permissions as can
from tracker.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    SetPasswordForm,
    SignInForm,
)
from tracker.auth.models import TokenPurpose, User
from tracker.db import db
from tracker.domain.passwords import PasswordProblem
from tracker.errors import refusal_message
from tracker.links import external_url, safe_next
from tracker.ratelimit import SignInThrottle, limiter

bp = Blueprint("auth", __name__)

PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l(
        "Use at least %(min)d characters. A few unrelated words make a "
        "long password that is easy to remember."
    ),
    PasswordProblem.TOO_LONG: _l("Use at most 256 characters."),
    PasswordProblem.TOO_GUESSABLE: _l(
        "This password is too easy to guess: it is, or is built "
        "from, a common password, word, name or keyboard pattern."
    ),
    PasswordProblem.MISMATCH: _l("The two passwords are not the same."),
}


def landing_for(user: User) -> str:
    """Where a user starts after signing in: staff and administrators on the review queue (their
    working day is reviewing), officers on their company's filing."""
    if can.is_staff(user):
        return url_for("review.queue")
    if can.can_file(user, user.company):
        return url_for("filing.dashboard")
    return url_for("auth.account")


def start_session(user: User) -> None:
    """Sign a user in on an emptied session, so nothing planted in it before survives.

    A server-side sign-in session is begun (the caller commits) and the one the cookie held
    before, if any, is ended.
    """
    previous = session.get("_user_id")
    if previous:
        services.end_session(db.session, previous, clock.now())
    keep = {k: session[k] for k in ("_flashes",) if k in session}
    session.clear()
    session.update(keep)
    session.permanent = True
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    services.begin_session(db.session, user, clock.now(), lifetime)
    login_user(user)


def check_new_password(form: SetPasswordForm, user: User) -> bool:
    """Validate the form and the password rules; problems are attached to the fields they
    concern, so that each field is marked invalid and described by its message."""
    if not form.validate():
        return False
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    problems = services.password_problems(form.password.data, form.confirm.data, user, minimum)
    for problem in problems:
        field = form.confirm if problem is PasswordProblem.MISMATCH else form.password
        field.errors = [*field.errors, str(PASSWORD_MESSAGES[problem]) % {"min": minimum}]
    return not problems


def paused_message(wait_seconds: int) -> str:
    return _(
        "Too many sign-in attempts. For your security, signing in is paused for "
        "%(minutes)d minutes.",
        minutes=max(1, round(wait_seconds / 60)),
    )


def paused_response(form: SignInForm, wait: int):
    """The sign-in page saying that signing in is paused (429 with Retry-After)."""
    response = current_app.make_response(
        (render_template("auth/sign_in.html", form=form, error=paused_message(wait)), 429)
    )
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form = SignInForm()
    if request.method == "GET":
        return render_template("auth/sign_in.html", form=form)
    if not form.validate():
        return render_template("auth/sign_in.html", form=form), 422
    email = services.normalize_email(form.email.data)
    address = request.remote_addr or "unknown"
    throttle = SignInThrottle.from_app()
    # The attempt is counted before the password is checked, in one atomic step of the
    # counter's store: a burst in parallel gets exactly the limit's number of checks.
    wait = throttle.attempt(email, address)
    if wait is not None:
        return paused_response(form, wait)
    user = services.authenticate(db.session, email, form.password.data)
    if user is None:
        services.record_failed_sign_in(db.session, email, address)
        db.session.commit()
        # One message for an unknown address and a wrong password alike.
        error = _("That e-mail address and password do not match an active account.")
        return render_template("auth/sign_in.html", form=form, error=error), 422
    throttle.succeeded(email)
    services.record_sign_in(db.session, user, clock.now(), address)
    start_session(user)
    db.session.commit()
    return redirect(
        safe_next(request.args.get("next")) if request.args.get("next") else landing_for(user)
    )


@bp.post("/sign-out")
def sign_out():
    # The session ends on the server: its cookie, copied or kept, signs nobody in any more.
    key = session.get("_user_id")
    if key:
        services.end_session(db.session, key, clock.now())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def accept_invitation(secret: str):
    return _set_password_with_token(secret, TokenPurpose.INVITATION)


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(secret: str):
    return _set_password_with_token(secret, TokenPurpose.PASSWORD_RESET)


def _set_password_with_token(secret: str, purpose: TokenPurpose):
    token = tokens.find_valid(db.session, secret, purpose, clock.now())
    template = (
        "auth/accept_invitation.html"
        if purpose is TokenPurpose.INVITATION
        else "auth/reset_password.html"
    )
    if token is None:
        return render_template("auth/link_invalid.html", purpose=purpose.value), 404
    form = SetPasswordForm()
    if request.method == "GET":
        return render_template(template, form=form, user=token.user)
    if not check_new_password(form, token.user):
        return render_template(template, form=form, user=token.user), 422
    user = services.use_token(db.session, token, form.password.data, clock.now())
    start_session(user)  # ends the session the cookie held, whoever it was for
    db.session.commit()
    flash(
        _("Your password is set. Welcome, %(name)s.", name=user.display_name)
        if purpose is TokenPurpose.INVITATION
        else _("Your password has been changed."),
        "success",
    )
    return redirect(landing_for(user))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "GET":
        # ?sent=1: where a request lands (a reload asks for nothing again; says nothing either).
        sent = request.args.get("sent") == "1"
        return render_template("auth/forgot_password.html", form=form, sent=sent)
    if not form.validate():
        return render_template("auth/forgot_password.html", form=form), 422
    ttl = current_app.config["PASSWORD_RESET_TTL"]
    reset = services.request_password_reset(db.session, form.email.data, clock.now(), ttl)
    if reset is not None:
        link = external_url("auth.reset_password", secret=reset.secret)
        mail.queue_password_reset(db.session, reset.user, link, int(ttl.total_seconds() // 60))
    db.session.commit()
    # The same answer whether or not an account has this address.
    return redirect(url_for("auth.forgot_password", sent=1), 303)


@bp.get("/account/")
@login_required
def account():
    return render_template("auth/account.html", user=current_user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if request.method == "GET":
        return render_template("auth/change_password.html", form=form)
    user = current_user._get_current_object()
    if not check_new_password(form, user):
        return render_template("auth/change_password.html", form=form), 422
    # Wrong current passwords count like failed sign-ins: a borrowed session must not become a
    # way to guess the password without limit.
    throttle, address = SignInThrottle.from_app(), request.remote_addr or "unknown"
    wait = throttle.attempt(user.email, address)
    if wait is not None:
        form.current.errors = [paused_message(wait)]
        return render_template("auth/change_password.html", form=form), 429
    try:
        services.change_password(db.session, user, form.current.data, form.password.data)
    except services.AccountError as exc:
        form.current.errors = [refusal_message(exc)]
        return render_template("auth/change_password.html", form=form), 422
    throttle.succeeded(user.email)
    db.session.flush()  # the new session version, which the new sign-in session takes
    start_session(user)  # this browser goes on in a new session; all others end
    db.session.commit()
    flash(_("Your password has been changed. You were signed out everywhere else."), "success")
    return redirect(url_for("auth.account"))
