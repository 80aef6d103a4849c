"""What a company changed in its answers since a moment (staff asking for changes): for each
item, the fields whose value then differs from the value now, read from the answer's revisions.

Plain data in, plain data out: a revision is the answer's snapshot before and after one save
(tracker.filing.services.snapshot), so the answer at the moment is the ``before`` of the first
save after it, and the answer now is the ``after`` of the last one. A field changed and changed
back is not a change.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The fields staff compare, in the order the review page shows them; the texts get a word diff.
TEXT_FIELDS = ("not_applicable_reason", "narrative", "narrative_translation", "confidential_note")
FIELDS = (
    "status",
    "not_applicable_reason",
    "narrative",
    "narrative_language",
    "narrative_translation",
    "confidential_note",
    "evidence_links",
    "structured",
    "results",
)
# An absent field and an empty one mean the same: no answer.
_EMPTY: dict[str, Any] = {
    "status": None,
    "evidence_links": [],
    "structured": {},
    "results": [],
}


@dataclass(frozen=True)
class FieldChange:
    field: str  # one of FIELDS
    before: Any
    after: Any

    @property
    def is_text(self) -> bool:
        return self.field in TEXT_FIELDS


@dataclass(frozen=True)
class ItemChanges:
    """An item's answer at the moment and now, and the fields that differ."""

    item_id: str
    new: bool  # no answer at the moment: the company answered the item since
    fields: tuple[FieldChange, ...]


def _value(snapshot: Mapping[str, Any], field: str) -> Any:
    value = snapshot.get(field)
    if value is None or value == "":
        return _EMPTY.get(field, "")
    return value


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields of two answer snapshots that differ, in FIELDS order."""
    return tuple(
        FieldChange(field, _value(before, field), _value(after, field))
        for field in FIELDS
        if _value(before, field) != _value(after, field)
    )


def changes_since(
    revisions: Iterable[tuple[str, Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, ItemChanges]:
    """Item id -> its changes, from the revisions saved since the moment as (item id, before,
    after), oldest first; items whose answer ended as it was are left out."""
    first: dict[str, Mapping[str, Any]] = {}
    last: dict[str, Mapping[str, Any]] = {}
    for item_id, before, after in revisions:
        first.setdefault(item_id, before)
        last[item_id] = after
    result = {}
    for item_id, before in first.items():
        fields = field_changes(before, last[item_id])
        if fields:
            result[item_id] = ItemChanges(item_id, not before, fields)
    return result
