"""The test accounts: two companies, an officer of each, a staff member and an administrator,
all with one password; the invitation form; and links mailed to people through the outbox."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tracker.db import db

PASSWORD = "a long and unguessable test passphrase"
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    """One scrypt hash of PASSWORD for every test account (hashing is slow on purpose)."""
    if not _PASSWORD_HASH:
        from tracker.auth.services import hash_password

        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


class Accounts:
    """Two companies, an officer of each, a staff member and an administrator (ids only)."""

    def __init__(self, ids: dict[str, int]):
        self.ids = ids

    def email(self, who: str) -> str:
        """The e-mail address of ``who`` (officer_a, officer_b, staff, admin)."""
        return f"{who}@test.example"


def create_accounts() -> Accounts:
    """Add the companies and people of :class:`Accounts` (inside an app context)."""
    from tracker.auth.models import Role, User
    from tracker.companies.models import Company

    a = Company(
        slug="company-a",
        name_en="Company A",
        name_zh="甲公司",
        is_signatory=True,
        signatory_confirmed=True,
        signatory_source="test",
    )
    b = Company(
        slug="company-b",
        name_en="Company B",
        name_zh="乙公司",
        is_signatory=True,
        signatory_confirmed=True,
        signatory_source="test",
    )
    people = {
        "officer_a": User(
            email="officer_a@test.example", display_name="Officer A", role=Role.OFFICER, company=a
        ),
        "officer_b": User(
            email="officer_b@test.example", display_name="Officer B", role=Role.OFFICER, company=b
        ),
        "staff": User(email="staff@test.example", display_name="Staff", role=Role.STAFF),
        "admin": User(email="admin@test.example", display_name="Admin", role=Role.ADMIN),
    }
    for user in people.values():
        user.password_hash = password_hash()
    db.session.add_all([a, b, *people.values()])
    db.session.commit()
    ids = {name: user.id for name, user in people.items()}
    ids |= {"company_a": a.id, "company_b": b.id}
    return Accounts(ids)


def invite_form(accounts: Accounts, **overrides) -> dict:
    """The fields of the invitation form: an officer of company A, unless overridden."""
    form = {
        "email": "someone@test.example",
        "display_name": "Someone",
        "role": "officer",
        "company": str(accounts.ids["company_a"]),
    }
    return form | overrides


def outbox_link(app, recipient: str, path: str) -> str:
    """The path of the link in the newest outbox message to ``recipient``."""
    from tracker.outbox.models import OutboxMessage

    with app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .filter_by(recipient=recipient)
            .order_by(OutboxMessage.id.desc())
        )
    assert body, f"no message to {recipient}"
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[\w\-]+)", body)
    assert match, body
    return match.group(1)


def route_world(app, accounts: Accounts, filing_world: dict) -> dict:
    """Everything a route of the URL map can be asked about: the accounts and the filing
    world, plus an invited officer of company A (``invitee``), a failed outbox message
    (``message``) and the test cycle's id (``cycle_id``)."""
    from tracker.auth.models import Role, User
    from tracker.cycles.models import Cycle
    from tracker.db import utcnow
    from tracker.outbox.models import MessageStatus, OutboxMessage

    with app.app_context():
        invitee = User(
            email="invitee@test.example",
            display_name="Invitee",
            role=Role.OFFICER,
            company_id=accounts.ids["company_a"],
        )
        message = OutboxMessage(
            recipient="x@test.example",
            subject="s",
            body="b",
            kind="test",
            status=MessageStatus.FAILED,
            attempts=8,
            next_attempt_at=utcnow(),
        )
        db.session.add_all([invitee, message])
        db.session.commit()
        cycle_id = db.session.scalar(sa.select(Cycle.id).filter_by(slug=filing_world["cycle"]))
        return (
            accounts.ids
            | filing_world
            | {"invitee": invitee.id, "message": message.id, "cycle_id": cycle_id}
        )
