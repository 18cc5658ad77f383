"""Mail backends on their own: real SMTP (aiosmtpd) and real HTTP to SES (moto), no app."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from botocore.exceptions import ClientError, EndpointConnectionError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal.notify.backends import (
    LogBackend,
    MailConfigError,
    SesBackend,
    SmtpBackend,
    backend_from_config,
    build_email,
)
from portal.notify.models import OutboxMessage
from tests.notify.conftest import (
    MAIL_FROM,
    SENDER_ADDRESS,
    EphemeralPortController,
    MotoSes,
    SmtpServer,
    SmtpSink,
)

LOGGER = logging.getLogger("tests.notify")


def make_message(**fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "id": 42,
        "kind": "notify_test",
        "to_email": "pat@acme.example",
        "subject": "Welcome to Flywheel",
        "body_text": "Hello Pat <script>\n",
        "body_html": "<p>Hello Pat &lt;script&gt;</p>",
    }
    values.update(fields)
    return OutboxMessage(**values)


def test_build_email_has_a_text_part_and_an_html_alternative() -> None:
    mime = build_email(make_message(), MAIL_FROM)

    assert mime["From"] == MAIL_FROM
    assert mime["To"] == "pat@acme.example"
    assert mime["Subject"] == "Welcome to Flywheel"
    assert mime.get_content_type() == "multipart/alternative"
    assert "outbox.42" in mime["Message-ID"]
    assert mime["Message-ID"].endswith("@example.com>")
    assert mime.get_body(("plain",)).get_content() == "Hello Pat <script>\n"
    assert "&lt;script&gt;" in mime.get_body(("html",)).get_content()


def test_log_backend_logs_and_succeeds(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tests.notify"):
        LogBackend(LOGGER).send(make_message())

    assert "to=pat@acme.example" in caplog.text
    assert "Welcome to Flywheel" in caplog.text
    assert "Hello Pat <script>" in caplog.text


def test_smtp_backend_delivers_both_parts(smtp_server: SmtpServer) -> None:
    SmtpBackend(smtp_server.host, smtp_server.port, MAIL_FROM, timeout=5).send(make_message())

    [mail] = smtp_server.received
    assert mail.mail_from == SENDER_ADDRESS
    assert mail.rcpt_tos == ["pat@acme.example"]
    assert mail.message["To"] == "pat@acme.example"
    assert mail.message["Subject"] == "Welcome to Flywheel"
    assert mail.message.get_body(("plain",)).get_content().strip() == "Hello Pat <script>"
    assert mail.message.get_body(("html",)).get_content().strip() == (
        "<p>Hello Pat &lt;script&gt;</p>"
    )


def test_smtp_backend_refused_connection_raises(refused_port: int) -> None:
    backend = SmtpBackend("127.0.0.1", refused_port, MAIL_FROM, timeout=5)
    with pytest.raises(ConnectionRefusedError):
        backend.send(make_message())


@pytest.fixture
def auth_smtp_server() -> Iterator[tuple[SmtpServer, list[tuple[bytes, bytes]]]]:
    """An SMTP server that checks logins (offered over plain text: a test-only setting)."""
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    sink = SmtpSink()
    controller = EphemeralPortController(
        sink,
        hostname="127.0.0.1",
        port=0,
        authenticator=authenticator,
        # Offer AUTH without TLS (test only); not *requiring* it avoids aiosmtpd's warning.
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, sink), logins
    finally:
        controller.stop()


def test_smtp_backend_logs_in_when_a_username_is_set(auth_smtp_server) -> None:  # type: ignore[no-untyped-def]
    server, logins = auth_smtp_server
    backend = SmtpBackend(
        server.host, server.port, MAIL_FROM, username="mailer", password="s3cret", timeout=5
    )
    backend.send(make_message())

    assert logins == [(b"mailer", b"s3cret")]
    assert len(server.received) == 1


def test_smtp_backend_wrong_password_raises(auth_smtp_server) -> None:  # type: ignore[no-untyped-def]
    server, _ = auth_smtp_server
    backend = SmtpBackend(
        server.host, server.port, MAIL_FROM, username="mailer", password="wrong", timeout=5
    )
    with pytest.raises(smtplib.SMTPAuthenticationError):
        backend.send(make_message())
    assert server.received == []


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_smtp_backend_starttls_then_login(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_path, key_path)
    logins: list[bytes] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
        logins.append(auth_data.login)
        return AuthResult(success=True)

    sink = SmtpSink()
    controller = EphemeralPortController(
        sink,
        hostname="127.0.0.1",
        port=0,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        backend = SmtpBackend(
            "127.0.0.1",
            controller.port,
            MAIL_FROM,
            username="mailer",
            password="s3cret",
            starttls=True,
            timeout=5,
            ssl_context=ssl.create_default_context(cafile=str(cert_path)),
        )
        backend.send(make_message())
    finally:
        controller.stop()

    assert logins == [b"mailer"]
    assert len(sink.received) == 1


def test_ses_backend_sends_over_http_to_moto(ses_server: MotoSes) -> None:
    backend = SesBackend("us-east-1", MAIL_FROM, ses_server.endpoint_url)
    backend.send(make_message(subject="SES unit test", to_email="ses@acme.example"))

    [sent] = [m for m in ses_server.sent_messages() if m["subject"] == "SES unit test"]
    assert sent["destinations"]["ToAddresses"] == ["ses@acme.example"]
    assert sent["source"] == MAIL_FROM
    assert sent["body"] == "<p>Hello Pat &lt;script&gt;</p>"


def test_ses_backend_unverified_sender_raises(ses_server: MotoSes) -> None:
    backend = SesBackend("us-east-1", "nobody@unverified.example", ses_server.endpoint_url)
    with pytest.raises(ClientError, match="not verified"):
        backend.send(make_message())


def test_ses_backend_unreachable_endpoint_raises(aws_credentials: None, refused_port: int) -> None:
    backend = SesBackend("us-east-1", MAIL_FROM, f"http://127.0.0.1:{refused_port}")
    with pytest.raises(EndpointConnectionError):
        backend.send(make_message())


BASE_CONFIG = {
    "MAIL_FROM": MAIL_FROM,
    "SMTP_HOST": "mail.example",
    "SMTP_PORT": 587,
    "SMTP_USERNAME": "u",
    "SMTP_PASSWORD": "p",
    "SMTP_STARTTLS": True,
    "SMTP_TIMEOUT": 7,
    "AWS_REGION": "eu-west-1",
    "SES_ENDPOINT_URL": "",
}


def test_backend_from_config_builds_each_backend() -> None:
    assert isinstance(
        backend_from_config({**BASE_CONFIG, "MAIL_BACKEND": "log"}, LOGGER), LogBackend
    )

    smtp = backend_from_config({**BASE_CONFIG, "MAIL_BACKEND": "SMTP"}, LOGGER)
    assert isinstance(smtp, SmtpBackend)
    assert (smtp.host, smtp.port, smtp.username, smtp.starttls, smtp.timeout) == (
        "mail.example",
        587,
        "u",
        True,
        7.0,
    )

    ses = backend_from_config({**BASE_CONFIG, "MAIL_BACKEND": "ses"}, LOGGER)
    assert isinstance(ses, SesBackend)
    assert (ses.region, ses.sender, ses.endpoint_url) == ("eu-west-1", MAIL_FROM, "")


def test_backend_from_config_unknown_backend_names_the_setting() -> None:
    with pytest.raises(MailConfigError, match=r"MAIL_BACKEND must be one of log, smtp, ses"):
        backend_from_config({**BASE_CONFIG, "MAIL_BACKEND": "carrier-pigeon"}, LOGGER)
