"""Who may do what: pure predicates on users and objects, tested as a matrix.

Every view asks one of these about the object it serves. ``None`` stands for an anonymous reader.
"""

from typing import TypeGuard

from tracker.auth.models import Role, User
from tracker.companies.models import Company

Viewer = User | None


# The predicates that can only hold for a signed-in user say so to the type checker (TypeGuard),
# so that code after them may use the user's attributes.
def is_signed_in(user: Viewer) -> TypeGuard[User]:
    return user is not None and user.is_active


def is_staff(user: Viewer) -> TypeGuard[User]:
    """Alliance staff or an administrator."""
    return is_signed_in(user) and user.role in (Role.STAFF, Role.ADMIN)


def is_admin(user: Viewer) -> TypeGuard[User]:
    return is_signed_in(user) and user.role is Role.ADMIN


def belongs_to(user: Viewer, company: Company | None) -> bool:
    """An active officer of this very company."""
    return (
        is_signed_in(user)
        and user.role is Role.OFFICER
        and company is not None
        and user.company_id == company.id
    )


def can_file(user: Viewer, company: Company | None) -> bool:
    """Answer, attach and submit for a company: its own officers only."""
    return belongs_to(user, company)


def can_view_company_private(user: Viewer, company: Company) -> bool:
    """Drafts, attachments and confidential notes: the company's officers and alliance staff."""
    return belongs_to(user, company) or is_staff(user)


def can_manage_companies(user: Viewer) -> bool:
    return is_admin(user)


def can_manage_cycles(user: Viewer) -> bool:
    return is_admin(user)


def can_view_users(user: Viewer) -> bool:
    return is_staff(user)


def can_invite(user: Viewer, role: Role) -> bool:
    """Staff invite officers; only administrators invite staff and administrators."""
    if role is Role.OFFICER:
        return is_staff(user)
    return is_admin(user)


def can_manage_user(user: Viewer, target: User) -> bool:
    """Change role or company, deactivate or reactivate: administrators, never on themselves."""
    return is_admin(user) and target.id != user.id


def can_resend_invitation(user: Viewer, target: User) -> bool:
    return can_invite(user, target.role) and not target.has_password and target.is_active


def can_view_outbox(user: Viewer) -> bool:
    return is_admin(user)


def can_view_jobs(user: Viewer) -> bool:
    """The job queue's page: what waits, runs and failed, and retrying a failed job."""
    return is_admin(user)


def can_view_audit(user: Viewer) -> bool:
    return is_admin(user)
