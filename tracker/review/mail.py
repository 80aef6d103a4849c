"""Notifications through the outbox: staff hear of submissions, officers of decisions, comments
and publication. Every mail is in both languages; links are built by the caller."""

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import Session

from tracker.auth.models import Role, User
from tracker.disclosures.models import Disclosure
from tracker.outbox.services import queue


def officers_of(session: Session, company_id: int) -> list[User]:
    """Officers of a company who can sign in (invited ones who never did are skipped)."""
    return list(session.scalars(
        sa.select(User).where(User.company_id == company_id, User.role == Role.OFFICER,
                              User.is_active.is_(True), User.password_hash.is_not(None))))


def staff_members(session: Session) -> list[User]:
    return list(session.scalars(
        sa.select(User).where(User.role.in_([Role.STAFF, Role.ADMIN]),
                              User.is_active.is_(True), User.password_hash.is_not(None))))


def _send(session: Session, people: list[User], kind: str, subject: str, template: str,
          **context) -> int:
    for person in people:
        queue(session, person.email, subject,
              render_template(f"emails/{template}.txt", person=person, **context), kind)
    return len(people)


def notify_submitted(session: Session, disclosure: Disclosure, link: str) -> int:
    company = disclosure.company
    return _send(session, staff_members(session), "submitted",
                 f"{company.name_zh} 已提交披露 / {company.name_en} submitted its disclosure",
                 "submitted", disclosure=disclosure, link=link)


def notify_changes_requested(session: Session, disclosure: Disclosure, reason: str,
                             link: str) -> int:
    return _send(session, officers_of(session, disclosure.company_id), "changes_requested",
                 "联盟要求修改披露 / The alliance asks for changes to your disclosure",
                 "changes_requested", disclosure=disclosure, reason=reason, link=link)


def notify_comment(session: Session, disclosure: Disclosure, author: User, body: str,
                   link: str) -> int:
    return _send(session, officers_of(session, disclosure.company_id), "comment",
                 "联盟对您的披露发表了评论 / A comment on your disclosure",
                 "comment", disclosure=disclosure, author=author, body=body, link=link)


def notify_published(session: Session, disclosure: Disclosure, version: int, link: str) -> int:
    return _send(session, officers_of(session, disclosure.company_id), "published",
                 "您的披露已发布 / Your disclosure is published",
                 "published", disclosure=disclosure, version=version, link=link)


def notify_reminder(session: Session, disclosure_company_id: int, cycle, days_left: int,
                    link: str) -> int:
    return _send(session, officers_of(session, disclosure_company_id), "reminder",
                 f"披露将于 {cycle.due_on.isoformat()} 截止 / Your disclosure is due on "
                 f"{cycle.due_on.isoformat()}", "reminder", cycle=cycle, days_left=days_left,
                 link=link)
