"""Fixtures for the outbox: mail settings per test, a real SMTP server, a real (moto) SES server.

Choose a test's mail backend with
`@pytest.mark.parametrize("mail_settings", ["smtp"], indirect=True)`; the kinds are listed
in `mail_settings` below. Servers bind to 127.0.0.1 on ports the OS picks.
"""

from __future__ import annotations

import email
import json
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from tests.conftest import moto_endpoint

MAIL_FROM = "Flywheel Partner Portal <partners@example.com>"
SENDER_ADDRESS = "partners@example.com"
MAX_ATTEMPTS = 3
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """An aiosmtpd handler that keeps every message it receives."""

    received: list[ReceivedMail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class EphemeralPortController(Controller):
    """aiosmtpd's Controller on a port the OS picks (port 0); `port` holds the real one."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: SmtpSink

    @property
    def received(self) -> list[ReceivedMail]:
        return self.sink.received


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives."""
    sink = SmtpSink()
    controller = EphemeralPortController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, sink)
    finally:
        controller.stop()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound (nobody else takes it), not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@dataclass
class MotoSes:
    """moto's standalone server, reachable over real HTTP."""

    endpoint_url: str

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def sent_messages(self) -> list[dict[str, Any]]:
        """Messages SES accepted (moto keeps the HTML body when a message has both)."""
        with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/data.json", timeout=10) as r:
            data = json.load(r)
        return data.get("ses", {}).get("Message", [])


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoSes]:
    """One moto server per test module, stopped afterwards."""
    with moto_endpoint() as endpoint_url:
        yield MotoSes(endpoint_url)


@pytest.fixture
def ses_server(moto_server: MotoSes, aws_credentials: None) -> MotoSes:
    """moto's SES, emptied, with the sender address verified (SES refuses unverified senders)."""
    moto_server.reset()
    client = boto3.client("sesv2", region_name="us-east-1", endpoint_url=moto_server.endpoint_url)
    client.create_email_identity(EmailIdentity=SENDER_ADDRESS)
    return moto_server


@pytest.fixture
def mail_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Mail settings by kind: log, smtp, smtp-refused, ses, ses-unreachable, unknown."""
    kind = getattr(request, "param", "log")
    if kind == "log":
        return {"MAIL_BACKEND": "log"}
    if kind == "smtp":
        server: SmtpServer = request.getfixturevalue("smtp_server")
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": server.host, "SMTP_PORT": server.port}
    if kind == "smtp-refused":
        port = request.getfixturevalue("refused_port")
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}
    if kind == "ses":
        ses: MotoSes = request.getfixturevalue("ses_server")
        return {"MAIL_BACKEND": "ses", "SES_ENDPOINT_URL": ses.endpoint_url}
    if kind == "ses-unreachable":
        request.getfixturevalue("aws_credentials")
        port = request.getfixturevalue("refused_port")
        return {"MAIL_BACKEND": "ses", "SES_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    if kind == "unknown":
        return {"MAIL_BACKEND": "carrier-pigeon"}
    raise ValueError(f"unknown mail_settings kind {kind!r}")


@pytest.fixture
def app_config(app_config: dict[str, Any], mail_settings: dict[str, Any]) -> dict[str, Any]:
    """The root test settings plus this test's mail settings."""
    return {
        **app_config,
        "MAIL_FROM": MAIL_FROM,
        "SMTP_TIMEOUT": 5,
        "AWS_REGION": "us-east-1",
        "SES_ENDPOINT_URL": "",
        "OUTBOX_BATCH_SIZE": 50,
        "OUTBOX_MAX_ATTEMPTS": MAX_ATTEMPTS,
        "OUTBOX_POLL_SECONDS": 0,
        **mail_settings,
    }


@pytest.fixture
def email_templates(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Make the test e-mail template `email/notify_test.(txt|html)` available to the app.

    Through the template loader, for this test only: the app is shared with other tests and
    may have served requests already, so no blueprint can be added to it.
    """
    loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(TEMPLATES)])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    return app
