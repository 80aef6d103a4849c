"""``tracker checklist check`` and ``tracker checklist load``."""

import shutil
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from tracker.checklists.models import ChecklistVersion
from tracker.cli import cli
from tracker.db import db

REPO = Path(__file__).resolve().parents[2]
BROKEN = REPO / "tests/domain/broken_checklists"


def test_check_passes_the_shipped_files():
    result = CliRunner().invoke(cli, ["checklist", "check"])
    assert result.exit_code == 0, result.output
    assert "ok    " in result.output
    assert "aiia-ai-safety-commitments 2024.1, 6 commitments, 31 items" in result.output
    assert "aiia-ai-safety-commitments 2025.1, 7 commitments, 36 items" in result.output
    assert "aiia-ai-safety-commitments 2024.2, 6 commitments, 31 items" in result.output
    assert "aiia-ai-safety-commitments 2025.2, 7 commitments, 36 items" in result.output


def test_check_reports_every_problem_and_exits_1():
    files = [str(BROKEN / "wrong_type.yaml"), str(REPO / "commitments/aiia-2024.yaml")]
    result = CliRunner().invoke(cli, ["checklist", "check", *files])
    assert result.exit_code == 1
    assert (
        f"{files[0]}:19: commitments[0].items[0].required: expected true or false, got text"
        in result.output
    )
    assert (
        f"{files[0]}:20: commitments[0].items[0].weight: expected a number, got text"
        in result.output
    )
    assert "aiia-2024.yaml: aiia-ai-safety-commitments 2024.1" in result.output


def test_check_of_a_missing_file_is_a_usage_error():
    result = CliRunner().invoke(cli, ["checklist", "check", "no/such/file.yaml"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_check_finds_the_same_version_in_two_files(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(REPO / "commitments/aiia-2024.yaml", tmp_path / name)
    result = CliRunner().invoke(
        cli, ["checklist", "check", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]
    )
    assert result.exit_code == 1
    assert "is also defined in" in result.output


def test_load_stores_each_version_once(runner, app):
    first = runner.invoke(args=["checklist", "load"])
    assert first.exit_code == 0, first.output
    assert "loaded: aiia-ai-safety-commitments 2024.1 (aiia-2024.yaml)" in first.output
    again = runner.invoke(args=["checklist", "load"])
    assert "already loaded: aiia-ai-safety-commitments 2024.1" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion)) == 4


def test_load_refuses_a_version_edited_in_place(runner, app, tmp_path):
    assert runner.invoke(args=["checklist", "load"]).exit_code == 0
    edited = tmp_path / "commitments"
    edited.mkdir()
    text = (REPO / "commitments/aiia-2024.yaml").read_text(encoding="utf-8")
    (edited / "aiia-2024.yaml").write_text(
        text.replace("Dedicated AI safety team", "A team"), encoding="utf-8"
    )
    app.config["CHECKLIST_DIR"] = str(edited)
    result = runner.invoke(args=["checklist", "load"])
    assert result.exit_code == 1
    assert "version '2024.1' is already loaded with different content" in result.output
    assert "Give the edited file a new version" in result.output
