"""Delivering outbox messages over SMTP."""

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.db import Session
from tracker.outbox.models import OutboxMessage
from tracker.outbox.services import DeliveryError, send_due


@dataclass(frozen=True)
class SMTPSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    security: str = "starttls"  # starttls, ssl or none
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config) -> "SMTPSettings | None":
        """Settings from the app config; None when no mail server is configured."""
        if not config.get("MAIL_SERVER"):
            return None
        return cls(
            host=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT") or 587),
            sender=config["MAIL_SENDER"],
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            security=config.get("MAIL_SECURITY", "starttls"),
        )


def email_message(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    # 8-bit bodies need BODY=8BITMIME, which not every server offers: encode anything beyond
    # ASCII (Chinese text) as base64 so that it arrives intact everywhere.
    email.set_content(message.body, cte="7bit" if message.body.isascii() else "base64")
    return email


class SMTPTransport:
    """Sends each message over one connection, opened on first use."""

    def __init__(self, settings: SMTPSettings):
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.security == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                client.starttls(context=context)
        if s.username:
            client.login(s.username, s.password or "")
        return client

    def __call__(self, message: OutboxMessage) -> None:
        try:
            email = email_message(message, self.settings.sender)
        except ValueError as exc:  # e.g. a line break in a header: retrying cannot help
            raise DeliveryError(f"malformed message: {exc}", permanent=True) from exc
        try:
            if self._client is None:
                self._client = self._connect()
            self._client.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (smtplib.SMTPException, OSError):
                self._client.close()
            self._client = None


def deliver_due(
    session: Session, settings: SMTPSettings, clock: Callable[[], datetime], limit: int
) -> tuple[int, list[OutboxMessage]]:
    """Deliver up to ``limit`` due messages over one SMTP connection (``services.send_due``),
    closed at the end; what ``tracker outbox send`` and the outbox's job both run."""
    transport = SMTPTransport(settings)
    try:
        return send_due(session, transport, clock, limit)
    finally:
        transport.close()
