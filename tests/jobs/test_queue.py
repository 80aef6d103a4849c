"""The job queue with the real Redis and real ``tracker worker`` processes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rq.job import Job, JobStatus

from tests.support.http import client_as, csrf_token
from tests.support.jobs import (
    FLAKY,
    SLOW,
    Worker,
    queued_app,
    wait_for,
)
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.jobs import queues, services
from tracker.reports.jobs import jobs as report_jobs
from tracker.reports.models import StoredCycleReport


@pytest.fixture
def qapp(app, prefix, tmp_path):
    """The test app (its database emptied after the test by ``app``) with the queue on."""
    queued = queued_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "queued-instance", prefix)
    yield queued
    with queued.app_context():
        db.session.remove()
        db.engine.dispose()


def fetch(app, job_id: str) -> Job:
    return Job.fetch(job_id, connection=queues.connection(app))


def test_a_worker_runs_a_job_and_a_killed_workers_job_is_run_again(qapp, workers, tmp_path):
    marker = tmp_path / "marker"
    job = services.enqueue(qapp, SLOW, ("kill",), str(marker), 4.0)
    assert job is not None
    assert services.queue_depths(qapp)["reports"] == 1

    first = Worker.start(qapp, tmp_path / "w1", "first")
    workers.append(first)
    wait_for(lambda: marker.exists() and "start" in marker.read_text(), 60, "the job to start")
    assert fetch(qapp, job.id).get_status() is JobStatus.STARTED
    first.kill()  # mid-job: the work horse dies with it
    assert "end" not in marker.read_text()

    # Another worker finds the job lost (no heartbeat), and its Retry puts it back.
    workers.append(Worker.start(qapp, tmp_path / "w2", "second"))
    wait_for(lambda: "end" in marker.read_text(), 90, "the job to be run again to its end")
    wait_for(
        lambda: fetch(qapp, job.id).get_status() is JobStatus.FINISHED, 30, "the job to finish"
    )
    lines = marker.read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["start", "start", "end"]
    assert fetch(qapp, job.id).return_value() == "slept"
    assert services.failed_count(qapp) == 0


def test_one_build_of_an_aggregate_under_two_workers(qapp, demo, workers, tmp_path):
    with qapp.app_context():
        cycle = db.session.scalars(sa.select(Cycle).order_by(Cycle.id.desc())).first()
        assert cycle is not None
        report_jobs(qapp).build_cycle(cycle.id)
        report_jobs(qapp).build_cycle(cycle.id)  # a second process asking: a no-op
        queued_ids = queues.queue(qapp, "reports").get_job_ids()
    assert len(queued_ids) == 2  # one per language, not four
    workers.append(Worker.start(qapp, tmp_path / "w1", "one"))
    workers.append(Worker.start(qapp, tmp_path / "w2", "two"))
    with qapp.app_context():
        wait_for(
            lambda: any(fetch(qapp, i).get_status() is JobStatus.STARTED for i in queued_ids),
            60,
            "a build to start",
        )
        report_jobs(qapp).build_cycle(cycle.id)  # asked again while it runs: still no-op
    wait_for(
        lambda: all(fetch(qapp, i).get_status() is JobStatus.FINISHED for i in queued_ids),
        240,
        "both builds to finish",
    )
    with qapp.app_context():
        rows = db.session.scalars(sa.select(StoredCycleReport).filter_by(cycle_id=cycle.id)).all()
    assert sorted(row.language for row in rows) == ["en", "zh"]
    logs = workers[0].output() + workers[1].output()
    for job_id in queued_ids:
        assert len(fetch(qapp, job_id).results()) == 1  # each language built exactly once
        assert logs.count(f"Job OK ({job_id})") == 1


def test_a_failed_job_is_shown_and_retried_from_the_page(qapp, accounts, workers, tmp_path):
    cause = tmp_path / "cause"
    job = services.enqueue(qapp, FLAKY, ("page",), str(cause))
    assert job is not None
    workers.append(Worker.start(qapp, tmp_path / "w1", "one"))
    wait_for(lambda: services.failed_count(qapp) == 1, 60, "the job to fail")

    admin = client_as(qapp, accounts.ids, "admin")
    page = admin.get("/admin/jobs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Failed (1)" in html
    assert "FileNotFoundError: the file cause is missing" in html
    assert "Traceback" not in html
    assert f"/admin/jobs/{job.id}/retry" in html

    # Without the CSRF token the retry is refused; with it, the job is queued again.
    assert admin.post(f"/admin/jobs/{job.id}/retry").status_code == 400
    assert services.failed_count(qapp) == 1
    cause.write_text("fixed")
    token = csrf_token(admin, "/admin/jobs/")
    answer = admin.post(f"/admin/jobs/{job.id}/retry", data={"csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/admin/jobs/")
    assert "The job is queued again." in admin.get("/admin/jobs/").get_data(as_text=True)
    wait_for(lambda: fetch(qapp, job.id).get_status() is JobStatus.FINISHED, 60, "the retried job")
    assert fetch(qapp, job.id).return_value() == "found"
    assert services.failed_count(qapp) == 0
    # Retrying it again: it is no longer failed.
    token = csrf_token(admin, "/admin/jobs/")
    assert admin.post(f"/admin/jobs/{job.id}/retry", data={"csrf_token": token}).status_code == 404
