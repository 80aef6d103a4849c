"""The disclosure workflow: one table of who may do what in which state."""

import itertools

import pytest

from tracker.domain.workflow import (
    SUBMITTED_OR_LATER,
    TRANSITIONS,
    Action,
    Actor,
    DisclosureState,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
)

S, A, W = DisclosureState, Action, Actor

# The table as the design states it, written out by hand so that a changed entry shows up here.
EXPECTED = {
    (S.NOT_STARTED, A.EDIT, W.OFFICER): S.DRAFT,
    (S.DRAFT, A.EDIT, W.OFFICER): S.DRAFT,
    (S.CHANGES_REQUESTED, A.EDIT, W.OFFICER): S.CHANGES_REQUESTED,
    (S.DRAFT, A.SUBMIT, W.OFFICER): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.SUBMIT, W.OFFICER): S.SUBMITTED,
    (S.SUBMITTED, A.REQUEST_CHANGES, W.STAFF): S.CHANGES_REQUESTED,
    (S.SUBMITTED, A.ACCEPT, W.STAFF): S.ACCEPTED,
    (S.ACCEPTED, A.PUBLISH, W.STAFF): S.PUBLISHED,
    (S.PUBLISHED, A.REOPEN, W.OFFICER): S.DRAFT,
    (S.PUBLISHED, A.REOPEN, W.STAFF): S.CHANGES_REQUESTED,
}


def test_the_table_is_the_designed_one():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(
    ("key", "after"),
    list(TRANSITIONS.items()),
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v),
)
def test_every_transition_gives_its_state(key, after):
    state, action, actor = key
    assert next_state(state, action, actor) is after


REFUSED = [
    # officers cannot hand in twice, nor review their own work
    (S.SUBMITTED, A.SUBMIT, W.OFFICER),
    (S.SUBMITTED, A.ACCEPT, W.OFFICER),
    (S.SUBMITTED, A.REQUEST_CHANGES, W.OFFICER),
    (S.ACCEPTED, A.PUBLISH, W.OFFICER),
    # nothing to submit yet
    (S.NOT_STARTED, A.SUBMIT, W.OFFICER),
    # no edits once handed in
    (S.SUBMITTED, A.EDIT, W.OFFICER),
    (S.ACCEPTED, A.EDIT, W.OFFICER),
    (S.PUBLISHED, A.EDIT, W.OFFICER),
    # staff review, they do not file
    (S.DRAFT, A.EDIT, W.STAFF),
    (S.NOT_STARTED, A.EDIT, W.STAFF),
    (S.CHANGES_REQUESTED, A.EDIT, W.STAFF),
    (S.DRAFT, A.SUBMIT, W.STAFF),
    # review steps out of order
    (S.SUBMITTED, A.PUBLISH, W.STAFF),
    (S.DRAFT, A.PUBLISH, W.STAFF),
    (S.DRAFT, A.ACCEPT, W.STAFF),
    (S.CHANGES_REQUESTED, A.ACCEPT, W.STAFF),
    (S.ACCEPTED, A.ACCEPT, W.STAFF),
    (S.ACCEPTED, A.REQUEST_CHANGES, W.STAFF),
    (S.PUBLISHED, A.PUBLISH, W.STAFF),
    (S.PUBLISHED, A.REQUEST_CHANGES, W.STAFF),
    # only a published disclosure can be reopened for a correction
    (S.DRAFT, A.REOPEN, W.OFFICER),
    (S.SUBMITTED, A.REOPEN, W.STAFF),
    (S.ACCEPTED, A.REOPEN, W.STAFF),
    (S.ACCEPTED, A.REOPEN, W.OFFICER),
    (S.CHANGES_REQUESTED, A.REOPEN, W.STAFF),
]


@pytest.mark.parametrize("key", REFUSED, ids=lambda v: "-".join(v))
def test_refused_combinations(key):
    assert key not in TRANSITIONS
    with pytest.raises(TransitionNotAllowed) as raised:
        next_state(*key)
    assert (raised.value.state, raised.value.action, raised.value.actor) == key
    assert str(raised.value) == f"{key[2]} cannot {key[1]} a disclosure that is {key[0]}"


def test_every_combination_outside_the_table_is_refused():
    for key in itertools.product(S, A, W):
        if key in TRANSITIONS:
            assert next_state(*key) is TRANSITIONS[key]
        else:
            with pytest.raises(TransitionNotAllowed):
                next_state(*key)


@pytest.mark.parametrize(
    ("state", "actor", "actions"),
    [
        (S.NOT_STARTED, W.OFFICER, {A.EDIT}),
        (S.NOT_STARTED, W.STAFF, set()),
        (S.DRAFT, W.OFFICER, {A.EDIT, A.SUBMIT}),
        (S.DRAFT, W.STAFF, set()),
        (S.SUBMITTED, W.OFFICER, set()),
        (S.SUBMITTED, W.STAFF, {A.REQUEST_CHANGES, A.ACCEPT}),
        (S.CHANGES_REQUESTED, W.OFFICER, {A.EDIT, A.SUBMIT}),
        (S.CHANGES_REQUESTED, W.STAFF, set()),
        (S.ACCEPTED, W.OFFICER, set()),
        (S.ACCEPTED, W.STAFF, {A.PUBLISH}),
        (S.PUBLISHED, W.OFFICER, {A.REOPEN}),
        (S.PUBLISHED, W.STAFF, {A.REOPEN}),
    ],
)
def test_allowed_actions(state, actor, actions):
    assert allowed_actions(state, actor) == frozenset(actions)


def test_allowed_actions_agree_with_next_state():
    for state, actor in itertools.product(S, W):
        for action in A:
            allowed = action in allowed_actions(state, actor)
            try:
                next_state(state, action, actor)
            except TransitionNotAllowed:
                assert not allowed
            else:
                assert allowed


def test_submitted_or_later():
    assert frozenset({S.SUBMITTED, S.ACCEPTED, S.PUBLISHED}) == SUBMITTED_OR_LATER
