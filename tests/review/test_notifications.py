"""Mail from the review loop, and reminders that are sent once per company and threshold."""

from datetime import timedelta

import sqlalchemy as sa

from tests.support.filing import answer_everything
from tests.support.http import post, sign_in
from tests.support.review import REVIEW
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.outbox.models import OutboxMessage

PUBLIC = "https://tracker.example.org"


def mails(app, kind=None) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.filter_by(kind=kind)
        messages = db.session.scalars(query).all()
        db.session.expunge_all()
        return messages


def test_each_step_of_the_loop_tells_the_right_people(app, accounts, filing_world):
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, filing_world["disclosure_a"])

    post(officer, "/filing/test-cycle/submit")
    submitted = mails(app, "submitted")
    assert {m.recipient for m in submitted} == {accounts.email("staff"), accounts.email("admin")}
    assert "/review/test-cycle/company-a" in submitted[0].body
    assert "Company A submitted its disclosure" in submitted[0].subject

    post(staff, f"{REVIEW}/comments", item_id="c1.safety-team", body="How many people?")
    comment = mails(app, "comment")
    assert [m.recipient for m in comment] == [accounts.email("officer_a")]  # not company B
    assert "How many people?" in comment[0].body
    assert "/filing/test-cycle/c1#c1.safety-team" in comment[0].body

    post(staff, f"{REVIEW}/decision", action="request_changes", reason="Add the team size.")
    returned = mails(app, "changes_requested")
    assert [m.recipient for m in returned] == [accounts.email("officer_a")]
    assert "Add the team size." in returned[0].body and "要求修改" in returned[0].body

    post(officer, "/filing/test-cycle/submit")
    post(staff, f"{REVIEW}/decision", action="accept", reason="Good.")
    post(staff, f"{REVIEW}/publish")
    published = mails(app, "published")
    assert [m.recipient for m in published] == [accounts.email("officer_a")]
    assert "/companies/company-a?cycle=test-cycle" in published[0].body


def test_reminders_go_once_per_company_and_threshold(runner, app, accounts, filing_world):
    app.config["BASE_URL"] = PUBLIC
    first = runner.invoke(args=["reminders", "send"])  # due in 10 days: the 14-day one
    assert first.exit_code == 0, first.output
    assert "2 companies reminded, 2 messages in the outbox." in first.output
    assert {m.recipient for m in mails(app, "reminder")} == {
        accounts.email("officer_a"),
        accounts.email("officer_b"),
    }
    again = runner.invoke(args=["reminders", "send"])
    assert "0 companies reminded, 0 messages" in again.output
    with app.app_context():
        due = db.session.get(Disclosure, filing_world["disclosure_a"]).cycle.due_on
    later = runner.invoke(
        args=["reminders", "send", "--today", (due - timedelta(days=5)).isoformat()]
    )
    assert "2 companies reminded" in later.output  # the 7-day threshold
    assert len(mails(app, "reminder")) == 4
    after_due = runner.invoke(
        args=["reminders", "send", "--today", (due + timedelta(days=1)).isoformat()]
    )
    assert "0 companies reminded" in after_due.output


def test_companies_that_submitted_are_not_reminded(runner, app, accounts, filing_world):
    app.config["BASE_URL"] = PUBLIC
    with app.app_context():
        db.session.get(Disclosure, filing_world["disclosure_a"]).state = DisclosureState.SUBMITTED
        db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert "1 companies reminded" in result.output
    assert [m.recipient for m in mails(app, "reminder")] == [accounts.email("officer_b")]


def test_the_command_refuses_to_mail_links_to_this_machine(runner, app, accounts, filing_world):
    for base in (None, "http://127.0.0.1:5000", "http://localhost:8000/"):
        app.config["BASE_URL"] = base
        result = runner.invoke(args=["reminders", "send"])
        assert result.exit_code == 2
        assert "No reminder sent" in result.output and "TRACKER_BASE_URL" in result.output
        assert mails(app, "reminder") == []
    app.config["BASE_URL"] = PUBLIC + "/"
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    [mail, _other] = mails(app, "reminder")
    assert f"{PUBLIC}/filing/test-cycle/" in mail.body


def test_each_state_reads_its_own_reminder_with_readable_dates(runner, app, accounts, filing_world):
    app.config["BASE_URL"] = PUBLIC
    with app.app_context():
        disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
        disclosure.state = DisclosureState.CHANGES_REQUESTED
        due = disclosure.cycle.due_on
        db.session.commit()
    runner.invoke(args=["reminders", "send"])
    by_officer = {m.recipient: m for m in mails(app, "reminder")}
    returned = by_officer[accounts.email("officer_a")]
    not_started = by_officer[accounts.email("officer_b")]  # company B has no disclosure
    assert "asked your company for changes" in returned.body
    assert "要求贵企业修改" in returned.body
    assert "not started it yet" in not_started.body and "尚未开始" in not_started.body
    assert "not submitted" not in returned.body
    english = f"{due.day} {due:%b} {due.year}"  # the one style (tracker.domain.dates)
    assert english in returned.body and english in returned.subject
    chinese = f"{due.year}年{due.month}月{due.day}日"
    assert chinese in returned.body and chinese in returned.subject
    assert due.isoformat() not in returned.body


def test_a_bad_date_is_a_usage_error(runner):
    result = runner.invoke(args=["reminders", "send", "--today", "next tuesday"])
    assert result.exit_code == 2
    assert "Invalid value for '--today'" in result.output
