"""Accounts: signing in, and the passwords behind it (set by link, changed, reset).

Every function receives the session and the acting user; none reads request state. Changes are
flushed, and recorded in the audit trail; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth import tokens
from tracker.auth.models import AccountToken, SignInSession, TokenPurpose, User
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


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def begin_session(session: Session, user: User, now: datetime, lifetime: timedelta) -> str:
    """Start a sign-in session for ``user``, valid for ``lifetime``; returns the key for the
    cookie (only its hash is stored).

    The user's sessions that can no longer be used (ended, expired, or from an earlier
    version) are deleted here, so the table holds about as many rows as there are browsers
    signed in, without a clean-up job.
    """
    session.execute(
        sa.delete(SignInSession).where(
            SignInSession.user_id == user.id,
            sa.or_(
                SignInSession.ended_at.is_not(None),
                SignInSession.expires_at <= now,
                SignInSession.user_version != user.session_version,
            ),
        )
    )
    key = secrets.token_urlsafe(32)
    session.add(
        SignInSession(
            user_id=user.id,
            key_hash=_key_hash(key),
            user_version=user.session_version,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    user.use_session_key(key)
    return key


def end_session(session: Session, key: str, now: datetime) -> None:
    """End the sign-in session whose key the cookie holds (signing out); other sessions of the
    same user go on. An unknown or already ended key changes nothing."""
    session.execute(
        sa.update(SignInSession)
        .where(SignInSession.key_hash == _key_hash(key), SignInSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def load_session_user(session: Session, key: str, now: datetime) -> User | None:
    """The user of the sign-in session with this key, in one query; None if there is no such
    session (a cookie from before server-side sessions, ``id:version``, is one), or it ended,
    expired, or its user was deactivated or moved to a new session version since."""
    user = session.scalar(
        sa.select(User)
        .join(SignInSession, SignInSession.user_id == User.id)
        .where(
            SignInSession.key_hash == _key_hash(key),
            SignInSession.ended_at.is_(None),
            SignInSession.expires_at > now,
            SignInSession.user_version == User.session_version,
            User.is_active,
        )
    )
    if user is not None:
        user.use_session_key(key)
    return user
