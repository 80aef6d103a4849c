"""Who may do what: pure predicates on users and objects, tested as a matrix.

Every view asks one of these about the object it serves. ``None`` stands for an anonymous reader.
"""

from typing import TypeGuard

from tracker.auth.models import Role, User
from tracker.companies.models import Company

Actor = User | None


# The predicates that can only hold for a signed-in user say so to the type checker (TypeGuard),
# so that code after them may use the user's attributes.
def is_signed_in(user: Actor) -> TypeGuard[User]:
    return user is not None and user.is_active


def is_staff(user: Actor) -> TypeGuard[User]:
    """Alliance staff or an administrator."""
    return is_signed_in(user) and user.role in (Role.STAFF, Role.ADMIN)


def is_admin(user: Actor) -> TypeGuard[User]:
    return is_signed_in(user) and user.role is Role.ADMIN


def belongs_to(user: Actor, company: Company | None) -> bool:
    """An active officer of this very company."""
    return (
        is_signed_in(user)
        and user.role is Role.OFFICER
        and company is not None
        and user.company_id == company.id
    )


def can_file(user: Actor, company: Company | None) -> bool:
    """Answer, attach and submit for a company: its own officers only."""
    return belongs_to(user, company)


def can_view_company_private(user: Actor, company: Company) -> bool:
    """Drafts, attachments and confidential notes: the company's officers and alliance staff."""
    return belongs_to(user, company) or is_staff(user)


def can_manage_companies(user: Actor) -> bool:
    return is_admin(user)


def can_manage_cycles(user: Actor) -> bool:
    return is_admin(user)


def can_view_users(user: Actor) -> bool:
    return is_staff(user)


def can_invite(user: Actor, role: Role) -> bool:
    """Staff invite officers; only administrators invite staff and administrators."""
    if role is Role.OFFICER:
        return is_staff(user)
    return is_admin(user)


def can_manage_user(user: Actor, target: User) -> bool:
    """Change role or company, deactivate or reactivate: administrators, never on themselves."""
    return is_admin(user) and target.id != user.id


def can_resend_invitation(user: Actor, target: User) -> bool:
    return can_invite(user, target.role) and not target.has_password and target.is_active


def can_view_outbox(user: Actor) -> bool:
    return is_admin(user)


def can_view_audit(user: Actor) -> bool:
    return is_admin(user)
