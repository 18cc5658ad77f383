"""Messages carrying sign-in links: erased once delivered, never logged in production."""

from __future__ import annotations

import logging

import pytest

from portal.extensions import db
from portal.notify.backends import LogBackend, build_email
from portal.notify.delivery import ERASED_BODY, deliver_due
from portal.notify.outbox import queue_email

pytestmark = pytest.mark.usefixtures("email_templates")


def _queue(sensitive: bool):
    message = queue_email(
        "pat@acme.example",
        "notify_test",
        "Your link",
        sensitive=sensitive,
        name="Pat",
        note="n",
        url="http://portal.test/reset/SECRET-TOKEN",
    )
    db.session.commit()
    return message


def test_sensitive_body_is_erased_after_delivery(app) -> None:
    message = _queue(sensitive=True)
    assert "SECRET-TOKEN" in message.body_text  # pending: needed to send it
    assert deliver_due().sent == 1
    db.session.refresh(message)
    assert message.body_text == ERASED_BODY and message.body_html == ERASED_BODY
    assert "SECRET-TOKEN" not in message.body_text


def test_ordinary_body_is_kept(app) -> None:
    message = _queue(sensitive=False)
    deliver_due()
    db.session.refresh(message)
    assert "SECRET-TOKEN" in message.body_text


def test_log_backend_withholds_sensitive_bodies_in_production(app, caplog) -> None:
    message = _queue(sensitive=True)
    logger = logging.getLogger("test.mail")
    with caplog.at_level(logging.INFO, logger="test.mail"):
        LogBackend(logger, log_sensitive_bodies=False).send(message)
    assert "SECRET-TOKEN" not in caplog.text
    assert "withheld" in caplog.text


def test_production_log_backend_withholds_bodies(app, caplog) -> None:
    app.config.update(PORTAL_ENV="production", MAIL_BACKEND="log")
    _queue(sensitive=True)
    with caplog.at_level(logging.INFO):
        deliver_due()
    assert "SECRET-TOKEN" not in caplog.text


def test_message_id_is_stable_across_attempts(app) -> None:
    message = _queue(sensitive=False)
    first = build_email(message, "Portal <partners@example.com>")["Message-ID"]
    second = build_email(message, "Portal <partners@example.com>")["Message-ID"]
    assert first == second == f"<outbox.{message.id}@example.com>"
