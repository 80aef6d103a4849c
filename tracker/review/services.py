"""Review: the queue of every signatory's disclosure in a cycle, comments, and decisions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.disclosures.models import Disclosure
from tracker.disclosures.services import answers_of
from tracker.domain.answers import missing_for_submission
from tracker.domain.workflow import Action, DisclosureState, TransitionNotAllowed, next_state
from tracker.domain.workflow import Actor as WorkflowActor
from tracker.review.models import Comment, Transition

# States in which the company still owes its answers.
OWED = frozenset(
    {DisclosureState.NOT_STARTED, DisclosureState.DRAFT, DisclosureState.CHANGES_REQUESTED}
)
SORTS = ("company", "state", "due", "updated")


@dataclass(frozen=True)
class QueueRow:
    company: Company
    disclosure: Disclosure | None
    missing: int  # required items not ready

    @property
    def state(self) -> DisclosureState:
        return self.disclosure.state if self.disclosure else DisclosureState.NOT_STARTED

    def due_on(self, cycle: Cycle) -> date:
        """The company's due date: its extension if it has one, else the cycle's."""
        return self.disclosure.effective_due_on if self.disclosure else cycle.due_on

    @property
    def extended(self) -> bool:
        return self.disclosure is not None and self.disclosure.due_on is not None

    def overdue(self, cycle: Cycle, today: date) -> bool:
        return self.state in OWED and today > self.due_on(cycle)


def queue(
    session: Session,
    cycle: Cycle,
    state: DisclosureState | None = None,
    sort: str = "company",
    search: str = "",
) -> tuple[list[QueueRow], Counter]:
    """Rows for every confirmed signatory (and any company with a disclosure), and counts by
    state (before filtering). ``search`` keeps companies whose name or short name contains it."""
    disclosures = {
        d.company_id: d
        for d in session.scalars(
            sa.select(Disclosure)
            .where(Disclosure.cycle_id == cycle.id)
            .options(selectinload(Disclosure.responses))
        )
    }
    companies = session.scalars(
        sa.select(Company)
        .where(sa.or_(Company.is_public_signatory, Company.id.in_(list(disclosures))))
        .order_by(Company.name_en)
    ).all()
    checklist = cycle.checklist_version.checklist
    rows = []
    for company in companies:
        disclosure = disclosures.get(company.id)
        answers = answers_of(disclosure) if disclosure else {}
        rows.append(QueueRow(company, disclosure, len(missing_for_submission(checklist, answers))))
    counts = Counter(row.state for row in rows)
    if state is not None:
        rows = [r for r in rows if r.state is state]
    needle = search.strip().casefold()
    if needle:
        rows = [
            r
            for r in rows
            if any(
                needle in name.casefold()
                for name in (r.company.name_en, r.company.name_zh, r.company.slug)
            )
        ]
    order = list(DisclosureState)
    if sort == "state":
        rows.sort(key=lambda r: (order.index(r.state), r.company.name_en))
    elif sort == "due":
        # Owed disclosures first, the earliest due date first; handed-in ones after.
        rows.sort(key=lambda r: (r.state not in OWED, r.due_on(cycle), r.company.name_en))
    elif sort == "updated":
        rows.sort(
            key=lambda r: (
                r.disclosure is None,
                -(r.disclosure.updated_at.timestamp() if r.disclosure else 0),
            )
        )
    return rows, counts


# --- comments and decisions ---------------------------------------------------------------------

COMMENT_MAX_LENGTH = 5_000


class ReviewError(Exception):
    """Base of what the review views turn into a clear 4xx."""


class CommentRefused(ReviewError):
    def __init__(self, why: str):
        self.why = why
        super().__init__(why)


class ReasonMissing(ReviewError):
    """A decision needs a reason the company can read."""


def add_comment(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    item_id: str | None,
    body: str,
    now: datetime,
) -> Comment:
    """Add a remark to an item's thread, or to the whole disclosure's when ``item_id`` is None."""
    body = (body or "").strip()
    if not body:
        raise CommentRefused("empty")
    if len(body) > COMMENT_MAX_LENGTH:
        raise CommentRefused("too_long")
    if item_id is not None:
        disclosure.checklist_version.checklist.item(item_id)  # KeyError for an unknown item
    comment = Comment(
        disclosure=disclosure, item_id=item_id, author=actor, body=body, created_at=now
    )
    session.add(comment)
    record(
        session,
        actor,
        "comment.add",
        "disclosure",
        disclosure.id,
        {"item": item_id, "length": len(body)},
    )
    session.flush()
    return comment


def comments_by_item(session: Session, disclosure: Disclosure) -> dict[str | None, list[Comment]]:
    """Item id (None: the whole disclosure) -> its comments, oldest first (one query)."""
    result: dict[str | None, list[Comment]] = {}
    for comment in session.scalars(
        sa.select(Comment)
        .where(Comment.disclosure_id == disclosure.id)
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
    ):
        result.setdefault(comment.item_id, []).append(comment)
    return result


def record_transition(
    session: Session,
    actor: User | None,
    disclosure: Disclosure,
    action: Action,
    before: DisclosureState,
    reason: str | None,
    now: datetime,
) -> Transition:
    transition = Transition(
        disclosure_id=disclosure.id,
        action=action,
        from_state=before,
        to_state=disclosure.state,
        reason=reason,
        actor=actor,
        at=now,
    )
    session.add(transition)
    return transition


# What each side may decide with a reason: staff review and reopen, officers reopen their own.
DECISIONS = {
    WorkflowActor.STAFF: (Action.REQUEST_CHANGES, Action.ACCEPT, Action.REOPEN),
    WorkflowActor.OFFICER: (Action.REOPEN,),
}


def decide(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    action: Action,
    reason: str,
    now: datetime,
    who: WorkflowActor = WorkflowActor.STAFF,
) -> Transition:
    """Request changes, accept, or reopen a published disclosure for a correction, with a
    reason; TransitionNotAllowed when the state (or the side acting) forbids it.

    Reopening keeps every published version as it is: the correction goes through review again
    and is published as a new version that supersedes the last.
    """
    if action not in DECISIONS[who]:
        raise TransitionNotAllowed(disclosure.state, action, who)
    before = disclosure.state
    after = next_state(before, action, who)  # the state decides first, then the reason
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing()
    if len(reason) > COMMENT_MAX_LENGTH:
        raise CommentRefused("too_long")
    disclosure.state = after
    transition = record_transition(session, actor, disclosure, action, before, reason, now)
    record(
        session,
        actor,
        f"disclosure.{action.value}",
        "disclosure",
        disclosure.id,
        {"reason": reason, "from": before.value, "to": disclosure.state.value},
    )
    session.flush()
    return transition


def commented_items_since_submission(session: Session, disclosure: Disclosure) -> set[str]:
    """Items staff commented on since the last submission: what a returned disclosure must fix."""
    since = disclosure.submitted_at
    query = (
        sa.select(Comment.item_id)
        .join(User, User.id == Comment.author_id)
        .where(
            Comment.disclosure_id == disclosure.id,
            Comment.item_id.is_not(None),
            User.role.in_([Role.STAFF, Role.ADMIN]),
        )
    )
    if since is not None:
        query = query.where(Comment.created_at >= since)
    return set(session.scalars(query))


def transitions_of(session: Session, disclosure: Disclosure) -> list[Transition]:
    return list(
        session.scalars(
            sa.select(Transition)
            .where(Transition.disclosure_id == disclosure.id)
            .options(joinedload(Transition.actor))
            .order_by(Transition.id)
        )
    )
