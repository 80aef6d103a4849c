"""Recording actions in the audit trail."""

from typing import Any

from sqlalchemy.orm import Session

from tracker.audit.models import AuditEvent
from tracker.auth.models import User


def record(session: Session, actor: User | None, action: str, object_type: str,
           object_id: int | None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event; it is committed with the change it describes."""
    event = AuditEvent(actor=actor, action=action, object_type=object_type, object_id=object_id,
                       details=details or {})
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
