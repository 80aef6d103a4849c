"""Moving a disclosure through review to publication, over HTTP or directly."""

from __future__ import annotations

from tests.support.accounts import Accounts
from tests.support.filing import answer_everything
from tests.support.http import post, sign_in
from tracker.db import db, utcnow

REVIEW = "/review/test-cycle/company-a"  # the review page of company A in the filing world


def publish_first_version(app, accounts: Accounts, filing_world: dict):
    """Officer A submits; staff accept and publish version 1. Returns (officer, staff)."""
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    assert post(staff, f"{REVIEW}/decision", action="accept", reason="Fine.").status_code == 303
    assert post(staff, f"{REVIEW}/publish").status_code == 303
    return officer, staff


def publish_as_is(app, disclosure_id: int) -> int:
    """Publish a disclosure's current answers as review would (state set to accepted first, as
    if staff had accepted them); returns the new version number."""
    from tracker.domain.workflow import DisclosureState
    from tracker.filing.models import Disclosure
    from tracker.ledger.services import publish

    with app.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        disclosure.state = DisclosureState.ACCEPTED
        publication = publish(db.session, None, disclosure, utcnow())
        db.session.commit()
        return publication.version
