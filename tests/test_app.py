"""The factory: configuration, the generated secret key, refusing a broken checklist."""

import shutil
from pathlib import Path

import pytest

from tracker.app import create_app
from tracker.config import database_url, instance_secret_key
from tracker.domain.checklist import ChecklistError

REPO = Path(__file__).resolve().parent.parent


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    first = create_app()
    second = create_app()
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only


def test_an_empty_secret_key_file_is_an_error_not_a_weak_key(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="is empty"):
        instance_secret_key(tmp_path)


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "TRACKER_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    assert app.instance_path == str(tmp_path)


def test_database_url_from_the_environment_selects_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db.internal/tracker")
    app = create_app()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://tracker@db.internal/tracker"
    )


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "config.py").write_text('PAGE_SIZE = 7\nSECRET_KEY = "from-instance"\n')
    app = create_app()
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["SECRET_KEY"] == "from-instance"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_forms(given, expected):
    assert database_url(given) == expected


def test_app_refuses_to_start_on_a_broken_checklist(tmp_path):
    checklists = tmp_path / "commitments"
    checklists.mkdir()
    shutil.copy(REPO / "commitments" / "aiia-2024.yaml", checklists)
    shutil.copy(REPO / "tests/domain/broken_checklists/unknown_status.yaml", checklists)
    with pytest.raises(ChecklistError) as caught:
        create_app(
            {
                "CHECKLIST_DIR": str(checklists),
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )
    assert (
        "unknown_status.yaml:17: commitments[0].items[0].statuses[1]: unknown status 'done'"
        in str(caught.value)
    )


def test_cli_refuses_to_start_and_names_the_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tracker.cli import cli

    checklists = tmp_path / "commitments"
    checklists.mkdir()
    shutil.copy(REPO / "tests/domain/broken_checklists/duplicate_item_id.yaml", checklists)
    monkeypatch.setenv("TRACKER_CHECKLIST_DIR", str(checklists))
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["db", "current"])
    assert result.exit_code == 2
    assert "tracker cannot start: a checklist file is invalid." in result.output
    assert (
        "duplicate_item_id.yaml:17: commitments[0].items[1].id: duplicate item id 'c1.a'"
        in result.output
    )
