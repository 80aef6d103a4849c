"""The states a disclosure moves through. The transition table arrives with the review issue."""

from enum import StrEnum


class DisclosureState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    PUBLISHED = "published"


# States in which the company has handed in its answers (used for cycle progress).
SUBMITTED_OR_LATER = frozenset(
    {DisclosureState.SUBMITTED, DisclosureState.ACCEPTED, DisclosureState.PUBLISHED}
)
