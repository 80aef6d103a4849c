"""The product's own work through the queue, with the real Redis and a real ``tracker worker``:
a publication over HTTP whose PDFs, aggregate and mail a worker produces, the checkpoint sent
to real witnesses (retried while one is down), and mail the server refused followed up by a
job when its back-off ends."""

from __future__ import annotations

import email
import email.policy

import pytest
import sqlalchemy as sa
from rq.job import Job, JobStatus

from tests.support.jobs import Worker, queued_app, wait_for
from tests.support.mail import free_port, mail_settings, start_smtp_server
from tests.support.review import publish_as_is, publish_first_version
from tests.support.witness import Witness
from tracker.db import db
from tracker.domain.tlog import PolicyWitness, policy_text
from tracker.jobs import queues, services
from tracker.ledger import log
from tracker.ledger.keys import key_path, log_key
from tracker.ledger.models import WitnessState
from tracker.ledger.policy import log_policy
from tracker.outbox import services as outbox
from tracker.outbox.models import MessageStatus, OutboxMessage
from tracker.reports.models import StoredCycleReport, StoredReport


@pytest.fixture
def smtp():
    controller, collector = start_smtp_server()
    yield controller, collector
    controller.stop()


@pytest.fixture
def make_queued(app, prefix, tmp_path):
    """Makes an app on the test's database with the queue on, signing with the test app's log
    key; its connections are closed after the test."""
    made = []

    def make(**settings):
        queued = queued_app(
            app.config["SQLALCHEMY_DATABASE_URI"],
            tmp_path / "queued-instance",
            prefix,
            LEDGER_KEY_FILE=str(key_path(app)),
            LEDGER_POLICY_FILE=app.config["LEDGER_POLICY_FILE"],
            **settings,
        )
        made.append(queued)
        return queued

    yield make
    for queued in made:
        with queued.app_context():
            db.session.remove()
            db.engine.dispose()


def worker_env(app) -> dict[str, str]:
    """What the worker needs besides the database and the queue: the log's key and policy,
    and the mail server when the app has one."""
    env = {
        "TRACKER_LEDGER_KEY": app.config["LEDGER_KEY_FILE"],
        "TRACKER_LEDGER_POLICY": app.config["LEDGER_POLICY_FILE"],
    }
    if app.config.get("MAIL_SERVER"):
        env |= {
            "TRACKER_MAIL_SERVER": app.config["MAIL_SERVER"],
            "TRACKER_MAIL_PORT": str(app.config["MAIL_PORT"]),
            "TRACKER_MAIL_SECURITY": app.config["MAIL_SECURITY"],
            "TRACKER_MAIL_SENDER": app.config["MAIL_SENDER"],
        }
    return env


def jobs_of(app, name: str) -> list[Job]:
    """Every job of the test's queues whose id names the kind ``name`` ("ledger_cosign")."""
    redis = queues.connection(app)
    prefix = app.config["JOBS_PREFIX"]
    ids = {
        key.decode().removeprefix("rq:job:")
        for key in redis.scan_iter(f"rq:job:{prefix}-{name}*", count=1000)
    }
    return [Job.fetch(job_id, connection=redis) for job_id in sorted(ids)]


def test_a_publication_over_http_is_rendered_mailed_and_aggregated_by_a_worker(
    accounts, filing_world, make_queued, workers, smtp, tmp_path
):
    controller, collector = smtp
    qapp = make_queued(RENDER_REPORTS_ON_PUBLISH=True, **mail_settings(controller.port))
    publish_first_version(qapp, accounts, filing_world)
    # The request only queued the work: nothing is rendered or sent yet.
    with qapp.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredCycleReport)) == 0
    depths = services.queue_depths(qapp)
    assert depths["reports"] == 3  # the publication's PDFs, the aggregate in en and zh
    assert depths["outbox"] == 1  # one delivery job for every message queued
    with qapp.app_context():
        recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert accounts.email("officer_a") in recipients  # told of the publication
    assert collector.envelopes == []

    workers.append(Worker.start(qapp, tmp_path / "w1", "one", worker_env(qapp)))

    def done() -> bool:
        with qapp.app_context():
            reports = db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport))
            aggregates = db.session.scalar(
                sa.select(sa.func.count()).select_from(StoredCycleReport)
            )
            unsent = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .filter(OutboxMessage.status != MessageStatus.SENT)
            )
            db.session.remove()
        return reports == 2 and aggregates == 2 and unsent == 0

    wait_for(done, 240, "the worker to render both PDFs, both aggregates and send the mail")
    assert services.failed_count(qapp) == 0
    delivered = {
        email.message_from_bytes(envelope.content, policy=email.policy.default)["To"]
        for envelope in collector.envelopes
    }
    assert delivered == recipients

    # The stored PDF is what the public download serves, with no rendering in the request.
    answer = qapp.test_client().get("/companies/company-a/report.pdf")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    with qapp.app_context():
        stored = db.session.scalars(sa.select(StoredReport).filter_by(language="en")).one()
    assert answer.headers["ETag"].strip('"') == stored.sha256
    assert answer.get_data().startswith(b"%PDF-")
    answer.close()


def test_the_checkpoint_reaches_the_witnesses_through_the_queue_and_is_retried(
    app, filing_world, make_queued, workers, tmp_path
):
    spec = f"{log_key(app).name}={log_key(app).verifier.vkey}"
    started = [Witness.start(tmp_path / f"wit{n}", f"w{n}.test/witness", [spec]) for n in (1, 2)]
    try:
        listed = [PolicyWitness(f"W{n}", w.vkey, w.url) for n, w in enumerate(started, 1)]
        policy_file = app.config["LEDGER_POLICY_FILE"]
        with open(policy_file, "w") as out:
            out.write(policy_text(log_key(app).verifier.vkey, listed, None))
        qapp = make_queued(LEDGER_COSIGN_JOBS="thread", REPORT_JOBS="off")
        started[1].stop()  # the second witness is down when the checkpoint is signed

        publish_as_is(qapp, filing_world["disclosure_a"])
        [job] = jobs_of(qapp, "ledger_cosign")
        assert job.get_status() is JobStatus.QUEUED
        workers.append(Worker.start(qapp, tmp_path / "w1", "one", worker_env(qapp)))

        # The first attempt reaches W1 only: the job fails and waits for its retry (30 s).
        wait_for(lambda: job.get_status(refresh=True) is JobStatus.SCHEDULED, 60, "a retry")
        assert "WitnessesFailed: 1 of 2 witnesses did not cosign" in workers[0].output()
        with qapp.app_context():
            assert log.latest_cosigned(db.session, log_policy().policy) is None
            states = db.session.scalars(sa.select(WitnessState).order_by(WitnessState.witness))
            assert [(s.witness, s.cosigned_size) for s in states] == [
                ("w1.test/witness", 1),
                ("w2.test/witness", 0),
            ]

        started[1].restart()

        def cosigned() -> bool:
            with qapp.app_context():
                found = log.latest_cosigned(db.session, log_policy().policy)
                db.session.remove()
            return found is not None and found.size == 1

        wait_for(cosigned, 120, "the retried job to reach both witnesses")
        wait_for(lambda: job.get_status(refresh=True) is JobStatus.FINISHED, 30, "the job's end")
        assert job.return_value() == "2 witnesses"
        assert services.failed_count(qapp) == 0
    finally:
        for witness in started:
            witness.stop()


def test_mail_the_server_refused_is_retried_by_a_later_job(make_queued, workers, tmp_path):
    away = free_port()  # nothing listens there: the first delivery is refused
    qapp = make_queued(**mail_settings(away))
    with qapp.app_context():
        message_id = outbox.enqueue(db.session, "reader@test.example", "Hello", "Hi.\n", "test").id
        db.session.commit()  # hands a delivery job to the queue
    assert services.queue_depths(qapp)["outbox"] == 1
    workers.append(Worker.start(qapp, tmp_path / "w1", "one", worker_env(qapp)))

    def attempted() -> bool:
        with qapp.app_context():
            message = db.session.get(OutboxMessage, message_id)
            db.session.remove()
        return message is not None and message.attempts == 1

    wait_for(attempted, 60, "the first delivery attempt")
    with qapp.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message.status is MessageStatus.PENDING
        due = message.next_attempt_at
    # The job asked for a follow-up when the message's back-off ends.
    [later] = jobs_of(qapp, "outbox_send_later")
    assert later.get_status() is JobStatus.SCHEDULED
    assert later.id.endswith(str(int(due.timestamp())))
    assert services.failed_count(qapp) == 0  # a refused delivery is the message's, not the job's
