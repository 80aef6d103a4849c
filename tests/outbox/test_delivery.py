"""The outbox: delivery to a real SMTP server, retries and back-off, the CLI, the admin pages."""

from __future__ import annotations

import email
import email.policy
import html
import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.support.http import sign_in
from tests.support.mail import SENDER, free_port, mail_settings, start_smtp_server
from tracker.db import db, utcnow
from tracker.outbox import services
from tracker.outbox.models import MessageStatus, OutboxMessage

SUBJECT_ZH = "重设密码 / Reset your password"
BODY_ZH = (
    "张三，您好：\n\n请打开以下链接重设密码：\nhttps://tracker.test.example/password/reset/abc\n\n"
    "人工智能安全承诺追踪平台\n"
)


@pytest.fixture
def smtp_server():
    controller, collector = start_smtp_server()
    try:
        yield controller, collector
    finally:
        controller.stop()


def configure_mail(app, port: int) -> None:
    app.config.update(mail_settings(port))


@pytest.fixture
def mail_app(app, smtp_server):
    """The app configured to send through the test SMTP server; yields the collector."""
    controller, collector = smtp_server
    configure_mail(app, controller.port)
    return collector


def queue(
    app, recipient: str, subject: str = "Hello", body: str = "Hello there.\n", kind: str = "test"
) -> int:
    with app.app_context():
        message = services.enqueue(db.session, recipient, subject, body, kind)
        db.session.commit()
        return message.id


def load(app, message_id: int) -> OutboxMessage:
    """A detached copy of a message as stored now."""
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def set_next_attempt(app, message_id: int, when) -> None:
    with app.app_context():
        db.session.get(OutboxMessage, message_id).next_attempt_at = when
        db.session.commit()


def send(runner):
    return runner.invoke(args=["outbox", "send"])


# --- delivery -------------------------------------------------------------------------------


def test_send_delivers_queued_messages_intact(app, runner, mail_app):
    first = queue(app, "officer_a@test.example", SUBJECT_ZH, BODY_ZH, "password_reset")
    second = queue(
        app, "officer_b@test.example", "Your invitation", "Welcome aboard.\n", "invitation"
    )
    before = utcnow()

    result = send(runner)

    assert result.exit_code == 0, result.output
    assert "2 sent, 0 not sent" in result.output
    assert len(mail_app.envelopes) == 2
    by_recipient = {tuple(e.rcpt_tos): e for e in mail_app.envelopes}
    assert set(by_recipient) == {("officer_a@test.example",), ("officer_b@test.example",)}

    envelope = by_recipient[("officer_a@test.example",)]
    assert envelope.mail_from == SENDER
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert received["From"] == SENDER
    assert received["To"] == "officer_a@test.example"
    assert received["Subject"] == SUBJECT_ZH
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content().replace("\r\n", "\n") == BODY_ZH
    assert received["Message-ID"] and received["Date"]

    other = email.message_from_bytes(
        by_recipient[("officer_b@test.example",)].original_content, policy=email.policy.default
    )
    assert other["Subject"] == "Your invitation"
    assert other.get_content().replace("\r\n", "\n") == "Welcome aboard.\n"

    for message_id in (first, second):
        message = load(app, message_id)
        assert message.status is MessageStatus.SENT
        assert message.attempts == 1
        assert message.last_error is None
        assert before <= message.sent_at <= utcnow()


def test_a_chinese_body_is_sent_as_smtp_allows(app, runner, mail_app):
    """SMTP is 7-bit unless MAIL FROM says BODY=8BITMIME (RFC 6152)."""
    queue(app, "officer_a@test.example", SUBJECT_ZH, BODY_ZH)
    assert send(runner).exit_code == 0
    envelope = mail_app.envelopes[0]
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert (
        received["Content-Transfer-Encoding"] in {"quoted-printable", "base64"}
        or "BODY=8BITMIME" in envelope.mail_options
    )


def test_sent_messages_are_not_sent_again(app, runner, mail_app):
    queue(app, "officer_a@test.example")
    assert "1 sent" in send(runner).output
    again = send(runner)
    assert again.exit_code == 0, again.output
    assert "0 sent, 0 not sent" in again.output
    assert len(mail_app.envelopes) == 1


def test_send_honours_the_limit(app, runner, mail_app):
    ids = [queue(app, f"person{i}@test.example") for i in range(3)]
    result = runner.invoke(args=["outbox", "send", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 not sent" in result.output
    # Oldest first: the third message waits for the next run.
    assert [load(app, i).status for i in ids] == [
        MessageStatus.SENT,
        MessageStatus.SENT,
        MessageStatus.PENDING,
    ]


def test_send_without_a_mail_server_keeps_the_messages(app, runner):
    assert not app.config.get("MAIL_SERVER")
    ids = [queue(app, "officer_a@test.example"), queue(app, "officer_b@test.example")]

    result = send(runner)

    assert result.exit_code == 1
    assert "TRACKER_MAIL_SERVER" in result.output
    assert "2 messages are waiting" in result.output
    for message_id in ids:
        message = load(app, message_id)
        assert message.status is MessageStatus.PENDING
        assert message.attempts == 0


# --- failures, back-off and retry -----------------------------------------------------------


def test_a_refusing_server_leads_to_retries_then_failure(app, runner):
    configure_mail(app, free_port())  # nothing listens there: the connection is refused
    message_id = queue(app, "officer_a@test.example")

    before = utcnow()
    result = send(runner)
    after = utcnow()

    assert result.exit_code == 0, result.output
    assert "0 sent, 1 not sent" in result.output
    assert f"not sent: #{message_id} to officer_a@test.example" in result.output
    message = load(app, message_id)
    assert message.status is MessageStatus.PENDING
    assert message.attempts == 1
    assert message.last_error and "Refused" in message.last_error
    assert message.sent_at is None
    assert before + timedelta(minutes=1) <= message.next_attempt_at <= after + timedelta(minutes=1)

    # Not due yet: a second run at once leaves it alone.
    again = send(runner)
    assert again.exit_code == 0, again.output
    assert "0 sent, 0 not sent" in again.output
    assert load(app, message_id).attempts == 1

    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        set_next_attempt(app, message_id, utcnow() - timedelta(seconds=1))
        before = utcnow()
        result = send(runner)
        after = utcnow()
        assert result.exit_code == 0, result.output
        assert "0 sent, 1 not sent" in result.output
        message = load(app, message_id)
        assert message.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert message.status is MessageStatus.PENDING
            delay = services.retry_delay(attempt)
            assert before + delay <= message.next_attempt_at <= after + delay
    assert message.status is MessageStatus.FAILED
    assert message.last_error

    # A failed message is not tried again, even when its time has come.
    set_next_attempt(app, message_id, utcnow() - timedelta(hours=1))
    assert "0 sent, 0 not sent" in send(runner).output
    assert load(app, message_id).attempts == services.MAX_ATTEMPTS

    retried = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert retried.exit_code == 0, retried.output
    assert f"#{message_id} queued again." in retried.output
    message = load(app, message_id)
    assert message.status is MessageStatus.PENDING
    assert message.attempts == 0
    assert message.next_attempt_at <= utcnow()

    # Only failed messages can be retried.
    not_failed = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert not_failed.exit_code == 1
    assert f"no failed message #{message_id}" in not_failed.output


def test_a_retried_message_is_delivered_once_the_server_is_back(app, runner, smtp_server):
    controller, collector = smtp_server
    configure_mail(app, free_port())
    message_id = queue(app, "officer_a@test.example", SUBJECT_ZH, BODY_ZH)
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        message.status = MessageStatus.FAILED
        message.attempts = services.MAX_ATTEMPTS
        message.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
        db.session.commit()

    assert runner.invoke(args=["outbox", "retry", str(message_id)]).exit_code == 0
    configure_mail(app, controller.port)
    result = send(runner)

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 not sent" in result.output
    message = load(app, message_id)
    assert message.status is MessageStatus.SENT
    assert message.attempts == 1
    assert message.last_error is None
    assert [e.rcpt_tos for e in collector.envelopes] == [["officer_a@test.example"]]


def test_retry_of_an_unknown_message_exits_1(app, runner):
    result = runner.invoke(args=["outbox", "retry", "999999"])
    assert result.exit_code == 1
    assert "no failed message #999999" in result.output


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=2)),
        (3, timedelta(minutes=4)),
        (4, timedelta(minutes=8)),
        (7, timedelta(minutes=64)),
        (9, timedelta(minutes=256)),
        (10, timedelta(hours=6)),  # 512 minutes, capped
        (20, timedelta(hours=6)),
        (40, timedelta(hours=6)),
    ],
)
def test_retry_delay_doubles_up_to_six_hours(attempts, delay):
    assert services.retry_delay(attempts) == delay


# --- the command line -----------------------------------------------------------------------


def test_list_of_an_empty_outbox(runner, app):
    result = runner.invoke(args=["outbox", "list"])
    assert result.exit_code == 0, result.output
    assert "The outbox is empty." in result.output


def test_list_shows_messages_newest_first(app, runner, mail_app):
    older = queue(app, "officer_a@test.example", "First message")
    newer = queue(app, "officer_b@test.example", SUBJECT_ZH, BODY_ZH)

    result = runner.invoke(args=["outbox", "list"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"#{newer}") and lines[1].startswith(f"#{older}")
    assert "pending" in lines[0] and "officer_b@test.example" in lines[0]
    assert lines[0].endswith(SUBJECT_ZH)
    assert lines[1].endswith("First message")

    with app.app_context():
        db.session.get(OutboxMessage, older).status = MessageStatus.SENT
        db.session.commit()
    sent = runner.invoke(args=["outbox", "list", "--status", "sent"])
    assert sent.exit_code == 0, sent.output
    assert "First message" in sent.output and SUBJECT_ZH not in sent.output
    failed = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert "The outbox is empty." in failed.output


def test_show_prints_the_whole_message(app, runner):
    message_id = queue(app, "officer_a@test.example", SUBJECT_ZH, BODY_ZH)
    result = runner.invoke(args=["outbox", "show", str(message_id)])
    assert result.exit_code == 0, result.output
    assert "To: officer_a@test.example" in result.output
    assert f"Subject: {SUBJECT_ZH}" in result.output
    assert "Status: pending (0 attempts)" in result.output
    assert BODY_ZH in result.output


def test_show_of_an_unknown_message_exits_1(app, runner):
    result = runner.invoke(args=["outbox", "show", "999999"])
    assert result.exit_code == 1
    assert "no message #999999" in result.output


# --- the admin pages ------------------------------------------------------------------------


@pytest.fixture
def queued(app, accounts) -> int:
    return queue(app, "officer_a@test.example", SUBJECT_ZH, BODY_ZH, "password_reset")


def test_admin_sees_the_outbox_and_a_message(client, accounts, queued):
    assert sign_in(client, accounts.email("admin")).status_code == 302

    index = client.get("/admin/outbox/")
    assert index.status_code == 200
    page = index.get_data(as_text=True)
    assert html.escape(SUBJECT_ZH) in page
    assert f'href="/admin/outbox/{queued}"' in page
    assert "officer_a@test.example" in page
    assert "No mail server is configured" in page

    detail = client.get(f"/admin/outbox/{queued}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    body = re.search(r'<pre class="mail-body">(.*?)</pre>', text, re.S)
    assert body, text
    assert html.unescape(body.group(1)) == BODY_ZH


def test_admin_filters_the_outbox_by_status(client, accounts, queued):
    assert sign_in(client, accounts.email("admin")).status_code == 302
    assert html.escape(SUBJECT_ZH) in client.get("/admin/outbox/?status=pending").text
    failed = client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert html.escape(SUBJECT_ZH) not in failed
    assert "No message here." in failed


def test_unknown_message_is_404(client, accounts):
    assert sign_in(client, accounts.email("admin")).status_code == 302
    assert client.get("/admin/outbox/999999").status_code == 404


def test_staff_may_not_see_the_outbox(client, accounts, queued):
    assert sign_in(client, accounts.email("staff")).status_code == 302
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get(f"/admin/outbox/{queued}").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, queued):
    response = client.get(f"/admin/outbox/{queued}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_two_senders_never_claim_the_same_message(app):
    """Each sender's claim is a conditional update: the second one gets the next message."""
    first, second = (queue(app, f"p{i}@test.example") for i in range(2))
    with app.app_context():
        engine = db.engine
        with Session(engine) as a, Session(engine) as b:
            claimed_a = services.claim_next_due(a, utcnow())
            a.commit()
            claimed_b = services.claim_next_due(b, utcnow())
            b.commit()
            assert (claimed_a.id, claimed_b.id) == (first, second)
            with Session(engine) as c:
                assert services.claim_next_due(c, utcnow()) is None  # both are taken


def test_a_message_with_a_line_break_in_a_header_fails_at_once(app, runner, mail_app):
    bad = queue(app, "someone@test.example\nBcc: everyone@test.example")
    good = queue(app, "officer_a@test.example")
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert "1 sent, 1 not sent" in result.output
    assert load(app, bad).status is MessageStatus.FAILED
    assert "malformed message" in load(app, bad).last_error
    assert load(app, good).status is MessageStatus.SENT
    assert len(mail_app.envelopes) == 1
