"""The staff review queue and the read-only review page."""

import re

import sqlalchemy as sa

from tests.support.http import sign_in
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_queue_lists_every_signatory_with_state_counts_and_overdue(
    client, app, accounts, filing_world
):
    sign_in(client, accounts.email("staff"))
    page = text(client.get("/review/?cycle=test-cycle"))
    assert "Company A" in page and "Company B" in page  # B has no disclosure yet
    assert "Draft: 1" in page and "Not started: 1" in page
    assert "overdue" not in page
    with app.app_context():
        cycle = db.session.get(Disclosure, filing_world["disclosure_a"]).cycle
        cycle.due_on = cycle.opens_on  # ten days ago
        db.session.commit()
    overdue = client.get("/review/?cycle=test-cycle").get_data(as_text=True)
    assert overdue.count('class="overdue-row"') == 2


def test_queue_filters_by_state_and_sorts(client, app, accounts, filing_world):
    sign_in(client, accounts.email("admin"))
    drafts = text(client.get("/review/?cycle=test-cycle&state=draft"))
    assert "Company A" in drafts and "Company B" not in drafts
    by_state = client.get("/review/?cycle=test-cycle&sort=state").get_data(as_text=True)
    assert by_state.index("Company B") < by_state.index("Company A")  # not started first
    assert client.get("/review/?cycle=test-cycle&state=bogus&sort=bogus").status_code == 200
    assert client.get("/review/?cycle=no-such-cycle").status_code == 404


def test_review_page_shows_answers_confidential_notes_and_files_to_staff(
    client, accounts, filing_world
):
    sign_in(client, accounts.email("staff"))
    html = client.get("/review/test-cycle/company-a").get_data(as_text=True)
    assert "We have a team." in html
    assert "SECRET-NOTE-OF-A" in html  # staff read confidential notes
    assert f"/filing/attachments/{filing_world['attachment']}" in html
    assert "This company has not started its disclosure." in text(
        client.get("/review/test-cycle/company-b")
    )
    assert client.get("/review/test-cycle/no-such-company").status_code == 404


def test_officers_cannot_open_the_review_pages(client, accounts, filing_world):
    sign_in(client, accounts.email("officer_b"))
    assert client.get("/review/test-cycle/company-a").status_code == 403
    assert client.get("/review/?cycle=test-cycle").status_code == 403


def test_queue_runs_a_fixed_number_of_queries(client, app, accounts, filing_world, count_queries):
    sign_in(client, accounts.email("staff"))
    with count_queries() as few:
        client.get("/review/?cycle=test-cycle")
    with app.app_context():
        from tracker.companies.models import Company

        cycle_id = db.session.get(Disclosure, filing_world["disclosure_a"]).cycle_id
        version_id = db.session.get(Disclosure, filing_world["disclosure_a"]).checklist_version_id
        for i in range(30):
            company = Company(
                slug=f"more-{i}",
                name_en=f"More {i}",
                name_zh=f"更多{i}",
                is_signatory=True,
                signatory_confirmed=True,
            )
            db.session.add(
                Disclosure(
                    company=company,
                    cycle_id=cycle_id,
                    checklist_version_id=version_id,
                    state=DisclosureState.DRAFT,
                )
            )
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Disclosure)) == 31
    with count_queries() as many:
        client.get("/review/?cycle=test-cycle")
    assert many.count == few.count


def test_queue_searches_companies_and_sorts_by_due_date(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    found = client.get("/review/?cycle=test-cycle&q=company%20b").get_data(as_text=True)
    assert ">Company B</a>" in found and ">Company A</a>" not in found
    chinese = client.get("/review/?cycle=test-cycle&q=甲").get_data(as_text=True)
    assert ">Company A</a>" in chinese and ">Company B</a>" not in chinese
    none = client.get("/review/?cycle=test-cycle&q=zzz")
    assert none.status_code == 200 and "No disclosure matches." in none.get_data(as_text=True)
    by_due = client.get("/review/?cycle=test-cycle&sort=due").get_data(as_text=True)
    assert by_due.index(">Company A</a>") < by_due.index(">Company B</a>")
    assert 'value="due" selected' in by_due
