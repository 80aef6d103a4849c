"""The workflow table, exhaustively, through the routes people use: every state × every action's
route × every kind of visitor. An action is carried out exactly when the table in
tracker/domain/workflow.py allows it to that side; otherwise the answer is a 403 (wrong side),
a 409 (wrong state) or the sign-in page, and the disclosure stays as it was."""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.support.filing import answer_everything, state_of
from tests.support.http import client_as, csrf_token
from tests.support.review import REVIEW
from tracker.db import db
from tracker.domain.workflow import TRANSITIONS, Action, DisclosureState, Side
from tracker.filing.models import Disclosure, ItemResponse


@dataclass(frozen=True)
class Route:
    action: Action
    side: Side  # who the route is for
    url: str
    data: dict
    success: int


ROUTES = {
    "edit": Route(
        Action.EDIT,
        Side.OFFICER,
        "/filing/test-cycle/items/c1.safety-team",
        {"c1-safety-team-status": "met", "c1-safety-team-narrative": "Changed."},
        302,
    ),
    "submit": Route(Action.SUBMIT, Side.OFFICER, "/filing/test-cycle/submit", {}, 303),
    "officer-reopen": Route(
        Action.REOPEN, Side.OFFICER, "/filing/test-cycle/correction", {"reason": "A typo."}, 303
    ),
    "request-changes": Route(
        Action.REQUEST_CHANGES,
        Side.STAFF,
        f"{REVIEW}/decision",
        {"action": "request_changes", "reason": "More detail."},
        303,
    ),
    "accept": Route(
        Action.ACCEPT,
        Side.STAFF,
        f"{REVIEW}/decision",
        {"action": "accept", "reason": "Fine."},
        303,
    ),
    "publish": Route(Action.PUBLISH, Side.STAFF, f"{REVIEW}/publish", {}, 303),
    "staff-reopen": Route(
        Action.REOPEN,
        Side.STAFF,
        f"{REVIEW}/decision",
        {"action": "reopen", "reason": "Broken link."},
        303,
    ),
}
ROLES = ("anonymous", "officer_a", "officer_b", "staff", "admin")
SIDE = {
    "officer_a": Side.OFFICER,
    "officer_b": Side.OFFICER,
    "staff": Side.STAFF,
    "admin": Side.STAFF,
}


def set_state(app, disclosure_id: int, state: DisclosureState) -> int:
    """Put company A's disclosure in ``state``; returns the answer's version for the edit form."""
    with app.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        disclosure.state = state
        db.session.commit()
        return db.session.scalar(
            sa.select(ItemResponse.version).filter_by(
                disclosure_id=disclosure_id, item_id="c1.safety-team"
            )
        )


@pytest.mark.parametrize("route_name", list(ROUTES))
@pytest.mark.parametrize("state", list(DisclosureState), ids=lambda s: s.value)
def test_every_state_action_and_visitor(app, accounts, filing_world, state, route_name):
    route = ROUTES[route_name]
    disclosure_id = filing_world["disclosure_a"]
    answer_everything(app, disclosure_id)  # so that a submission is refused only by the state
    world = accounts.ids
    for role in ROLES:
        version = set_state(app, disclosure_id, state)
        client = client_as(app, world, role)
        data = route.data | {"csrf_token": csrf_token(client, "/password/forgot")}
        if route.action is Action.EDIT:
            data |= {
                "c1-safety-team-csrf_token": data["csrf_token"],
                "c1-safety-team-version": str(version),
            }
        response = client.post(route.url, data=data)
        after = state_of(app, disclosure_id)
        case = (state.value, route_name, role, response.status_code)

        if role == "anonymous":
            assert response.status_code == 302, case
            assert response.headers["Location"].startswith("/sign-in"), case
            assert after is state, case
            continue
        if SIDE[role] is not route.side:
            assert response.status_code == 403, case
            assert after is state, case
            continue
        if role == "officer_b":
            # Officer B's filing routes act on B's own disclosure, never on A's.
            assert after is state, case
            continue
        expected = TRANSITIONS.get((state, route.action, route.side))
        if expected is None:
            assert response.status_code == 409, case
            assert after is state, case
        else:
            assert response.status_code == route.success, case
            assert after is expected, case
