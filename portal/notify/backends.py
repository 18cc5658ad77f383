"""Mail backends: one small interface, three ways to deliver (log, SMTP, Amazon SES).

A backend's `send` either returns (the message was handed over) or raises; the delivery
loop turns any exception into a retry, so a backend never needs to catch its own failures.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Protocol

from portal.notify.models import OutboxMessage

__all__ = [
    "BACKEND_NAMES",
    "LogBackend",
    "MailBackend",
    "MailConfigError",
    "SesBackend",
    "SmtpBackend",
    "backend_from_config",
    "build_email",
]

BACKEND_NAMES = ("log", "smtp", "ses")

# SES calls: fail fast and let the outbox's own back-off do the retrying.
SES_CONNECT_TIMEOUT_SECONDS = 10
SES_READ_TIMEOUT_SECONDS = 30
SES_TOTAL_MAX_ATTEMPTS = 2


class MailConfigError(RuntimeError):
    """The mail settings cannot produce a backend (a configuration fault, not a send failure)."""


class MailBackend(Protocol):
    """Delivers one outbox message or raises; returning means the message was accepted."""

    def send(self, message: OutboxMessage) -> None:
        """Hand the message to the mail system; raise on any failure."""
        ...


def _sender_domain(sender: str) -> str:
    # The domain comes from MAIL_FROM, never from a (possibly slow) DNS lookup of the host.
    _, address = parseaddr(sender)
    _, _, domain = address.rpartition("@")
    return domain or "localhost"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """A MIME message with a plain-text part and an HTML alternative, ready for SMTP."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to_email
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(usegmt=True)
    # Derived from the outbox id so a resent message is recognisable as the same one.
    # The same on every attempt: a message sent twice (at-least-once delivery) is recognisable.
    mime["Message-ID"] = f"<outbox.{message.id}@{_sender_domain(sender)}>"
    mime.set_content(message.body_text)
    mime.add_alternative(message.body_html, subtype="html")
    return mime


class LogBackend:
    """Writes each message to a logger and reports success: for development and tests."""

    def __init__(self, logger: logging.Logger, log_sensitive_bodies: bool = True):
        self.logger = logger
        # Development reads invite and reset links from the log; production never logs them.
        self.log_sensitive_bodies = log_sensitive_bodies

    def send(self, message: OutboxMessage) -> None:
        """Log the recipient, subject and text body (withheld for sensitive messages)."""
        body = message.body_text
        if message.sensitive and not self.log_sensitive_bodies:
            body = "[body withheld: it carries a sign-in link]"
        self.logger.info(
            "mail (log backend) #%s to=%s subject=%r\n%s",
            message.id,
            message.to_email,
            message.subject,
            body,
        )


class SmtpBackend:
    """Sends through an SMTP server with the standard library (optional STARTTLS and login)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self.ssl_context = ssl_context

    def send(self, message: OutboxMessage) -> None:
        """Open a connection, optionally upgrade it and log in, send the message, close."""
        mime = build_email(message, self.sender)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=self.ssl_context or ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(mime)


class SesBackend:
    """Sends through Amazon SES (API v2) with boto3; credentials come from boto3's usual chain."""

    def __init__(self, region: str, sender: str, endpoint_url: str = ""):
        self.region = region
        self.sender = sender
        self.endpoint_url = endpoint_url
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The sesv2 client, created on first use."""
        if self._client is None:
            # Imported here: boto3 costs every web worker about 9 MB; only the SES backend uses it.
            import boto3
            from botocore.config import Config as BotoConfig

            self._client = boto3.client(
                "sesv2",
                region_name=self.region,
                endpoint_url=self.endpoint_url or None,
                config=BotoConfig(
                    connect_timeout=SES_CONNECT_TIMEOUT_SECONDS,
                    read_timeout=SES_READ_TIMEOUT_SECONDS,
                    retries={"mode": "standard", "total_max_attempts": SES_TOTAL_MAX_ATTEMPTS},
                ),
            )
        return self._client

    def send(self, message: OutboxMessage) -> None:
        """Call sesv2 SendEmail with a simple message: subject, text body and HTML body."""
        self.client.send_email(
            FromEmailAddress=self.sender,
            Destination={"ToAddresses": [message.to_email]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": message.body_text, "Charset": "UTF-8"},
                        "Html": {"Data": message.body_html, "Charset": "UTF-8"},
                    },
                }
            },
        )


def backend_from_config(config: Mapping[str, Any], logger: logging.Logger) -> MailBackend:
    """The backend that MAIL_BACKEND names, configured from the MAIL_/SMTP_/SES_ settings."""
    name = str(config.get("MAIL_BACKEND", "log")).strip().lower()
    sender = config["MAIL_FROM"]
    if name == "log":
        production = config.get("PORTAL_ENV") == "production"
        return LogBackend(logger, log_sensitive_bodies=not production)
    if name == "smtp":
        return SmtpBackend(
            config["SMTP_HOST"],
            int(config["SMTP_PORT"]),
            sender,
            username=config.get("SMTP_USERNAME", ""),
            password=config.get("SMTP_PASSWORD", ""),
            starttls=bool(config.get("SMTP_STARTTLS", False)),
            timeout=float(config.get("SMTP_TIMEOUT", 10)),
        )
    if name == "ses":
        return SesBackend(config["AWS_REGION"], sender, config.get("SES_ENDPOINT_URL", ""))
    raise MailConfigError(
        f"MAIL_BACKEND must be one of {', '.join(BACKEND_NAMES)}; "
        f"got {config.get('MAIL_BACKEND')!r}"
    )
