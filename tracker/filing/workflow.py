"""Moving a disclosure between workflow states: the one place that does it.

Filing (the first edit, submitting), review (requesting changes, accepting, reopening for a
correction) and publication all call ``move``: the table in tracker.domain.workflow decides, and
every move leaves a Transition row and an audit event.

A move is one UPDATE conditional on the state the request read (``claim``), so two requests
that both saw the old state cannot both move it: on PostgreSQL the second UPDATE waits for the
first one's row lock and then finds the state changed; on SQLite writers take the database's
write lock one after the other, and the second UPDATE runs once the first has committed. The
loser matches no row and is refused with AlreadyMoved, naming the step that beat it, before it
writes anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.db import Session
from tracker.domain.refusals import Refusal
from tracker.domain.workflow import (
    TRANSITIONS,
    Action,
    DisclosureState,
    Side,
    TransitionNotAllowed,
    next_state,
)
from tracker.filing.models import Disclosure, Transition


class AlreadyMoved(Refusal):
    """Someone else moved the disclosure first: ``action`` took it to ``state`` at ``at``, by
    ``by`` (a display name, None for the system); ``version`` is the published version when the
    step was a publication. Nothing was written."""

    code = "workflow.already_moved"
    status = 409

    def __init__(
        self,
        action: Action,
        state: DisclosureState,
        at: datetime,
        by: str | None,
        version: int | None = None,
    ):
        self.action, self.state, self.at, self.by, self.version = action, state, at, by, version
        super().__init__(f"already {action} at {at.isoformat()} by {by or 'the system'}")


def claim(
    session: Session,
    disclosure: Disclosure,
    before: DisclosureState,
    after: DisclosureState,
    now: datetime,
) -> bool:
    """The state change itself: one UPDATE of the disclosure on condition that its state is
    still ``before``. True when this request made it (the object then holds the new state);
    False when someone else changed the state first (nothing changed).

    It goes through the session as an ORM statement, so session events see it.
    """
    result = session.execute(
        sa.update(Disclosure)
        .where(Disclosure.id == disclosure.id, Disclosure.state == before)
        .values(state=after, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # The row holds what the statement wrote; the object says the same, without a reload.
    set_committed_value(disclosure, "state", after)
    set_committed_value(disclosure, "updated_at", now)
    return True


def lock(session: Session, disclosure: Disclosure) -> None:
    """Hold the disclosure's row until the transaction ends, before counting what belongs to it
    (its files, their size), so that a concurrent request counting the same waits for this one.

    A no-op UPDATE does it on both databases: on PostgreSQL it takes the row lock (not the key:
    rows that refer to the disclosure can still be added); on SQLite it takes the database's
    write lock, and what is read after it is current. The object's state is read again, for
    the caller to check it under the lock.
    """
    session.execute(
        sa.update(Disclosure)
        .where(Disclosure.id == disclosure.id)
        # Named, so that the column's onupdate does not fire: the row is not changed.
        .values(updated_at=Disclosure.updated_at)
        .execution_options(synchronize_session=False)
    )
    session.refresh(disclosure, ["state"])


def latest_transition(session: Session, disclosure: Disclosure) -> Transition | None:
    return session.scalar(
        sa.select(Transition)
        .where(Transition.disclosure_id == disclosure.id)
        .order_by(Transition.id.desc())
        .limit(1)
        .options(joinedload(Transition.actor))
    )


def refuse_if_already_moved(
    session: Session, disclosure: Disclosure, action: Action, who: Side
) -> None:
    """AlreadyMoved when the disclosure's state does not allow ``action`` because of the last
    step: that step left a state in which the action was possible (the page this request was
    sent from showed that state), so someone else got there first. Otherwise nothing."""
    if (disclosure.state, action, who) in TRANSITIONS:
        return
    latest = latest_transition(session, disclosure)
    if (
        latest is None
        or latest.to_state is not disclosure.state
        or (latest.from_state, action, who) not in TRANSITIONS
    ):
        return
    version = None
    if latest.action is Action.PUBLISH:  # every publication is a move: count them
        version = session.scalar(
            sa.select(sa.func.count())
            .select_from(Transition)
            .where(
                Transition.disclosure_id == disclosure.id,
                Transition.action == Action.PUBLISH,
                Transition.id <= latest.id,
            )
        )
    raise AlreadyMoved(
        latest.action,
        latest.to_state,
        latest.at,
        latest.actor.display_name if latest.actor else None,
        version,
    )


def allowed(session: Session, disclosure: Disclosure, action: Action, who: Side) -> None:
    """Refuse, before anything is written, what the state does not allow: AlreadyMoved when
    someone else's step is the reason, else TransitionNotAllowed."""
    try:
        next_state(disclosure.state, action, who)
    except TransitionNotAllowed:
        refuse_if_already_moved(session, disclosure, action, who)
        raise


def move(
    session: Session,
    actor: User | None,
    disclosure: Disclosure,
    action: Action,
    who: Side,
    now: datetime,
    reason: str | None = None,
    details: dict | None = None,
    effect: Callable[[], dict] | None = None,
) -> Transition:
    """Carry out ``action`` by ``who`` (the side ``actor`` acts for) on the disclosure.

    Refused, before anything is changed, when the table does not allow it: AlreadyMoved when
    someone else moved the disclosure first (also when that happens between reading the state
    and changing it), else TransitionNotAllowed. Otherwise the state changes (``claim``), then
    ``effect`` runs, if given (what the step writes besides: a publication; the dictionary it
    returns joins the details), a Transition and the audit event ``disclosure.<action>`` are
    added (its details: the states before and after, the reason if any, and ``details``), and
    the session is flushed; the caller commits.
    """
    allowed(session, disclosure, action, who)
    before = disclosure.state
    after = next_state(before, action, who)
    if not claim(session, disclosure, before, after, now):
        session.refresh(disclosure, ["state", "updated_at"])
        allowed(session, disclosure, action, who)  # AlreadyMoved, as a rule
        # The new state allows the action too (moved away and back meanwhile): this request
        # still acted on a state that is gone, and the person should look again.
        raise TransitionNotAllowed(disclosure.state, action, who)
    extra = effect() if effect is not None else {}
    transition = Transition(
        disclosure_id=disclosure.id,
        action=action,
        from_state=before,
        to_state=after,
        reason=reason,
        actor=actor,
        at=now,
    )
    session.add(transition)
    record(
        session,
        actor,
        f"disclosure.{action.value}",
        "disclosure",
        disclosure.id,
        ({"reason": reason} if reason is not None else {})
        | {"from": before.value, "to": after.value}
        | (details or {})
        | extra,
    )
    session.flush()
    return transition


def start_editing(session: Session, actor: User, disclosure: Disclosure, now: datetime) -> None:
    """The officer's edit, as far as the workflow sees it: a move only where the table has
    editing change the state (a disclosure not started becomes a draft), else nothing.

    Two first edits at once both stand: the one that loses the move finds the draft its
    colleague started, which is what it wanted.
    """
    if next_state(disclosure.state, Action.EDIT, Side.OFFICER) is disclosure.state:
        return
    try:
        move(session, actor, disclosure, Action.EDIT, Side.OFFICER, now)
    except (AlreadyMoved, TransitionNotAllowed):
        if (disclosure.state, Action.EDIT, Side.OFFICER) in TRANSITIONS and next_state(
            disclosure.state, Action.EDIT, Side.OFFICER
        ) is disclosure.state:
            return
        raise
