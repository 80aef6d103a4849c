"""Witnesses as real processes on loopback: ``tracker witness serve`` started by the tests.

``Witness.start(state, name, logs)`` generates the key (``witness keygen``) unless the state
directory has one, starts the server (``witness serve``, run as ``python -m tracker.witness``:
the same click group without loading the app, seconds faster) on a free port of 127.0.0.1
and waits for it;
``stop()`` ends it (by its own pid) and ``restart()`` starts it again on the same port and
state. ``add_checkpoint(url, body)`` posts a request and returns (status, content type, body).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TRACKER = [sys.executable, "-c", "from tracker.cli import main; main()"]
WITNESS = [sys.executable, "-m", "tracker.witness"]


def tracker_command(*args: str, command: list[str] = TRACKER) -> subprocess.CompletedProcess:
    """Run ``tracker ARGS`` (or ``command`` ARGS) from this checkout."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


def add_checkpoint(url: str, body: bytes) -> tuple[int, str, bytes]:
    """POST ``body`` to ``url``/add-checkpoint: status, content type, body."""
    request = urllib.request.Request(f"{url}/add-checkpoint", data=body, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read()


@dataclass
class Witness:
    """A running witness process."""

    state: Path
    logs: list[str]
    vkey: str = ""
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, state: Path, name: str, logs: list[str]) -> Witness:
        """Generate the key (if needed) and start serving; ``logs`` are ORIGIN=VKEY specs."""
        witness = cls(state, logs)
        if not (state / "witness.key").exists():
            args = ["keygen", "--state", str(state), "--name", name]
            result = tracker_command(*args, command=WITNESS)
            assert result.returncode == 0, result.stderr
        witness._launch()
        return witness

    def _launch(self) -> None:
        args = ["serve", "--state", str(self.state), "--port", str(self.port)]
        for spec in self.logs:
            args += ["--log", spec]
        self.state.mkdir(parents=True, exist_ok=True)
        errors = (self.state / "stderr.log").open("ab")  # request lines; never a full pipe
        self.process = subprocess.Popen(
            [*WITNESS, *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
        errors.close()
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        line = self.process.stdout.readline().decode()
        assert " listening on http://127.0.0.1:" in line, (line, self._stderr())
        self.vkey = line.split()[1]
        self.port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
        while time.monotonic() < deadline:  # the socket is bound before the line is printed
            try:
                urllib.request.urlopen(f"{self.url}/", timeout=2)  # noqa: S310 - loopback
            except urllib.error.HTTPError as answer:  # the 404 of "/": it is up
                answer.close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the witness did not answer")

    def _stderr(self) -> str:
        path = self.state / "stderr.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """End the process (SIGTERM to its own pid) and wait for it."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None

    def restart(self) -> None:
        """Stop, then start again on the same port with the same state."""
        self.stop()
        self._launch()
