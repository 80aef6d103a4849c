"""A real SMTP server for tests (aiosmtpd on loopback) and the settings that point the app at it."""

from __future__ import annotations

import socket

from aiosmtpd.controller import Controller

SENDER = "tracker@test.example"


class Collector:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server() -> tuple[Controller, Collector]:
    """An SMTP server on a free loopback port; stop it with ``controller.stop()``."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, collector


def mail_settings(port: int) -> dict[str, object]:
    """The config keys that send mail through the test server on ``port``."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_SENDER": SENDER,
    }
