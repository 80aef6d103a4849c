"""The app as a real server process on a free port of 127.0.0.1: ``AppServer.start(env)``
runs ``python -m tests.support.app_server`` with the environment given (TRACKER_* settings:
database, instance folder, storage …) and waits until it answers; ``stop()`` ends it."""

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


@dataclass
class AppServer:
    """A running app process."""

    log: Path
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> AppServer:
        """Start the app with ``env`` added to this environment; its stderr goes to ``log``."""
        server = cls(log)
        errors = log.open("ab")
        server.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.app_server"],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=os.environ | {"PYTHONPATH": str(ROOT)} | env,
            cwd=ROOT,
        )
        errors.close()
        assert server.process.stdout is not None
        line = server.process.stdout.readline().decode()
        assert line.startswith("listening on "), (line, log.read_text(errors="replace"))
        server.port = int(line.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{server.url}/", timeout=5).close()  # noqa: S310
                return server
            except urllib.error.HTTPError as answer:  # any answer: it is up
                answer.close()
                return server
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the app did not answer")

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET ``path``: status, headers, body."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=60) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def stop(self) -> None:
        """End the process (SIGTERM to its own pid) and wait for it."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None


def main() -> None:
    """Serve the app (configured by the environment) until terminated; the first line printed
    says where."""
    from werkzeug.serving import make_server

    from tracker.app import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
