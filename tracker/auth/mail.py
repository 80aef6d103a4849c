"""The mails that accounts send: an invitation and a password-reset link, in both languages."""

from flask import render_template

from tracker.auth.models import User
from tracker.db import Session
from tracker.outbox.services import enqueue


def queue_invitation(
    session: Session, user: User, link: str, inviter: User, valid_days: int
) -> None:
    body = render_template(
        "emails/invitation.txt", user=user, link=link, inviter=inviter, valid_days=valid_days
    )
    enqueue(
        session,
        user.email,
        "邀请您使用人工智能安全承诺追踪平台 / Your invitation to the AI Safety Commitments Tracker",
        body,
        "invitation",
    )


def queue_password_reset(session: Session, user: User, link: str, valid_minutes: int) -> None:
    body = render_template(
        "emails/password_reset.txt", user=user, link=link, valid_minutes=valid_minutes
    )
    enqueue(session, user.email, "重设密码 / Reset your password", body, "password_reset")
