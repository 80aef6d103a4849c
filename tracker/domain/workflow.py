"""The states a disclosure moves through and who may move it: one table, checked everywhere."""

from enum import StrEnum


class DisclosureState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    PUBLISHED = "published"


class Action(StrEnum):
    EDIT = "edit"  # save an answer, attach a file
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    ACCEPT = "accept"
    PUBLISH = "publish"
    # Start a correction of a published disclosure: it goes through review again and becomes a
    # new published version; the public keeps reading the old one until then.
    REOPEN = "reopen"


class Actor(StrEnum):
    """Who acts, as the workflow sees it (administrators act as staff)."""

    OFFICER = "officer"
    STAFF = "staff"


# (state, action, actor) -> the state after the action.
TRANSITIONS: dict[tuple[DisclosureState, Action, Actor], DisclosureState] = {
    (DisclosureState.NOT_STARTED, Action.EDIT, Actor.OFFICER): DisclosureState.DRAFT,
    (DisclosureState.DRAFT, Action.EDIT, Actor.OFFICER): DisclosureState.DRAFT,
    (
        DisclosureState.CHANGES_REQUESTED,
        Action.EDIT,
        Actor.OFFICER,
    ): DisclosureState.CHANGES_REQUESTED,
    (DisclosureState.DRAFT, Action.SUBMIT, Actor.OFFICER): DisclosureState.SUBMITTED,
    (DisclosureState.CHANGES_REQUESTED, Action.SUBMIT, Actor.OFFICER): DisclosureState.SUBMITTED,
    (
        DisclosureState.SUBMITTED,
        Action.REQUEST_CHANGES,
        Actor.STAFF,
    ): DisclosureState.CHANGES_REQUESTED,
    (DisclosureState.SUBMITTED, Action.ACCEPT, Actor.STAFF): DisclosureState.ACCEPTED,
    (DisclosureState.ACCEPTED, Action.PUBLISH, Actor.STAFF): DisclosureState.PUBLISHED,
    # Officers correct their own published disclosure; staff ask them to (as with changes).
    (DisclosureState.PUBLISHED, Action.REOPEN, Actor.OFFICER): DisclosureState.DRAFT,
    (DisclosureState.PUBLISHED, Action.REOPEN, Actor.STAFF): DisclosureState.CHANGES_REQUESTED,
}

# States in which the company has handed in its answers (used for cycle progress).
SUBMITTED_OR_LATER = frozenset(
    {DisclosureState.SUBMITTED, DisclosureState.ACCEPTED, DisclosureState.PUBLISHED}
)


class TransitionNotAllowed(Exception):
    """The action is not possible in this state, or not for this actor."""

    def __init__(self, state: DisclosureState, action: Action, actor: Actor):
        self.state, self.action, self.actor = state, action, actor
        super().__init__(f"{actor} cannot {action} a disclosure that is {state}")


def next_state(state: DisclosureState, action: Action, actor: Actor) -> DisclosureState:
    """The state after ``action``, or TransitionNotAllowed."""
    try:
        return TRANSITIONS[(state, action, actor)]
    except KeyError:
        raise TransitionNotAllowed(state, action, actor) from None


def allowed_actions(state: DisclosureState, actor: Actor) -> frozenset[Action]:
    return frozenset(a for (s, a, who) in TRANSITIONS if s == state and who == actor)
