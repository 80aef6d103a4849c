"""Publishing asks first, on a page naming company, cycle and version; a second publish of the
same disclosure is answered on the review page, not as an error; the PDFs are rendered outside
the request."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.filing import answer_everything, state_of
from tests.support.http import client_as, csrf_token, post
from tests.support.review import REVIEW, publish_as_is
from tracker.db import db
from tracker.domain.languages import ZH
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.i18n import LANGUAGE_COOKIE
from tracker.ledger.models import LedgerEntry, Publication
from tracker.reports.jobs import ReportJobs, jobs
from tracker.reports.models import StoredReport


def accepted(app, disclosure_id: int) -> None:
    answer_everything(app, disclosure_id)
    with app.app_context():
        db.session.get(Disclosure, disclosure_id).state = DisclosureState.ACCEPTED
        db.session.commit()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_review_page_leads_to_a_confirmation_that_names_what_publishing_does(
    app, accounts, filing_world
):
    accepted(app, filing_world["disclosure_a"])
    staff = client_as(app, accounts.ids, "staff")
    review = staff.get(REVIEW).get_data(as_text=True)
    assert f'href="{REVIEW}/publish"' in review
    assert f'action="{REVIEW}/publish"' not in review  # no one-click publishing
    page = staff.get(f"{REVIEW}/publish")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Publish Company A?" in text
    assert "Test cycle" in text
    assert "This cannot be undone." in text
    assert "Publish version 1" in text
    assert f'action="{REVIEW}/publish"' in text
    assert "It corrects version" not in text
    assert count(app, LedgerEntry) == 0  # looking publishes nothing
    assert state_of(app, filing_world["disclosure_a"]) is DisclosureState.ACCEPTED


def test_a_correction_is_confirmed_as_the_next_version(app, accounts, filing_world):
    disclosure_id = filing_world["disclosure_a"]
    answer_everything(app, disclosure_id)
    publish_as_is(app, disclosure_id)
    accepted(app, disclosure_id)  # a correction, accepted again
    staff = client_as(app, accounts.ids, "staff")
    text = staff.get(f"{REVIEW}/publish").get_data(as_text=True)
    assert "Publish version 2" in text
    assert "It corrects version 1, which stays readable" in text


def test_the_confirmation_reads_in_chinese(app, accounts, filing_world):
    accepted(app, filing_world["disclosure_a"])
    staff = client_as(app, accounts.ids, "staff")
    staff.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    text = staff.get(f"{REVIEW}/publish").get_data(as_text=True)
    assert "发布甲公司？" in text
    assert "此操作无法撤销。" in text
    assert "发布第 1 版" in text


def test_no_confirmation_for_what_cannot_be_published(app, accounts, filing_world):
    staff = client_as(app, accounts.ids, "staff")
    draft = staff.get(f"{REVIEW}/publish")  # the filing world's disclosure is a draft
    assert draft.status_code == 409
    assert "is not possible while the disclosure is" in draft.get_data(as_text=True)
    publish_as_is(app, filing_world["disclosure_a"])
    published = staff.get(f"{REVIEW}/publish")
    assert published.status_code == 302
    assert published.headers["Location"] == REVIEW
    assert "Already published as version 1 at " in staff.get(REVIEW).get_data(as_text=True)


def test_publishing_twice_is_one_entry_and_the_second_is_told(app, accounts, filing_world):
    accepted(app, filing_world["disclosure_a"])
    staff = client_as(app, accounts.ids, "staff")
    first = post(staff, f"{REVIEW}/publish")
    assert first.status_code == 303
    assert "Published as version 1, ledger entry #1." in staff.get(REVIEW).get_data(as_text=True)
    second = post(staff, f"{REVIEW}/publish")
    assert second.status_code == 303
    assert second.headers["Location"] == REVIEW
    page = staff.get(REVIEW).get_data(as_text=True)
    assert "Already published as version 1 at " in page and "by Staff." in page
    assert count(app, LedgerEntry) == 1
    assert count(app, Publication) == 1
    # A script asking for JSON still gets the refusal with its code.
    api = staff.post(
        f"{REVIEW}/publish",
        data={"csrf_token": csrf_token(staff, "/account/")},
        headers={"Accept": "application/json"},
    )
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "workflow.already_moved"


def test_publishing_returns_at_once_and_the_pdfs_are_rendered_by_the_job(
    app, accounts, filing_world, monkeypatch
):
    accepted(app, filing_world["disclosure_a"])
    app.config["RENDER_REPORTS_ON_PUBLISH"] = True
    app.config["REPORT_JOBS"] = "thread"
    asked: list[tuple[str, int]] = []
    # The thread's work is recorded, not run: the request must not render anything itself.
    monkeypatch.setattr(ReportJobs, "_ask", lambda self, job: asked.append(job))
    staff = client_as(app, accounts.ids, "staff")
    published = post(staff, f"{REVIEW}/publish")
    assert published.status_code == 303
    assert "Its PDF reports are being prepared" in staff.get(REVIEW).get_data(as_text=True)
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication))
        cycle_id = publication.cycle_id
        publication_id = publication.id
    assert asked == [("publication", publication_id), ("cycle", cycle_id)]
    assert count(app, StoredReport) == 0
    monkeypatch.undo()
    app.config["REPORT_JOBS"] = "inline"
    with app.app_context():
        jobs(app).build_publication(publication_id)
        stored = db.session.scalars(sa.select(StoredReport.language)).all()
    assert sorted(stored) == ["en", "zh"]


def test_a_failing_render_in_the_job_leaves_the_publication_standing(
    app, accounts, filing_world, monkeypatch
):
    accepted(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])
    app.config["REPORT_JOBS"] = "thread"

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr("tracker.reports.services.render_all", broken)
    with app.app_context():
        publication_id = db.session.scalar(sa.select(Publication.id))
    future = ReportJobs(app).build_publication(publication_id)
    future.result(timeout=60)  # logged, not raised
    assert count(app, StoredReport) == 0
    assert count(app, LedgerEntry) == 1
