"""One-time tokens for invitation and password-reset links."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from tracker.auth.models import AccountToken, TokenPurpose, User
from tracker.db import Session


@dataclass(frozen=True)
class IssuedLink:
    """A user and the secret of the one-time link just made for them."""

    user: User
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    ttl: timedelta,
    now: datetime,
    created_by: User | None = None,
) -> str:
    """Create a token and return its secret, which only the mailed link carries.

    Earlier unused tokens of the same purpose stop working: only the newest link is valid.
    """
    session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=digest(secret),
            expires_at=now + ttl,
            created_by=created_by,
        )
    )
    session.flush()
    return secret


def find_valid(
    session: Session, secret: str, purpose: TokenPurpose, now: datetime
) -> AccountToken | None:
    """The unused, unexpired token for a secret, or None (wrong, used, expired alike)."""
    if not secret or len(secret) > 100:
        return None
    token = session.scalar(
        sa.select(AccountToken).filter_by(token_hash=digest(secret), purpose=purpose)
    )
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    return token
