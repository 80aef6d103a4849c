"""The permission predicates, as a table of who may do what."""

import pytest

from tracker.auth import permissions as can
from tracker.auth.models import Role, User
from tracker.companies.models import Company

A = Company(id=1, slug="a", name_en="A", name_zh="甲")
B = Company(id=2, slug="b", name_en="B", name_zh="乙")


def user(role: Role, company: Company | None = None, active: bool = True, uid: int = 10) -> User:
    return User(
        id=uid,
        email=f"{role}@x.example",
        display_name=role.value,
        role=role,
        company_id=company.id if company else None,
        is_active=active,
        password_hash="set",
    )


OFFICER_A = user(Role.OFFICER, A, uid=1)
OFFICER_B = user(Role.OFFICER, B, uid=2)
STAFF = user(Role.STAFF, uid=3)
ADMIN = user(Role.ADMIN, uid=4)
INACTIVE_ADMIN = user(Role.ADMIN, active=False, uid=5)
PEOPLE = {
    "anonymous": None,
    "officer_a": OFFICER_A,
    "officer_b": OFFICER_B,
    "staff": STAFF,
    "admin": ADMIN,
    "inactive_admin": INACTIVE_ADMIN,
}

TABLE = [
    # predicate, arguments after the actor, who is allowed
    (can.can_view_company_private, (A,), {"officer_a", "staff", "admin"}),
    (can.can_view_company_private, (B,), {"officer_b", "staff", "admin"}),
    (can.can_manage_companies, (), {"admin"}),
    (can.can_view_users, (), {"staff", "admin"}),
    (can.can_invite, (Role.OFFICER,), {"staff", "admin"}),
    (can.can_invite, (Role.STAFF,), {"admin"}),
    (can.can_invite, (Role.ADMIN,), {"admin"}),
    (can.can_manage_user, (OFFICER_A,), {"admin"}),
    (can.can_manage_user, (ADMIN,), set()),  # nobody manages themselves
    (can.can_view_outbox, (), {"admin"}),
    (can.can_view_audit, (), {"admin"}),
]


@pytest.mark.parametrize(
    ("predicate", "args", "allowed"),
    TABLE,
    ids=[f"{p.__name__}{i}" for i, (p, _, _) in enumerate(TABLE)],
)
def test_permission_table(predicate, args, allowed):
    got = {name for name, person in PEOPLE.items() if predicate(person, *args)}
    assert got == allowed


def test_resending_an_invitation_needs_an_open_invitation():
    invited = user(Role.OFFICER, A, uid=20)
    invited.password_hash = None
    assert can.can_resend_invitation(STAFF, invited)
    assert not can.can_resend_invitation(OFFICER_A, invited)
    assert not can.can_resend_invitation(STAFF, OFFICER_A)  # already has a password
    invited_staff = user(Role.STAFF, uid=21)
    invited_staff.password_hash = None
    assert not can.can_resend_invitation(STAFF, invited_staff)
    assert can.can_resend_invitation(ADMIN, invited_staff)
