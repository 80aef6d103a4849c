"""The states a disclosure moves through and who may move it: one table, checked everywhere.

The sets of states the rest of the application asks about (may the officer edit? does the
company still owe its answers? has it handed them in?) are read off the table below, never
listed by hand; tracker.filing.workflow.move is the one function that moves a disclosure.
"""

from enum import StrEnum

from tracker.domain.refusals import Refusal


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


class Side(StrEnum):
    """Who acts, as the workflow sees it (administrators act as staff)."""

    OFFICER = "officer"
    STAFF = "staff"


# (state, action, side) -> the state after the action.
TRANSITIONS: dict[tuple[DisclosureState, Action, Side], DisclosureState] = {
    (DisclosureState.NOT_STARTED, Action.EDIT, Side.OFFICER): DisclosureState.DRAFT,
    (DisclosureState.DRAFT, Action.EDIT, Side.OFFICER): DisclosureState.DRAFT,
    (
        DisclosureState.CHANGES_REQUESTED,
        Action.EDIT,
        Side.OFFICER,
    ): DisclosureState.CHANGES_REQUESTED,
    (DisclosureState.DRAFT, Action.SUBMIT, Side.OFFICER): DisclosureState.SUBMITTED,
    (DisclosureState.CHANGES_REQUESTED, Action.SUBMIT, Side.OFFICER): DisclosureState.SUBMITTED,
    (
        DisclosureState.SUBMITTED,
        Action.REQUEST_CHANGES,
        Side.STAFF,
    ): DisclosureState.CHANGES_REQUESTED,
    (DisclosureState.SUBMITTED, Action.ACCEPT, Side.STAFF): DisclosureState.ACCEPTED,
    (DisclosureState.ACCEPTED, Action.PUBLISH, Side.STAFF): DisclosureState.PUBLISHED,
    # Officers correct their own published disclosure; staff ask them to (as with changes).
    (DisclosureState.PUBLISHED, Action.REOPEN, Side.OFFICER): DisclosureState.DRAFT,
    (DisclosureState.PUBLISHED, Action.REOPEN, Side.STAFF): DisclosureState.CHANGES_REQUESTED,
}

# --- the sets the rest of the application asks about, read off the table -----------------------
#
# Nothing below lists states by hand: change the table and these follow.

Table = dict[tuple[DisclosureState, Action, Side], DisclosureState]


def editable_in(table: Table) -> frozenset[DisclosureState]:
    """The states in which the table lets the officer EDIT."""
    return frozenset(
        state for (state, action, actor) in table if action is Action.EDIT and actor is Side.OFFICER
    )


def handed_in_in(table: Table) -> frozenset[DisclosureState]:
    """The states a SUBMIT leads to, and every state reachable from those without going back
    to the company, that is without a move into a state where the officer edits (changes
    requested, a correction reopened)."""
    editable = editable_in(table)
    reached = {after for (_, action, _), after in table.items() if action is Action.SUBMIT}
    while True:
        further = {
            after
            for (state, _, _), after in table.items()
            if state in reached and after not in editable
        }
        if further <= reached:
            return frozenset(reached)
        reached |= further


# The officer may change the answers (whether the cycle is open is asked separately).
EDITABLE: frozenset[DisclosureState] = editable_in(TRANSITIONS)

# The company still owes its answers for as long as it may edit them.
OWED: frozenset[DisclosureState] = EDITABLE

# The company has handed its answers to the alliance: submitted, or later in review.
HANDED_IN: frozenset[DisclosureState] = handed_in_in(TRANSITIONS)


class TransitionNotAllowed(Refusal):
    """The action is not possible in this state, or not for this actor."""

    code = "workflow.transition_not_allowed"
    status = 409

    def __init__(self, state: DisclosureState, action: Action, actor: Side):
        self.state, self.action, self.actor = state, action, actor
        super().__init__(f"{actor} cannot {action} a disclosure that is {state}")


def next_state(state: DisclosureState, action: Action, actor: Side) -> DisclosureState:
    """The state after ``action``, or TransitionNotAllowed."""
    try:
        return TRANSITIONS[(state, action, actor)]
    except KeyError:
        raise TransitionNotAllowed(state, action, actor) from None


def allowed_actions(state: DisclosureState, actor: Side) -> frozenset[Action]:
    return frozenset(a for (s, a, who) in TRANSITIONS if s == state and who == actor)
