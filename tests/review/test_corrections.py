"""Corrections after publication: reopened, reviewed again, published as a new version that
supersedes the last, with every earlier version still readable and nothing changed in place."""

from datetime import timedelta

import sqlalchemy as sa

from tests.support.app import alliance_today
from tests.support.filing import post_item, state_of
from tests.support.http import post, sign_in
from tests.support.review import REVIEW, publish_first_version
from tracker.audit.models import AuditEvent
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.ledger import EntryKind
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Transition
from tracker.ledger.models import LedgerEntry, Publication
from tracker.ledger.services import verify_ledger
from tracker.outbox.models import OutboxMessage

COMPANY_PAGE = "/companies/company-a"
CORRECTED = "A team of twelve, named in the annual report."


def publications(app) -> list[tuple[int, str, int | None]]:
    with app.app_context():
        return [
            (p.version, p.snapshot_sha256, p.supersedes_id)
            for p in db.session.scalars(sa.select(Publication).order_by(Publication.version))
        ]


def test_an_officer_corrects_a_published_disclosure(app, accounts, filing_world):
    disclosure_id = filing_world["disclosure_a"]
    officer, staff = publish_first_version(app, accounts, filing_world)
    [(_, first_hash, _)] = publications(app)

    # A correction needs a reason; without one nothing changes and the form says why.
    refused = post(officer, "/filing/test-cycle/correction", reason="   ")
    assert refused.status_code == 422
    assert "Say what you are correcting" in refused.get_data(as_text=True)
    assert state_of(app, disclosure_id) is DisclosureState.PUBLISHED

    assert (
        post(
            officer, "/filing/test-cycle/correction", reason="The team size was wrong."
        ).status_code
        == 303
    )
    assert state_of(app, disclosure_id) is DisclosureState.DRAFT
    overview = officer.get("/filing/test-cycle/").get_data(as_text=True)
    assert "Correcting published version 1" in overview

    # The officer changes an answer; the public still reads version 1 meanwhile.
    saved = post_item(officer, "c1.safety-team", {"status": "met", "narrative": CORRECTED})
    assert saved.status_code == 302
    public = app.test_client().get(COMPANY_PAGE).get_data(as_text=True)
    assert "We have a team." in public and CORRECTED not in public
    assert "Published version 1, ledger entry" in public

    # The correction goes through review again and is published as version 2; staff see it is
    # a correction.
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    review = staff.get(REVIEW).get_data(as_text=True)
    assert "This is a correction of published version 1: publishing it adds version 2" in review
    assert (
        post(staff, f"{REVIEW}/decision", action="accept", reason="Correction checked.").status_code
        == 303
    )
    assert post(staff, f"{REVIEW}/publish").status_code == 303

    [(v1, hash1, sup1), (v2, _, sup2)] = publications(app)
    assert (v1, hash1, sup1) == (1, first_hash, None)  # version 1 untouched
    with app.app_context():
        first = db.session.scalar(sa.select(Publication).filter_by(version=1))
        assert (v2, sup2) == (2, first.id)
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        assert [(e.kind, e.version, e.supersedes) for e in entries] == [
            (EntryKind.PUBLICATION, 1, None),
            (EntryKind.CORRECTION, 2, 1),
        ]
        assert verify_ledger(db.session) == (2, None)
        steps = db.session.scalars(
            sa.select(Transition.action)
            .filter_by(disclosure_id=disclosure_id)
            .order_by(Transition.id)
        ).all()
        assert [s.value for s in steps] == [
            "submit",
            "accept",
            "publish",
            "reopen",
            "submit",
            "accept",
            "publish",
        ]
        reopened = db.session.scalar(sa.select(AuditEvent).filter_by(action="disclosure.reopen"))
        assert reopened.details["reason"] == "The team size was wrong."

    # The public reads version 2, and version 1 on request, marked as superseded.
    current = app.test_client().get(COMPANY_PAGE).get_data(as_text=True)
    assert CORRECTED in current and "We have a team." not in current
    assert "Published version 2, ledger entry" in current
    assert "Superseded" not in current
    assert 'href="/companies/company-a?cycle=test-cycle&amp;version=1"' in current
    old = app.test_client().get(f"{COMPANY_PAGE}?cycle=test-cycle&version=1")
    assert old.status_code == 200
    old_html = old.get_data(as_text=True)
    assert "We have a team." in old_html and CORRECTED not in old_html
    assert "Superseded: this is version 1, replaced by a correction on" in old_html
    assert app.test_client().get(f"{COMPANY_PAGE}?cycle=test-cycle&version=3").status_code == 404
    ledger = app.test_client().get("/ledger/").get_data(as_text=True)
    assert ledger.count('id="entry-') == 2
    assert 'href="/companies/company-a?cycle=test-cycle&amp;version=1"' in ledger
    assert 'href="/companies/company-a?cycle=test-cycle&amp;version=2"' in ledger
    listed = "/ledger/?company=company-a&amp;cycle=test-cycle#entry-1"
    assert f'<a class="tag" href="{listed}">correction of #1</a>' in ledger


def test_staff_reopen_a_published_disclosure_and_the_officers_are_told(app, accounts, filing_world):
    disclosure_id = filing_world["disclosure_a"]
    _, staff = publish_first_version(app, accounts, filing_world)
    page = staff.get(REVIEW).get_data(as_text=True)
    assert "Reopen for a correction" in page
    refused = post(staff, f"{REVIEW}/decision", action="reopen", reason="")
    assert refused.status_code == 422
    assert state_of(app, disclosure_id) is DisclosureState.PUBLISHED
    assert (
        post(
            staff, f"{REVIEW}/decision", action="reopen", reason="The evidence link is broken."
        ).status_code
        == 303
    )
    assert state_of(app, disclosure_id) is DisclosureState.CHANGES_REQUESTED
    with app.app_context():
        told = db.session.scalars(
            sa.select(OutboxMessage).filter_by(
                recipient=accounts.email("officer_a"), kind="changes_requested"
            )
        ).all()
        assert len(told) == 1
        assert "The evidence link is broken." in told[0].body
    # Reopening twice is not a thing: the disclosure is no longer published.
    again = post(staff, f"{REVIEW}/decision", action="reopen", reason="Again.")
    assert again.status_code == 409


def test_only_a_published_disclosure_can_be_reopened(app, accounts, filing_world):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    response = post(officer, "/filing/test-cycle/correction", reason="Fix it.")
    assert response.status_code == 409
    # The one message for a step the state does not allow (once one of three wordings).
    assert "“Reopen for a correction” is not possible while the disclosure is “Draft”." in (
        response.get_data(as_text=True)
    )
    assert state_of(app, filing_world["disclosure_a"]) is DisclosureState.DRAFT
    # Officers cannot use the staff decision route to reopen, nor reopen another company's.
    assert post(officer, f"{REVIEW}/decision", action="reopen", reason="x").status_code == 403


def test_a_correction_can_be_made_after_the_cycle_closed(app, accounts, filing_world):
    officer, _ = publish_first_version(app, accounts, filing_world)
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="test-cycle"))
        cycle.due_on = alliance_today() - timedelta(days=5)
        cycle.closes_on = alliance_today() - timedelta(days=1)
        db.session.commit()
    assert (
        post(
            officer, "/filing/test-cycle/correction", reason="A typo in the narrative."
        ).status_code
        == 303
    )
    saved = post_item(officer, "c1.safety-team", {"status": "met", "narrative": CORRECTED})
    assert saved.status_code == 302


def test_public_progress_counts_a_disclosure_under_correction_as_published(
    app, accounts, filing_world
):
    officer, _ = publish_first_version(app, accounts, filing_world)
    assert post(officer, "/filing/test-cycle/correction", reason="Typo.").status_code == 303
    home = app.test_client().get("/").get_data(as_text=True)
    assert "1 of 1 disclosures published" in home
