"""Two witnesses for the demo, so that a newcomer sees cosigned checkpoints.

In a real deployment witnesses are other organisations' processes (``tracker witness serve``
on their machines). The demo runs two of them as threads of its own process, each with its own
key and state under ``instance/demo-witnesses/`` (kept across runs, as a witness keeps its
state), trusting only this log, and writes the app's policy with both and a quorum of both. The
ports are fixed (7381, 7382 by default) so that the policy, and so its fingerprint, stays the
same from one run to the next; a port in use is replaced by a free one.

A policy file the demo did not write is never replaced.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from tracker.domain.tlog import PolicyWitness, Signer, policy_text
from tracker.witness.keys import KEY_FILE, create_key, load_key
from tracker.witness.wsgi import WitnessApp, make_witness_server

DEMO_POLICY_HEADER = "# Written by `tracker demo`: two witnesses run as threads of the demo.\n"
WITNESS_PORTS = (7381, 7382)


@dataclass
class DemoWitness:
    """A witness serving in a thread of this process."""

    name: str  # its name in the policy
    key: Signer
    server: WSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_witnesses(directory: Path, log: Signer, ports: tuple[int, ...]) -> list[DemoWitness]:
    """Start one witness per port (0: any free port), trusting only ``log``."""
    started = []
    for number, port in enumerate(ports, 1):
        state = directory / f"w{number}"
        key = load_key(state) if (state / KEY_FILE).exists() else None
        key = key or create_key(state, f"witness{number}.demo.localhost")
        app = WitnessApp(state, key, {log.name: [log.verifier]})
        try:
            server = make_witness_server(app, "127.0.0.1", port)
        except OSError:  # the port is taken (another demo?): any free one
            server = make_witness_server(app, "127.0.0.1", 0)
        thread = threading.Thread(
            target=server.serve_forever, name=f"demo-witness-{number}", daemon=True
        )
        thread.start()
        started.append(DemoWitness(f"demo-witness-{number}", key, server, thread))
    return started


def write_policy(path: Path, log: Signer, witnesses: list[DemoWitness]) -> bool:
    """Write the app's policy with the demo's witnesses and a quorum of all of them; False (and
    nothing written) when the file exists and the demo did not write it."""
    if path.exists() and not path.read_text(encoding="utf-8").startswith(DEMO_POLICY_HEADER):
        return False
    listed = [PolicyWitness(w.name, w.key.cosigner.vkey, w.url) for w in witnesses]
    text = DEMO_POLICY_HEADER + policy_text(log.verifier.vkey, listed)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return True
