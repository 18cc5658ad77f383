"""Queueing e-mail: render it now, store it in the outbox, send it later.

`queue_email` adds a row to the session and never commits, so the message exists exactly
when the change that caused it does (an invite and its e-mail commit or roll back together).

Each e-mail is two templates, `email/<name>.txt` and `email/<name>.html`, that usually
extend `email/_layout.txt` and `email/_layout.html`. Flask autoescapes templates by file
name: `.html` escapes every value, `.txt` leaves plain text as it is.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from portal.content_runtime import current_brand
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage, OutboxStatus

__all__ = ["portal_name", "queue_email", "recently_queued"]

_TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,49}")
_SUBJECT_MAX = 300
_ADDRESS_MAX = 254
_BLANK_RUN = re.compile(r"\n{3,}")


def _clean_address(to: str) -> str:
    address = to.strip()
    if not address or len(address) > _ADDRESS_MAX or any(c in address for c in "\r\n"):
        raise ValueError(f"not a usable e-mail address: {to!r}")
    return address


def _clean_subject(subject: str) -> str:
    # One line, no runs of spaces: a header can never carry a line break.
    return " ".join(subject.split())[:_SUBJECT_MAX]


def _tidy_text(body: str) -> str:
    # Trailing spaces go, except in "-- ", the signature separator mail clients recognise.
    lines = [line if line == "-- " else line.rstrip() for line in body.strip().splitlines()]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)) + "\n"


def portal_name() -> str:
    """What e-mails call the portal: the vendor's, e.g. "Keelstone partner portal"."""
    return current_brand().portal_name


def queue_email(
    to: str, template: str, subject: str, *, sensitive: bool = False, **context: Any
) -> OutboxMessage:
    """Render `email/<template>.txt` and `.html` and add the message to the session; no commit.

    The templates receive the context plus `subject`, `base_url`, `portal_name` and `brand`. Pass
    `sensitive=True` for messages carrying a sign-in link (invites, password resets): their
    body is erased once delivered and never written to the log in production.
    """
    if not _TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"e-mail template names are lower-case slugs, got {template!r}")
    address = _clean_address(to)
    clean_subject = _clean_subject(subject)
    context.setdefault("base_url", current_app.config["BASE_URL"])
    context.setdefault("portal_name", portal_name())
    context["subject"] = clean_subject
    message = OutboxMessage(
        kind=template,
        to_email=address,
        subject=clean_subject,
        body_text=_tidy_text(render_template(f"email/{template}.txt", **context)),
        body_html=render_template(f"email/{template}.html", **context),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        sensitive=sensitive,
    )
    db.session.add(message)
    return message


def recently_queued(template: str, to: str, since: datetime) -> bool:
    """True when an e-mail from `template` to this address was queued after `since`."""
    return (
        db.session.scalar(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.kind == template,
                OutboxMessage.to_email == to,
                OutboxMessage.created_at > since,
            )
            .limit(1)
        )
        is not None
    )
