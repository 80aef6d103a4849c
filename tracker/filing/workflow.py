"""Moving a disclosure between workflow states: the one place that does it.

Filing (the first edit, submitting), review (requesting changes, accepting, reopening for a
correction) and publication all call ``move``: the table in tracker.domain.workflow decides, and
every move leaves a Transition row and an audit event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.db import Session
from tracker.domain.workflow import Action, Side, next_state
from tracker.filing.models import Disclosure, Transition


def move(
    session: Session,
    actor: User | None,
    disclosure: Disclosure,
    action: Action,
    who: Side,
    now: datetime,
    reason: str | None = None,
    details: dict | None = None,
) -> Transition:
    """Carry out ``action`` by ``who`` (the side ``actor`` acts for) on the disclosure.

    TransitionNotAllowed, before anything is changed, when the table does not allow it.
    Otherwise the state changes, a Transition and the audit event ``disclosure.<action>`` are
    added (its details: the states before and after, the reason if any, and ``details``), and
    the session is flushed; the caller commits.
    """
    before = disclosure.state
    after = next_state(before, action, who)
    disclosure.state = after
    disclosure.updated_at = now
    flag_modified(disclosure, "updated_at")  # written as given, even if unchanged (no onupdate)
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
        | (details or {}),
    )
    session.flush()
    return transition


def start_editing(session: Session, actor: User, disclosure: Disclosure, now: datetime) -> None:
    """The officer's edit, as far as the workflow sees it: a move only where the table has
    editing change the state (a disclosure not started becomes a draft), else nothing."""
    if next_state(disclosure.state, Action.EDIT, Side.OFFICER) is not disclosure.state:
        move(session, actor, disclosure, Action.EDIT, Side.OFFICER, now)
