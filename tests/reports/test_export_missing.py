"""``tracker reports export`` when a stored PDF has gone from the report folder: each missing
one is named with its path and hash, the others are written, and the exit status is 1; never a
traceback."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.support.review import publish_as_is
from tracker.db import db
from tracker.reports.models import StoredCycleReport, StoredReport
from tracker.reports.services import report_path


def stored_path(app, model, language: str) -> tuple[Path, str]:
    with app.app_context():
        row = db.session.scalar(sa.select(model).filter_by(language=language))
        return report_path(Path(app.config["REPORT_DIR"]), row.sha256), row.sha256


def test_a_missing_company_file_is_named_and_a_missing_aggregate_rebuilt(
    app, runner, accounts, filing_world, tmp_path
):
    publish_as_is(app, filing_world["disclosure_a"])
    out = tmp_path / "out"
    args = ["reports", "export", "--cycle", "test-cycle", "--out", str(out), "--lang", "en"]
    assert runner.invoke(args=args).exit_code == 0
    company_file, company_sha = stored_path(app, StoredReport, "en")
    aggregate_file, aggregate_sha = stored_path(app, StoredCycleReport, "en")
    company_file.unlink()
    aggregate_file.unlink()
    for written in out.iterdir():
        written.unlink()

    result = runner.invoke(args=args)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # said, not a traceback
    assert "Traceback" not in result.output
    assert "0 reports written" in result.output
    assert "2 stored reports are missing" in result.output
    assert f"company-a-test-cycle-v1-en.pdf: {company_file} (SHA-256 {company_sha})" in (
        result.output
    )
    assert f"test-cycle-aggregate-en.pdf: {aggregate_file} (SHA-256 {aggregate_sha})" in (
        result.output
    )
    assert "restore them from a backup" in result.output
    assert list(out.iterdir()) == []


def test_only_the_missing_one_is_left_out(app, runner, accounts, filing_world, tmp_path):
    publish_as_is(app, filing_world["disclosure_a"])
    out = tmp_path / "out"
    args = ["reports", "export", "--cycle", "test-cycle", "--out", str(out), "--lang", "en"]
    assert runner.invoke(args=args).exit_code == 0
    company_file, _sha = stored_path(app, StoredReport, "en")
    company_file.unlink()
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "1 reports written" in result.output and "1 stored reports are missing" in result.output
    assert (out / "test-cycle-aggregate-en.pdf").exists()
