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
from tracker.domain.answers import missing_for_submission
from tracker.domain.refusals import Refusal
from tracker.domain.resubmission import ItemChanges, changes_since
from tracker.domain.workflow import (
    OWED,
    Action,
    DisclosureState,
    Side,
    TransitionNotAllowed,
)
from tracker.filing.models import Disclosure, ItemResponse, ResponseRevision, Transition
from tracker.filing.services import answers_of
from tracker.filing.workflow import allowed, move
from tracker.review.models import Comment

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


class ReviewError(Refusal):
    """The family of what review refuses (messages: tracker.review.messages)."""


class CommentRefused(ReviewError):
    """An empty comment (``why`` "empty"), or one too long ("too_long")."""

    codes = ("review.comment_empty", "review.comment_too_long")
    status = 422

    def __init__(self, why: str):
        self.why = why
        super().__init__(why, code=f"review.comment_{why}")


class ReasonMissing(ReviewError):
    """A decision needs a reason the other side can read; ``who`` decided."""

    code = "review.reason_missing"
    status = 422

    def __init__(self, who: Side = Side.STAFF):
        self.who = who
        super().__init__(f"{who} gave no reason")


class NoSuchItem(ReviewError):
    """A comment on an item the disclosure's checklist does not have."""

    code = "review.no_such_item"
    status = 404

    def __init__(self, item_id: str):
        self.item_id = item_id
        super().__init__(item_id)


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
        try:
            disclosure.checklist_version.checklist.item(item_id)
        except KeyError:
            raise NoSuchItem(item_id) from None
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


# What each side may decide with a reason: staff review and reopen, officers reopen their own.
DECISIONS = {
    Side.STAFF: (Action.REQUEST_CHANGES, Action.ACCEPT, Action.REOPEN),
    Side.OFFICER: (Action.REOPEN,),
}


def decide(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    action: Action,
    reason: str,
    now: datetime,
    who: Side = Side.STAFF,
) -> Transition:
    """Request changes, accept, or reopen a published disclosure for a correction, with a
    reason; TransitionNotAllowed when the state (or the side acting) forbids it, AlreadyMoved
    when someone else's decision is why.

    Reopening keeps every published version as it is: the correction goes through review again
    and is published as a new version that supersedes the last.
    """
    if action not in DECISIONS[who]:
        raise TransitionNotAllowed(disclosure.state, action, who)
    allowed(session, disclosure, action, who)  # the state decides first, then the reason
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing(who)
    if len(reason) > COMMENT_MAX_LENGTH:
        raise CommentRefused("too_long")
    return move(session, actor, disclosure, action, who, now, reason=reason)


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


# --- what changed since staff asked for changes -------------------------------------------------

# The steps that hand a disclosure back to the company with a reason: what it changes after them
# is what staff review again.
RETURNS = (Action.REQUEST_CHANGES, Action.REOPEN)


@dataclass(frozen=True)
class ChangesSince:
    """The last step that handed the disclosure back, and each item's changes since then."""

    returned: Transition
    items: dict[str, ItemChanges]


def changes_since_returned(session: Session, transitions: list[Transition]) -> ChangesSince | None:
    """What the company changed since the last request for changes (or reopening) among a
    disclosure's ``transitions`` (transitions_of, oldest first), in one query; None when the
    disclosure was never handed back."""
    returned = next((t for t in reversed(transitions) if t.action in RETURNS), None)
    if returned is None:
        return None
    revisions = session.execute(
        sa.select(ItemResponse.item_id, ResponseRevision.before, ResponseRevision.after)
        .join(ResponseRevision.response)
        .where(
            ItemResponse.disclosure_id == returned.disclosure_id,
            ResponseRevision.changed_at >= returned.at,
        )
        .order_by(ResponseRevision.changed_at, ResponseRevision.id)
    )
    return ChangesSince(returned, changes_since((r.item_id, r.before, r.after) for r in revisions))
