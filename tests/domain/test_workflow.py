"""The disclosure workflow: one table of who may do what in which state."""

import itertools

import pytest

from tracker.domain.workflow import (
    EDITABLE,
    HANDED_IN,
    OWED,
    TRANSITIONS,
    Action,
    DisclosureState,
    Side,
    TransitionNotAllowed,
    allowed_actions,
    editable_in,
    handed_in_in,
    next_state,
)

S, A, W = DisclosureState, Action, Side

# The product's workflow written out by hand, one line per allowed move, so that a changed, added
# or missing entry of TRANSITIONS shows up here: (state, action, actor, the state after).
DESIGNED = [
    # officers edit a disclosure that is not started, a draft, or one sent back for changes
    (S.NOT_STARTED, A.EDIT, W.OFFICER, S.DRAFT),
    (S.DRAFT, A.EDIT, W.OFFICER, S.DRAFT),
    (S.CHANGES_REQUESTED, A.EDIT, W.OFFICER, S.CHANGES_REQUESTED),
    # ... and submit a draft, or one sent back for changes
    (S.DRAFT, A.SUBMIT, W.OFFICER, S.SUBMITTED),
    (S.CHANGES_REQUESTED, A.SUBMIT, W.OFFICER, S.SUBMITTED),
    # staff ask for changes to a submitted disclosure or accept it, and publish an accepted one
    (S.SUBMITTED, A.REQUEST_CHANGES, W.STAFF, S.CHANGES_REQUESTED),
    (S.SUBMITTED, A.ACCEPT, W.STAFF, S.ACCEPTED),
    (S.ACCEPTED, A.PUBLISH, W.STAFF, S.PUBLISHED),
    # a published disclosure is reopened for a correction: by its officer as a draft, by staff
    # as sent back for changes
    (S.PUBLISHED, A.REOPEN, W.OFFICER, S.DRAFT),
    (S.PUBLISHED, A.REOPEN, W.STAFF, S.CHANGES_REQUESTED),
]
EXPECTED = {(state, action, actor): after for state, action, actor, after in DESIGNED}


def test_the_table_is_the_designed_one():
    assert len(EXPECTED) == len(DESIGNED)  # no move written twice
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(
    ("key", "after"),
    list(EXPECTED.items()),
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


def test_exactly_the_designed_moves_are_allowed_and_every_other_is_refused():
    """Every (state, action, actor) there is: the designed moves give their state, and every
    other combination raises TransitionNotAllowed naming it; the table holds nothing else."""
    for key in itertools.product(S, A, W):
        if key in EXPECTED:
            assert next_state(*key) is EXPECTED[key], key
        else:
            with pytest.raises(TransitionNotAllowed) as refused:
                next_state(*key)
            assert (refused.value.state, refused.value.action, refused.value.actor) == key
    assert set(TRANSITIONS) == set(EXPECTED)


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


# --- the sets derived from the table, against the product's rules written out by hand ---------


def test_officers_edit_what_is_not_started_a_draft_or_returned_to_them():
    assert frozenset({S.NOT_STARTED, S.DRAFT, S.CHANGES_REQUESTED}) == EDITABLE


def test_the_company_owes_its_answers_exactly_while_it_may_edit_them():
    assert frozenset({S.NOT_STARTED, S.DRAFT, S.CHANGES_REQUESTED}) == OWED


def test_handed_in_is_submitted_or_later():
    assert frozenset({S.SUBMITTED, S.ACCEPTED, S.PUBLISHED}) == HANDED_IN


def test_every_state_is_with_the_company_or_with_the_alliance_never_both():
    assert frozenset(S) == EDITABLE | HANDED_IN
    assert not EDITABLE & HANDED_IN


def test_nothing_handed_in_is_edited_and_only_editable_states_are_submitted():
    for (state, action, actor), after in TRANSITIONS.items():
        if action is A.EDIT:
            assert state not in HANDED_IN, (state, actor)
        if action is A.SUBMIT:
            assert state in EDITABLE and after in HANDED_IN, state


def test_a_handed_in_disclosure_goes_back_to_the_company_only_by_a_decision_with_a_reason():
    """Leaving HANDED_IN for an editable state is what changes requested and reopening do."""
    for (state, action, actor), after in TRANSITIONS.items():
        if state in HANDED_IN and after in EDITABLE:
            assert action in {A.REQUEST_CHANGES, A.REOPEN}, (state, action, actor)


def test_the_sets_are_read_off_the_table():
    """Derived, not listed: take away editing drafts, and a draft counts as handed in (the
    correction an officer reopens could then only be submitted as it is)."""
    table = {
        key: after for key, after in TRANSITIONS.items() if key != (S.DRAFT, A.EDIT, W.OFFICER)
    }
    assert editable_in(table) == frozenset({S.NOT_STARTED, S.CHANGES_REQUESTED})
    assert handed_in_in(table) == frozenset({S.SUBMITTED, S.ACCEPTED, S.PUBLISHED, S.DRAFT})
    assert editable_in(TRANSITIONS) == EDITABLE and handed_in_in(TRANSITIONS) == HANDED_IN
