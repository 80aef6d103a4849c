"""``tracker users``: what an operator needs without a browser."""

import sys

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.auth import services as auth_services
from tracker.auth.models import Role, TokenPurpose, User
from tracker.auth.services import AccountError
from tracker.auth.tokens import issue
from tracker.db import db
from tracker.users import services


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _check_password(password: str, user: User) -> None:
    problems = auth_services.password_problems(
        password, password, user, current_app.config["PASSWORD_MIN_LENGTH"]
    )
    if problems:
        texts = {
            "too_short": f"use at least {current_app.config['PASSWORD_MIN_LENGTH']} characters",
            "too_long": "use at most 256 characters",
            "too_guessable": "too easy to guess (a common password, word or pattern)",
        }
        raise click.BadParameter("; ".join(texts[p.value] for p in problems), param_hint="password")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).filter_by(email=auth_services.normalize_email(email)))
    if user is None:
        raise click.ClickException(f"no account with the e-mail address {email}")
    return user


@click.group(help="Manage accounts from the command line.")
def users():
    pass


@users.command("create-admin")
@click.option("--email", required=True, help="The administrator's e-mail address.")
@click.option("--name", "display_name", required=True, help="The name shown in the app.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_admin(email: str, display_name: str, password_stdin: bool):
    """Create an administrator who can sign in at once (no invitation needed)."""
    email = email.strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.BadParameter(
            f"'{email}' is not an e-mail address: {exc}", param_hint="--email"
        ) from None
    if len(email) > 254:
        raise click.BadParameter("at most 254 characters", param_hint="--email")
    if not display_name.strip() or len(display_name.strip()) > 200:
        raise click.BadParameter("give a name of 1 to 200 characters", param_hint="--name")
    password = _read_password(password_stdin)
    _check_password(password, User(email=email, display_name=display_name))
    try:
        user = services.create_admin(db.session, email, display_name, password)
    except AccountError:
        raise click.ClickException(
            f"an account with the e-mail address {email} already exists"
        ) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created; sign in at /sign-in.")


@users.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def list_users(role: str | None):
    """List accounts with role, company and status."""
    query = sa.select(User).order_by(User.role, User.email)
    if role:
        query = query.where(User.role == Role(role))
    for user in db.session.scalars(query):
        status = "inactive" if not user.is_active else "active" if user.has_password else "invited"
        company = user.company.slug if user.company else "-"
        click.echo(f"{user.email:<40} {user.role.value:<8} {status:<8} {company}")


@users.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email: str):
    """Deactivate an account and end all its sessions."""
    user = _user(email)
    services.set_active(db.session, None, user, False)
    db.session.commit()
    click.echo(f"{user.email} is deactivated.")


@users.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link(email: str):
    """Print a one-time password-reset link (for when no mail server is configured)."""
    user = _user(email)
    if not user.is_active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate it first")
    ttl = current_app.config["PASSWORD_RESET_TTL"]
    secret = issue(db.session, user, TokenPurpose.PASSWORD_RESET, ttl, clock.now())
    db.session.commit()
    base = (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    click.echo(
        f"{base}/password/reset/{secret}  (valid for {int(ttl.total_seconds() // 60)} "
        "minutes, once)"
    )
