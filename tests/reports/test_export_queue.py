"""``tracker reports export`` with the job queue: the missing reports are built by real
``tracker worker`` processes (two at once), the command waits for them and writes the files;
with no worker it gives up after ``--wait`` with a message; ``--in-process`` renders here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.support.jobs import Worker, forget_prefix, new_prefix, queued_app
from tests.support.review import publish_as_is
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.jobs import services
from tracker.ledger.models import Publication
from tracker.reports.models import StoredCycleReport, StoredReport


@pytest.fixture
def qapp(app, tmp_path):
    prefix = new_prefix()
    queued = queued_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "queued", prefix)
    yield queued
    with queued.app_context():
        db.session.remove()
        db.engine.dispose()
    forget_prefix(prefix)


def export_args(out) -> list[str]:
    return ["reports", "export", "--cycle", "test-cycle", "--out", str(out)]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_workers_build_what_the_export_needs(qapp, accounts, filing_world, tmp_path):
    publish_as_is(qapp, filing_world["disclosure_a"])  # REPORT_JOBS "thread": queued, unbuilt
    assert count(qapp, StoredReport) == 0
    workers = [Worker.start(qapp, tmp_path / f"w{n}", f"w{n}") for n in (1, 2)]
    try:
        out = tmp_path / "out"
        result = qapp.test_cli_runner().invoke(args=export_args(out))
    finally:
        for worker in workers:
            worker.stop()
    assert result.exit_code == 0, result.output
    assert "Built by the workers" in result.output
    assert "4 reports written" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "company-a-test-cycle-v1-en.pdf",
        "company-a-test-cycle-v1-zh.pdf",
        "test-cycle-aggregate-en.pdf",
        "test-cycle-aggregate-zh.pdf",
    ]
    assert len(PdfReader(out / "test-cycle-aggregate-zh.pdf").pages) >= 1
    assert (count(qapp, StoredReport), count(qapp, StoredCycleReport)) == (2, 2)
    # The rendering was the workers': their logs name the jobs, each built once (the
    # publication's PDFs, the aggregate in two languages).
    logs = "".join(worker.output() for worker in workers)
    prefix = qapp.config["JOBS_PREFIX"]
    with qapp.app_context():
        publication = db.session.scalars(sa.select(Publication)).one()
        cycle = db.session.scalars(sa.select(Cycle)).one()
        head = db.session.scalars(sa.select(StoredCycleReport.ledger_sequence)).first()
    built = [f"reports_publication-{publication.id}"]
    built += [f"reports_cycle-{cycle.id}-{head}-{language}" for language in ("en", "zh")]
    for job in built:
        assert logs.count(f"Job OK ({prefix}-{job})") == 1, job
    assert services.failed_count(qapp) == 0


def test_without_a_worker_the_export_gives_up_after_its_wait(
    qapp, accounts, filing_world, tmp_path
):
    publish_as_is(qapp, filing_world["disclosure_a"])
    result = qapp.test_cli_runner().invoke(args=[*export_args(tmp_path / "out"), "--wait", "2"])
    assert result.exit_code == 1
    assert "4 reports are still not built after 2 s: is `tracker worker` running?" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert count(qapp, StoredReport) == 0  # nothing rendered here


def test_in_process_renders_here_even_with_a_queue(qapp, accounts, filing_world, tmp_path):
    publish_as_is(qapp, filing_world["disclosure_a"])
    out = tmp_path / "out"
    result = qapp.test_cli_runner().invoke(args=[*export_args(out), "--lang", "en", "--in-process"])
    assert result.exit_code == 0, result.output
    assert "Built by the workers" not in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "company-a-test-cycle-v1-en.pdf",
        "test-cycle-aggregate-en.pdf",
    ]


def test_a_queue_that_is_gone_is_a_clear_error(app, accounts, filing_world, tmp_path):
    publish_as_is(app, filing_world["disclosure_a"])
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = app.test_cli_runner().invoke(args=export_args(tmp_path / "out"))
    assert result.exit_code == 1
    assert "cannot reach the job queue" in result.output
    assert "run with --in-process to render here" in result.output
    assert "Traceback" not in result.output


def test_a_bad_wait_is_a_usage_error(qapp, tmp_path):
    result = qapp.test_cli_runner().invoke(args=[*export_args(tmp_path / "out"), "--wait", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--wait'" in result.output
