"""Recording actions in the audit trail, and reading it back filtered (page and CSV)."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker import csvsafe
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import Session
from tracker.domain.refusals import Refusal


class NothingExported(Refusal):
    """The filters of an export make no sense; ``problems`` says why, one sentence each, in the
    reader's language (messages: tracker.audit.messages)."""

    code = "audit.filters_invalid"
    status = 400

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def record(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event; it is committed with the change it describes."""
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
    )
    session.add(event)
    return event


def changes(obj: object, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes on ``obj`` and return {name: [before, after]} for those that changed."""
    changed = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [_jsonable(before), _jsonable(value)]
            setattr(obj, name, value)
    return changed


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the administrator asked to see; empty fields do not filter."""

    action: str = ""  # prefix, e.g. "disclosure." or "user.sign_in"
    actor: str = ""  # part of the actor's email
    object_type: str = ""
    object_id: int | None = None
    since: date | None = None  # inclusive, a day of the calendar in ``zone``
    until: date | None = None  # inclusive
    zone: tzinfo = UTC  # the alliance's time zone (tracker.clock.zone())

    @property
    def active(self) -> bool:
        return any(
            (
                self.action,
                self.actor,
                self.object_type,
                self.object_id is not None,
                self.since,
                self.until,
            )
        )


def filtered(filters: AuditFilters) -> sa.Select:
    """Events matching ``filters``, newest first, with their actors."""
    query = (
        sa.select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    )
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        query = query.where(
            AuditEvent.actor_id.in_(
                sa.select(User.id).where(
                    User.email.contains(filters.actor.lower(), autoescape=True)
                )
            )
        )
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time(), filters.zone))
    if filters.until:
        day_after = filters.until + timedelta(days=1)
        query = query.where(AuditEvent.at < datetime.combine(day_after, time(), filters.zone))
    return query


def object_types(session: Session) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        )
    )


CSV_COLUMNS = ("id", "at_utc", "actor_email", "action", "object_type", "object_id", "details")


def csv_lines(session: Session, query: sa.Select, batch: int = 500) -> Iterator[str]:
    """The events of ``query`` as CSV, read in batches so that a long trail streams without
    being held in memory."""
    # A generator: the query runs when the response streams, inside its request context. A
    # download stopped half-way closes the generator, and with it the (server-side) cursor.
    events = session.scalars(query.execution_options(yield_per=batch))
    try:
        yield from csvsafe.csv_lines(
            CSV_COLUMNS,
            (
                (
                    event.id,
                    event.at.astimezone(UTC).isoformat(),
                    event.actor.email if event.actor else "",
                    event.action,
                    event.object_type,
                    event.object_id,
                    json.dumps(event.details, ensure_ascii=False, sort_keys=True),
                )
                for event in events
            ),
        )
    finally:
        events.close()
