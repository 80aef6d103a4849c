"""People who act in the app, and the one-time tokens that invite them or reset their password."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.companies.models import Company
from tracker.db import Model, UTCDateTime, enum_column, utcnow


class Role(enum.StrEnum):
    OFFICER = "officer"
    STAFF = "staff"
    ADMIN = "admin"


class User(Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # None until the invitation is accepted: such an account cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Copied into each sign-in session: raising it ends every session of the user at once.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company | None] = relationship()

    __table_args__ = (
        # An officer always belongs to a company; staff and administrators never do.
        sa.CheckConstraint(
            "(role = 'officer' AND company_id IS NOT NULL) OR "
            "(role <> 'officer' AND company_id IS NULL)",
            name="officer_has_company",
        ),
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    # Flask-Login's interface, written out so that the session identifier carries the version.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Flask-Login's identifier for the session cookie: the key of the sign-in session this
        user was loaded for or has just begun (:meth:`use_session_key`), never the user's id."""
        key: str | None = getattr(self, "_session_key", None)
        if key is None:
            raise RuntimeError("no sign-in session: begin one (auth.services.begin_session)")
        return key

    def use_session_key(self, key: str) -> None:
        """Remember which sign-in session this request's user object stands for."""
        self._session_key = key

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


class AccountToken(Model):
    """A one-time link sent by mail. Only a hash of the secret is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class SignInSession(Model):
    """One signed-in browser. Its cookie holds a random key, of which only a hash is kept here.

    A session counts while it has not ended (signing out), has not expired
    (PERMANENT_SESSION_LIFETIME after signing in), its user is active and the user's
    ``session_version`` is still the one it began under (a password change or reset, a role
    change and deactivation raise it). All of that is checked in the one query that loads the
    signed-in user (auth.services.load_session_user).
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256 of the key
    user_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
