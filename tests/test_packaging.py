"""The wheel carries templates, checklists, migrations, translations and static files, and an
app built from the unpacked wheel alone (no source checkout around it) serves the demo."""

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("tracker-*.whl")
    return built


def test_wheel_carries_every_runtime_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "tracker/_bundled/templates/base.html",
        "tracker/_bundled/templates/public/home.html",
        "tracker/_bundled/commitments/aiia-2024.yaml",
        "tracker/_bundled/commitments/aiia-2025.yaml",
        "tracker/_bundled/commitments/benchmarks/registry.yaml",
        "tracker/migrations/env.py",
        "tracker/migrations/versions/0001_initial_schema.py",
        "tracker/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
        "tracker/static/css/tracker.css",
        "tracker/demo/data/narratives.yaml",
    ):
        assert required in names, required
    assert not any(name.startswith("tests/") or "instance/" in name for name in names)


def test_unpacked_wheel_runs_without_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = textwrap.dedent("""
        import sys
        import tracker
        from flask_migrate import upgrade
        from tracker import clock, create_app
        from tracker.db import db
        from tracker.demo.services import seed_demo
        app = create_app()
        assert tracker.__file__.startswith(sys.argv[1]), tracker.__file__
        assert "_bundled" in app.template_folder, app.template_folder
        with app.app_context():
            upgrade()
            seed_demo(db.session, app.extensions["tracker.checklist_files"], clock.today())
            db.session.commit()
        client = app.test_client()
        assert client.get("/").status_code == 200
        assert "Dedicated AI safety team" in client.get("/checklist/").get_data(as_text=True)
        print("ok")
    """)
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": str(site),
            "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert (tmp_path / "instance" / "tracker.sqlite3").is_file()


def test_every_requirement_is_pinned_to_a_version_it_accepts():
    """.ci/constraints.txt pins what ./dev installs: every dependency of the app and of its
    tests has a pin there, and the pin satisfies what pyproject.toml asks for."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]
    ]
    pins = {}
    for line in (root / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line!r}"
            pins[canonicalize_name(name)] = version
    for requirement in wanted:
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not pinned in .ci/constraints.txt"
        assert requirement.specifier.contains(pinned, prereleases=True), (
            f"{requirement.name}=={pinned} does not satisfy {requirement}"
        )
