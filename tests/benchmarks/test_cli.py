"""``tracker benchmarks check``, and the app refusing a broken registry at start.

(The other modules of this folder are performance benchmarks run by hand; these are the tests of
tracker.benchmarks.)"""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.app import create_app
from tracker.benchmarks.registry import current_registry
from tracker.cli import cli
from tracker.domain.benchmarks import RegistryError

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "commitments" / "benchmarks" / "registry.yaml"
BROKEN = REPO / "tests" / "domain" / "broken_registries"


def test_check_passes_the_shipped_registry(monkeypatch):
    monkeypatch.delenv("TRACKER_BENCHMARK_REGISTRY", raising=False)
    result = CliRunner().invoke(cli, ["benchmarks", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok    {REGISTRY}: ")
    assert " benchmarks, " in result.output


def test_check_of_a_given_file(tmp_path):
    copy = tmp_path / "mine.yaml"
    shutil.copy(REGISTRY, copy)
    result = CliRunner().invoke(cli, ["benchmarks", "check", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"ok    {copy}: " in result.output


def test_check_reports_every_problem_located_and_exits_1():
    path = BROKEN / "wrong_types.yaml"
    result = CliRunner().invoke(cli, ["benchmarks", "check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"error {path}:") for line in lines)
    assert f"{path}:20: benchmarks[0].metrics[0].lower_is_better: expected true or false" in (
        result.output
    )


def test_check_reads_the_configured_registry_by_default(monkeypatch):
    path = BROKEN / "duplicate_yaml_key.yaml"
    monkeypatch.setenv("TRACKER_BENCHMARK_REGISTRY", str(path))
    result = CliRunner().invoke(cli, ["benchmarks", "check"])
    assert result.exit_code == 1
    assert f"{path}:7: benchmarks[0].homepage: duplicate key 'homepage'" in result.output


@pytest.mark.parametrize(("name", "what"), [("no/such.yaml", "does not exist"), (".", "a folder")])
def test_check_of_a_bad_path_says_so_and_exits_2(tmp_path, name, what):
    path = tmp_path / name
    result = CliRunner().invoke(cli, ["benchmarks", "check", str(path)])
    assert result.exit_code == 2
    assert f"Error: the registry file {path} " in result.output
    assert what in result.output
    assert "Traceback" not in result.output


def test_the_command_is_on_the_app_too(runner):
    result = runner.invoke(args=["benchmarks", "check", str(REGISTRY)])
    assert result.exit_code == 0, result.output


# --- loading in the app ------------------------------------------------------------------------


def _config(tmp_path, registry: Path) -> dict:
    return {
        "BENCHMARK_REGISTRY": str(registry),
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }


def test_the_app_loads_the_shipped_registry_by_default(app):
    assert app.config["BENCHMARK_REGISTRY"] == str(REGISTRY)
    with app.app_context():
        registry = current_registry()
    assert registry.get("ailuminate") is not None
    assert registry.content_hash


def test_the_app_loads_the_configured_registry(tmp_path):
    mine = tmp_path / "registry.yaml"
    mine.write_text(
        REGISTRY.read_text(encoding="utf-8").replace("MLCommons AILuminate", "AILuminate"),
        encoding="utf-8",
    )
    app = create_app(_config(tmp_path, mine))
    with app.app_context():
        ailuminate = current_registry().get("ailuminate")
    assert ailuminate is not None and ailuminate.name.en == "AILuminate"


def test_the_app_refuses_to_start_on_a_broken_registry(tmp_path):
    path = BROKEN / "duplicate_ids.yaml"
    with pytest.raises(RegistryError) as caught:
        create_app(_config(tmp_path, path))
    assert (
        f"{path}:34: benchmarks[1].id: duplicate benchmark id 'demo' (first used at "
        "benchmarks[0].id)"
    ) in str(caught.value)


def test_the_app_refuses_to_start_without_its_registry(tmp_path):
    with pytest.raises(RegistryError, match="cannot read"):
        create_app(_config(tmp_path, tmp_path / "missing.yaml"))


def test_the_command_refuses_to_start_and_names_the_file(tmp_path, monkeypatch):
    path = BROKEN / "empty_range.yaml"
    monkeypatch.setenv("TRACKER_BENCHMARK_REGISTRY", str(path))
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["db", "current"])
    assert result.exit_code == 2
    assert "tracker cannot start: the benchmark registry is invalid." in result.output
    assert f"{path}:18: benchmarks[0].metrics[0].maximum: maximum 0 must be greater" in (
        result.output
    )
