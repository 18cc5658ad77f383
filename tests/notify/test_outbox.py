"""queue_email: rendering both parts and sharing the caller's transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_email

pytestmark = pytest.mark.usefixtures("email_templates")

CONTEXT = {
    "name": "Pat <script>alert('x')</script>",
    "note": 'Tom & Jerry "quoted"',
    "url": "http://portal.test/invite/abc?x=1&y=2",
}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) or 0


def test_queue_email_adds_a_pending_message_without_committing(app: Flask) -> None:
    message = queue_email("pat@acme.example", "notify_test", "Your note", **CONTEXT)

    assert message in db.session.new
    assert (message.kind, message.to_email, message.subject) == (
        "notify_test",
        "pat@acme.example",
        "Your note",
    )
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    db.session.commit()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored is not None
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at.tzinfo is not None


def test_rollback_of_the_cause_leaves_no_message(app: Flask) -> None:
    queue_email("pat@acme.example", "notify_test", "Your note", **CONTEXT)
    db.session.flush()
    assert _count() == 1

    db.session.rollback()

    assert _count() == 0


def test_text_part_is_plain_and_html_part_is_escaped(app: Flask) -> None:
    message = queue_email("pat@acme.example", "notify_test", "Your note", **CONTEXT)

    assert "Hello Pat <script>alert('x')</script>," in message.body_text
    assert 'Your note: Tom & Jerry "quoted"' in message.body_text
    assert "http://portal.test/invite/abc?x=1&y=2" in message.body_text
    assert "&lt;" not in message.body_text
    assert "&amp;" not in message.body_text

    assert "<script>" not in message.body_html
    assert "Hello Pat &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in message.body_html
    assert "Tom &amp; Jerry &#34;quoted&#34;" in message.body_html
    assert 'href="http://portal.test/invite/abc?x=1&amp;y=2"' in message.body_html


def test_both_parts_use_the_layouts(app: Flask) -> None:
    message = queue_email("pat@acme.example", "notify_test", "Your <b>note</b>", **CONTEXT)

    assert message.body_html.startswith("<!doctype html>")
    assert '<html lang="en">' in message.body_html
    assert "<title>Your &lt;b&gt;note&lt;/b&gt;</title>" in message.body_html
    assert "Sent by the Testwind partner portal" in message.body_html
    assert 'href="http://portal.test/"' in message.body_html
    assert "A note for Pat &lt;script&gt;" in message.body_html  # the preheader

    text = message.body_text
    assert text.startswith("Hello Pat")
    assert text.endswith("-- \nSent by the Testwind partner portal\nhttp://portal.test/\n")
    assert "\n\n\n" not in text


def test_subject_is_one_line(app: Flask) -> None:
    message = queue_email("pat@acme.example", "notify_test", "Line one\r\nBcc: x@evil", **CONTEXT)

    assert message.subject == "Line one Bcc: x@evil"


@pytest.mark.parametrize("to", ["", "  ", "pat@acme.example\r\nBcc: x@evil.example"])
def test_unusable_address_is_rejected(app: Flask, to: str) -> None:
    with pytest.raises(ValueError, match="address"):
        queue_email(to, "notify_test", "Your note", **CONTEXT)
    assert not db.session.new


@pytest.mark.parametrize("template", ["../base", "_layout", "Notify", "a/b"])
def test_template_name_must_be_a_slug(app: Flask, template: str) -> None:
    with pytest.raises(ValueError, match="template"):
        queue_email("pat@acme.example", template, "Your note", **CONTEXT)
