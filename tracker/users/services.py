"""Managing accounts: invitations, roles, companies, deactivation, and the first administrator.

Functions receive the session and the acting user, flush, and record what they change in the
audit trail; the caller commits.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.audit.services import changes, record
from tracker.auth import tokens
from tracker.auth.models import Role, TokenPurpose, User
from tracker.auth.services import AccountError, hash_password, normalize_email
from tracker.auth.tokens import IssuedLink
from tracker.companies.models import Company
from tracker.db import Session


def _insert(session: Session, user: User) -> None:
    """Add the account; AccountError("email_taken") when an account with the address was
    created at the same moment (the check before read before it existed: the unique
    constraint decides). The caller rolls back."""
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise AccountError("email_taken") from None


def invite(
    session: Session,
    actor: User,
    email: str,
    display_name: str,
    role: Role,
    company: Company | None,
    now: datetime,
    ttl: timedelta,
) -> IssuedLink:
    """Create an account without a password and a one-time link to set one."""
    email = normalize_email(email)
    if session.scalar(sa.select(User.id).filter_by(email=email)) is not None:
        raise AccountError("email_taken")
    if (role is Role.OFFICER) != (company is not None):
        raise AccountError("company_for_officers_only")
    user = User(email=email, display_name=display_name.strip(), role=role, company=company)
    _insert(session, user)
    secret = tokens.issue(session, user, TokenPurpose.INVITATION, ttl, now, created_by=actor)
    record(
        session,
        actor,
        "user.invite",
        "user",
        user.id,
        {"email": email, "role": role.value, "company": company.slug if company else None},
    )
    return IssuedLink(user, secret)


def resend_invitation(
    session: Session, actor: User, user: User, now: datetime, ttl: timedelta
) -> IssuedLink:
    """A new invitation link; the earlier ones stop working."""
    if user.has_password:
        raise AccountError("already_accepted")
    secret = tokens.issue(session, user, TokenPurpose.INVITATION, ttl, now, created_by=actor)
    record(session, actor, "user.invitation_resent", "user", user.id)
    return IssuedLink(user, secret)


def update_user(
    session: Session,
    actor: User,
    user: User,
    display_name: str,
    role: Role,
    company: Company | None,
) -> dict:
    """Change name, role or company; a role or company change ends the user's sessions."""
    if (role is Role.OFFICER) != (company is not None):
        raise AccountError("company_for_officers_only")
    changed = changes(
        user,
        {
            "display_name": display_name.strip(),
            "role": role,
            "company_id": company.id if company else None,
        },
    )
    if "role" in changed or "company_id" in changed:
        user.session_version += 1
    if changed:
        record(session, actor, "user.update", "user", user.id, changed)
    return changed


def _claim_active(session: Session, user: User, active: bool) -> bool:
    """One UPDATE on condition that the account is still in the other state, ending its
    sessions (the session version moves on); False when someone else changed it first."""
    result = session.execute(
        sa.update(User)
        .where(User.id == user.id, User.is_active.is_(not active))
        .values(is_active=active, session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["is_active", "session_version"])
    return result.rowcount == 1  # type: ignore[attr-defined]


def set_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.is_active == active:
        return
    if not _claim_active(session, user, active):
        return  # another administrator did it a moment ago, and recorded it
    record(session, actor, "user.reactivate" if active else "user.deactivate", "user", user.id)


def other_active_officers(session: Session, user: User) -> int | None:
    """How many other active officers the user's company has (None for staff): who is left
    to file once this account is deactivated."""
    if user.company_id is None:
        return None
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.company_id == user.company_id, User.id != user.id, User.is_active)
    )


def create_admin(session: Session, email: str, display_name: str, password: str) -> User:
    """An administrator with a password, for the command line (no invitation needed)."""
    email = normalize_email(email)
    if session.scalar(sa.select(User.id).filter_by(email=email)) is not None:
        raise AccountError("email_taken")
    user = User(email=email, display_name=display_name.strip(), role=Role.ADMIN)
    user.password_hash = hash_password(password)
    _insert(session, user)
    record(session, None, "user.create_admin", "user", user.id, {"email": email})
    return user
