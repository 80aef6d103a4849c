"""Without REDIS_URL nothing changes: jobs run in-process, and the worker says why it is idle."""

from tests.support.http import client_as
from tracker.jobs import services


def test_worker_without_redis_is_a_clear_error(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1
    assert "no Redis is configured (set TRACKER_REDIS_URL" in result.output
    assert "Traceback" not in result.output


def test_worker_with_redis_unreachable_is_a_clear_error(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in result.output


def test_the_page_says_jobs_run_in_process(app, accounts):
    page = client_as(app, accounts.ids, "admin").get("/admin/jobs/")
    assert page.status_code == 200
    assert "No job queue is configured" in page.get_data(as_text=True)
    assert services.queue_depths(app) == {}
    assert services.failed_count(app) == 0


def test_a_redis_that_is_gone_does_not_break_what_asked_for_a_build(app, caplog):
    from tracker.reports.jobs import jobs as report_jobs

    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", REPORT_JOBS="thread")
    with app.app_context():
        assert report_jobs(app).build_publication(1) is None
    assert "Could not queue the reports of publication 1" in caplog.text
