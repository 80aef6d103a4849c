"""The reminders page: who was reminded when, per cycle and company, and a reminder sent now."""

import re

import sqlalchemy as sa

from tests.support.http import post, sign_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db, utcnow
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.outbox.models import OutboxMessage
from tracker.reminders.models import ReminderSent

PAGE = "/review/reminders/?cycle=test-cycle"
SEND_A = "/review/reminders/test-cycle/company-a"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def reminder_mails(app) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(OutboxMessage).filter_by(kind="reminder").order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(found)


def row_of(html: str, slug: str) -> str:
    start = html.index(f'<tr id="{slug}"')
    return html[start : html.index("</tr>", start)]


def test_the_page_lists_every_company_with_its_reminders(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Company A" in html and "Company B" in html
    assert "not yet" in row_of(html, "company-a")
    assert 'action="/review/reminders/test-cycle/company-b"' in html
    # A run of the daily command shows as such.
    app.config["BASE_URL"] = "https://tracker.example.org"
    assert app.test_cli_runner().invoke(args=["reminders", "send"]).exit_code == 0
    after = client.get(PAGE).get_data(as_text=True)
    assert "daily run, 14 days before · 1 officer" in text_of(row_of(after, "company-a"))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_staff_send_a_reminder_now_and_see_it_listed(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    response = post(client, SEND_A)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/review/reminders/?cycle=test-cycle#company-a")
    page = client.get(response.headers["Location"])
    assert "Reminder sent to 1 officer of Company A (in the outbox)." in text(page)
    assert "sent by Staff · 1 officer" in text_of(row_of(page.get_data(as_text=True), "company-a"))
    [mail] = reminder_mails(app)
    assert mail.recipient == accounts.email("officer_a")
    assert "http://localhost/filing/test-cycle/" in mail.body  # the request's own address
    assert "started it but not submitted it yet" in mail.body  # company A has a draft
    with app.app_context():
        [sent] = db.session.scalars(sa.select(ReminderSent)).all()
        assert sent.sent_by_id == accounts.ids["staff"] and sent.days_before is None
        event = db.session.scalars(sa.select(AuditEvent).filter_by(action="reminder.send")).one()
        assert event.object_id == accounts.ids["company_a"]
        assert event.details == {"cycle": "test-cycle", "state": "draft", "recipients": 1}


def test_a_second_reminder_right_after_one_is_refused_and_sends_nothing(
    client, app, accounts, filing_world
):
    sign_in(client, accounts.email("staff"))
    assert post(client, SEND_A).status_code == 303
    again = post(client, SEND_A)
    assert again.status_code == 429
    assert "Company A was already reminded at" in text(again)
    assert "another reminder is possible 12 hours after the last one" in text(again)
    assert len(reminder_mails(app)) == 1
    # The daily run's reminders count as well.
    app.config["BASE_URL"] = "https://tracker.example.org"
    app.test_cli_runner().invoke(args=["reminders", "send"])
    assert post(client, "/review/reminders/test-cycle/company-b").status_code == 429


def test_a_reminder_older_than_the_interval_allows_another(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    assert post(client, SEND_A).status_code == 303
    with app.app_context():
        sent = db.session.scalars(sa.select(ReminderSent)).one()
        sent.sent_at = utcnow().replace(year=utcnow().year - 1)
        db.session.commit()
    assert post(client, SEND_A).status_code == 303
    assert len(reminder_mails(app)) == 2


def test_reminders_that_make_no_sense_are_refused_with_a_reason(
    client, app, accounts, filing_world
):
    sign_in(client, accounts.email("admin"))
    with app.app_context():
        db.session.get(Disclosure, filing_world["disclosure_a"]).state = DisclosureState.SUBMITTED
        db.session.get(User, accounts.ids["officer_b"]).is_active = False
        db.session.commit()
    submitted = post(client, SEND_A)
    assert submitted.status_code == 409
    assert "Company A was not reminded: it has handed in its disclosure" in text(submitted)
    assert "nothing owed" in row_of(submitted.get_data(as_text=True), "company-a")
    nobody = post(client, "/review/reminders/test-cycle/company-b")
    assert nobody.status_code == 409
    assert "none of its compliance officers can sign in yet" in text(nobody)
    with app.app_context():
        db.session.scalars(sa.select(Cycle)).one().closed_at = utcnow()
        db.session.commit()
    closed = post(client, "/review/reminders/test-cycle/company-b")
    assert closed.status_code == 409
    assert "the cycle is not open for filing" in text(closed)
    listed = client.get(PAGE).get_data(as_text=True)
    assert "This cycle is not open for filing" in listed
    assert 'action="/review/reminders/test-cycle/' not in listed
    assert post(client, "/review/reminders/test-cycle/no-such-company").status_code == 404
    assert post(client, "/review/reminders/no-such-cycle/company-a").status_code == 404
    assert reminder_mails(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 0


def test_the_refusal_reads_in_chinese(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    client.get("/language/zh_CN?next=/")
    post(client, SEND_A)
    again = post(client, SEND_A)
    assert again.status_code == 429
    assert "12 小时" in text(again)


def test_officers_cannot_see_or_send_reminders(client, accounts, filing_world):
    sign_in(client, accounts.email("officer_a"))
    assert client.get(PAGE).status_code == 403
    assert post(client, SEND_A).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(
    client, app, accounts, filing_world, count_queries
):
    sign_in(client, accounts.email("staff"))
    assert post(client, SEND_A).status_code == 303  # one reminder, sent by a person
    client.get(PAGE)
    with count_queries() as few:
        client.get(PAGE)
    with app.app_context():
        cycle = db.session.scalars(sa.select(Cycle)).one()
        for company in db.session.scalars(sa.select(Company)):
            for days in range(20):
                db.session.add(
                    ReminderSent(
                        company_id=company.id,
                        cycle_id=cycle.id,
                        days_before=None if days % 2 else days,
                        recipients=1,
                        sent_by_id=accounts.ids["staff"] if days % 2 else None,
                    )
                )
        db.session.commit()
    with count_queries() as many:
        html = client.get(PAGE).get_data(as_text=True)
    assert html.count("sent by Staff") == 21
    assert many.count == few.count
