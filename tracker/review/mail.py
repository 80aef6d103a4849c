"""Notifications through the outbox: staff hear of submissions, officers of decisions, comments
and publication. Every mail is in both languages; links are built by the caller."""

import sqlalchemy as sa
from flask import render_template

from tracker.auth.models import Role, User
from tracker.db import Session
from tracker.domain.dates import day_text
from tracker.domain.languages import EN, ZH
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.outbox.services import enqueue


def officers_of(session: Session, company_id: int) -> list[User]:
    """Officers of a company who can sign in (invited ones who never did are skipped)."""
    return list(
        session.scalars(
            sa.select(User).where(
                User.company_id == company_id,
                User.role == Role.OFFICER,
                User.is_active.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )


def staff_members(session: Session) -> list[User]:
    return list(
        session.scalars(
            sa.select(User).where(
                User.role.in_([Role.STAFF, Role.ADMIN]),
                User.is_active.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )


def _send(
    session: Session, people: list[User], kind: str, subject: str, template: str, **context
) -> int:
    for person in people:
        enqueue(
            session,
            person.email,
            subject,
            render_template(f"emails/{template}.txt", person=person, **context),
            kind,
        )
    return len(people)


def notify_submitted(session: Session, disclosure: Disclosure, link: str) -> int:
    company = disclosure.company
    return _send(
        session,
        staff_members(session),
        "submitted",
        f"{company.name_zh} 已提交披露 / {company.name_en} submitted its disclosure",
        "submitted",
        disclosure=disclosure,
        link=link,
    )


def notify_changes_requested(
    session: Session, disclosure: Disclosure, reason: str, link: str
) -> int:
    return _send(
        session,
        officers_of(session, disclosure.company_id),
        "changes_requested",
        "联盟要求修改披露 / The alliance asks for changes to your disclosure",
        "changes_requested",
        disclosure=disclosure,
        reason=reason,
        link=link,
    )


def notify_comment(
    session: Session, disclosure: Disclosure, author: User, body: str, link: str
) -> int:
    return _send(
        session,
        officers_of(session, disclosure.company_id),
        "comment",
        "联盟对您的披露发表了评论 / A comment on your disclosure",
        "comment",
        disclosure=disclosure,
        author=author,
        body=body,
        link=link,
    )


def notify_published(session: Session, disclosure: Disclosure, version: int, link: str) -> int:
    return _send(
        session,
        officers_of(session, disclosure.company_id),
        "published",
        "您的披露已发布 / Your disclosure is published",
        "published",
        disclosure=disclosure,
        version=version,
        link=link,
    )


def day_in(day, language) -> str:
    """A day as readers of ``language`` write it (2026年12月22日 / 22 Dec 2026: the one style,
    tracker.domain.dates), for mail written in both languages whatever the request's."""
    return day_text(day, language.locale)


def notify_reminder(
    session: Session,
    company_id: int,
    cycle,
    due_on,
    days_left: int,
    link: str,
    state: DisclosureState = DisclosureState.NOT_STARTED,
) -> int:
    """Remind a company's officers of its due date (the cycle's, or its own when extended),
    in the words of where its disclosure stands: not started, a draft, or returned with
    changes requested; a due date passed is said to have passed."""
    return _send(
        session,
        officers_of(session, company_id),
        "reminder",
        (
            f"披露将于 {day_in(due_on, ZH)} 截止 / Your disclosure is due on {day_in(due_on, EN)}"
            if days_left >= 0
            else f"披露已于 {day_in(due_on, ZH)} 截止"
            f" / Your disclosure was due on {day_in(due_on, EN)}"
        ),
        "reminder",
        cycle=cycle,
        due_on=due_on,
        days_left=days_left,
        state=state.value,
        due_zh=day_in(due_on, ZH),
        due_en=day_in(due_on, EN),
        link=link,
    )


def notify_cycle_opened(session: Session, cycle, company_ids: list[int], link: str) -> int:
    """Tell the officers of each company that a cycle is open for their disclosure."""
    officers = [person for company_id in company_ids for person in officers_of(session, company_id)]
    return _send(
        session,
        officers,
        "cycle_opened",
        f"{cycle.name_zh}已开放填报 / {cycle.name_en} is open for disclosures",
        "cycle_opened",
        cycle=cycle,
        link=link,
    )
