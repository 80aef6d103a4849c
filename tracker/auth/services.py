"""Accounts: signing in, and the passwords behind it (set by link, changed, reset).

Every function receives the session and the acting user; none reads request state. Changes are
flushed, and recorded in the audit trail; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth import tokens
from tracker.auth.models import AccountToken, TokenPurpose, User
from tracker.auth.tokens import IssuedLink
from tracker.db import Session
from tracker.domain.passwords import PasswordCheck, PasswordProblem, check_password
from tracker.domain.refusals import Refusal


class AccountError(Refusal):
    """A request about accounts that cannot be carried out; ``why`` names the case
    (messages: tracker.auth.messages)."""

    WHY = ("email_taken", "company_for_officers_only", "already_accepted", "wrong_password")
    codes = tuple(f"accounts.{why}" for why in WHY)
    status = 422

    def __init__(self, why: str):
        self.why = why
        if why == "already_accepted":
            self.status = 409  # not a bad value: the account has moved on
        super().__init__(why, code=f"accounts.{why}")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, Werkzeug's default


@cache
def _dummy_hash() -> str:
    return hash_password("not a real password, used to spend the same time")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None.

    An unknown address costs the same password check as a known one, so that the time taken
    does not reveal which addresses have accounts.
    """
    user = session.scalar(sa.select(User).filter_by(email=normalize_email(email)))
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def record_sign_in(session: Session, user: User, now: datetime, address: str | None) -> None:
    user.last_sign_in_at = now
    record(session, user, "user.sign_in", "user", user.id, {"address": address})


def record_failed_sign_in(session: Session, email: str, address: str | None) -> None:
    record(
        session,
        None,
        "user.sign_in_failed",
        "user",
        None,
        {"email": normalize_email(email)[:254], "address": address},
    )


def password_problems(
    password: str, confirm: str, user: User, min_length: int
) -> tuple[PasswordProblem, ...]:
    if password != confirm:
        return (PasswordProblem.MISMATCH,)
    result: PasswordCheck = check_password(password, [user.email, user.display_name], min_length)
    return result.problems


def set_password(user: User, password: str) -> None:
    """Store a new password and end every session the user has (a new version)."""
    user.password_hash = hash_password(password)
    user.session_version += 1


def use_token(session: Session, token: AccountToken, password: str, now: datetime) -> User:
    """Accept an invitation or complete a reset: set the password and spend the token."""
    user = token.user
    set_password(user, password)
    token.used_at = now
    action = (
        "user.invitation_accepted"
        if token.purpose is TokenPurpose.INVITATION
        else "user.password_reset"
    )
    record(session, user, action, "user", user.id)
    return user


def request_password_reset(
    session: Session, email: str, now: datetime, ttl: timedelta
) -> IssuedLink | None:
    """A reset link for an active account that has a password; None for anything else.

    The caller answers the same way in both cases, so nobody learns which addresses exist.
    """
    user = session.scalar(sa.select(User).filter_by(email=normalize_email(email)))
    if user is None or not user.is_active or not user.has_password:
        return None
    secret = tokens.issue(session, user, TokenPurpose.PASSWORD_RESET, ttl, now)
    record(session, None, "user.password_reset_requested", "user", user.id)
    return IssuedLink(user, secret)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change one's own password; every other session ends (the caller renews the current one)."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise AccountError("wrong_password")
    set_password(user, new)
    record(session, user, "user.password_changed", "user", user.id)


def load_session_user(session: Session, session_id: str) -> User | None:
    """The user for a session identifier ``id:version``; None if it was ended."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user
