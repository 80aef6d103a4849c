"""The review loop over HTTP: submit, comment, request changes, resubmit, accept, publish."""

import re

import sqlalchemy as sa

from tests.support.filing import answer_everything, state_of
from tests.support.http import post, sign_in
from tests.support.review import REVIEW
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Transition
from tracker.ledger.models import LedgerEntry
from tracker.review.models import Comment


def test_the_whole_loop(app, accounts, filing_world):
    disclosure_id = filing_world["disclosure_a"]
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, disclosure_id)

    # The officer submits.
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    assert state_of(app, disclosure_id) is DisclosureState.SUBMITTED

    # Staff comment on one item and request changes, with a reason.
    assert (
        post(
            staff,
            f"{REVIEW}/comments",
            item_id="c1.safety-team",
            body="Please name the team's size.",
        ).status_code
        == 303
    )
    refused = post(staff, f"{REVIEW}/decision", action="request_changes", reason="  ")
    assert refused.status_code == 422
    assert "Give a reason: the company reads it." in refused.get_data(as_text=True)
    assert (
        post(
            staff,
            f"{REVIEW}/decision",
            action="request_changes",
            reason="One item needs more detail.",
        ).status_code
        == 303
    )
    assert state_of(app, disclosure_id) is DisclosureState.CHANGES_REQUESTED

    # The officer sees the reason, the comment and the highlighted item, and answers.
    overview = officer.get("/filing/test-cycle/").get_data(as_text=True)
    assert "One item needs more detail." in overview
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    assert 'class="item card filing-item needs-change"' in page
    assert "Please name the team&#39;s size." in page  # escaped, as every user text
    assert (
        post(
            officer,
            "/filing/test-cycle/comments",
            item_id="c1.safety-team",
            body="Twelve people; added to the narrative.",
        ).status_code
        == 303
    )
    assert "Twelve people" in staff.get(REVIEW).get_data(as_text=True)

    # Resubmit, accept, publish.
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    assert (
        post(
            staff, f"{REVIEW}/decision", action="accept", reason="Complete and consistent."
        ).status_code
        == 303
    )
    published = post(staff, f"{REVIEW}/publish")
    assert published.status_code == 303
    assert state_of(app, disclosure_id) is DisclosureState.PUBLISHED
    again = post(staff, f"{REVIEW}/publish")  # a second click: nothing new, said so
    assert again.status_code == 303
    assert again.headers["Location"] == REVIEW
    assert "Already published as version 1 at " in staff.get(REVIEW).get_data(as_text=True)

    # The public sees it, with its ledger entry.
    public = app.test_client().get("/companies/company-a").get_data(as_text=True)
    assert "Published version 1, ledger entry" in public
    assert "Please name" not in public  # comments are not public
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert entry.company_slug == "company-a"
        steps = db.session.scalars(
            sa.select(Transition.action)
            .where(Transition.disclosure_id == disclosure_id)
            .order_by(Transition.id)
        ).all()
        assert [s.value for s in steps] == [
            "submit",
            "request_changes",
            "submit",
            "accept",
            "publish",
        ]
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {
            "disclosure.submit",
            "disclosure.request_changes",
            "disclosure.accept",
            "disclosure.publish",
            "comment.add",
        } <= actions
    ledger = app.test_client().get("/ledger/").get_data(as_text=True)
    assert f'title="{entry.entry_hash}"' in ledger


def test_a_decision_the_state_does_not_allow_is_a_409(app, accounts, filing_world):
    staff = app.test_client()
    sign_in(staff, accounts.email("staff"))
    response = post(staff, f"{REVIEW}/decision", action="accept", reason="Looks fine.")
    assert response.status_code == 409
    assert re.search(
        r"“Accept” is not possible while the disclosure is “Draft”", response.get_data(as_text=True)
    )
    assert state_of(app, filing_world["disclosure_a"]) is DisclosureState.DRAFT
    assert post(staff, f"{REVIEW}/decision", action="publish-now", reason="x").status_code == 422


def test_comment_mistakes_keep_the_text(app, accounts, filing_world):
    staff = app.test_client()
    sign_in(staff, accounts.email("staff"))
    too_long = "x" * 5001
    response = post(staff, f"{REVIEW}/comments", item_id="c1.safety-team", body=too_long)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A comment may have at most 5000 characters." in html
    assert too_long in html  # nothing lost
    assert post(staff, f"{REVIEW}/comments", item_id="c9.nothing", body="hello").status_code == 404
    assert post(staff, f"{REVIEW}/comments", body="").status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_officers_only_comment_on_their_own_disclosure(app, accounts, filing_world):
    officer_b = app.test_client()
    sign_in(officer_b, accounts.email("officer_b"))
    # B has no disclosure in this cycle yet: nothing to comment on, and A's is out of reach.
    assert post(officer_b, "/filing/test-cycle/comments", body="hello").status_code == 404
    assert officer_b.get(REVIEW).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0
