""" "Contact this partner": the checks a visitor's message passes, and where it goes next.

No third-party service guards the form. The view applies the per-address rate limit
(Flask-Limiter, DIRECTORY_CONTACT_RATE_LIMIT); here are the rest, as plain functions:
- a honeypot field a person leaves empty (`honeypot_filled`);
- a signed form token made when the page was shown: a post sooner than the minimum fill
  time, or with a token that is forged, for another partner or older than a day, is refused
  (`check_fill_time`); each token carries a random nonce and sends one message only (stored
  as the contact's `form_nonce`, unique), so one page view cannot be replayed for a day to
  use up the partner's daily cap;
- the e-mail address's syntax, without any DNS look-up (accounts.api.normalise_email, in
  the form);
- a daily cap per partner (`accept_contact`: at most N messages in any 24 hours, counted
  under the profile's row lock so two posts cannot both take the last place).

An accepted message is stored as a DirectoryContact for the partner's admins and handed over
to `hand_over`, which makes it a lead offered to that partner by name. The visitor's text is
never e-mailed anywhere.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.content_runtime import current_content
from portal.directory.models import DirectoryContact, DirectoryProfile
from portal.extensions import db
from portal.leads import api as leads_api
from portal.pagination import Page, cut_page

TOKEN_SALT = "directory-contact"  # noqa: S105  (a signing namespace, not a secret)
TOKEN_MAX_AGE_SECONDS = 24 * 3600
CAP_WINDOW = timedelta(hours=24)
CONTACTS_PER_PAGE = 25
REFUSED = (
    "We could not pass your message on just now. Please wait a while and try again, "
    "or reach the partner through their website."
)
ALREADY_SENT = (
    "This form was already sent, so your message is on its way. To write again, "
    "open the partner's page afresh."
)
TOO_OLD = "The form was open for too long. Please send it again."
NONCE_BYTES = 16  # 22 URL-safe characters (models.NONCE_MAX is 32)
TOO_QUICK = (
    "That was quicker than we expect a person to be. Please check the form and send it again."
)


class ContactRefused(Exception):
    """A post the checks turned down; the message is calm and says what to do."""


@dataclass(frozen=True)
class ContactInput:
    """What the visitor typed, bounded and checked by the form."""

    name: str
    company: str
    email: str
    country: str
    message: str


def fill_token(secret: str, slug: str) -> str:
    """The token the form carries: which partner, a nonce of its own, and when the page was
    shown (signed)."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT).dumps([slug, nonce])


def check_fill_time(secret: str, slug: str, token: str, min_seconds: int, now: datetime) -> str:
    """Refuse a post faster than a person, or with a token that is not this page's own;
    the token's nonce, which `accept_contact` lets send one message only."""
    serializer = URLSafeTimedSerializer(secret, salt=TOKEN_SALT)
    try:
        payload, signed_at = serializer.loads(
            token, max_age=TOKEN_MAX_AGE_SECONDS, return_timestamp=True
        )
    except SignatureExpired as exc:
        raise ContactRefused(TOO_OLD) from exc
    except BadSignature as exc:
        raise ContactRefused(REFUSED) from exc
    if not (isinstance(payload, list) and len(payload) == 2):
        # A token of a page shown before tokens had nonces: it could be replayed, so the
        # visitor is asked to send the form again (with a fresh page).
        raise ContactRefused(TOO_OLD)
    token_slug, nonce = payload
    if token_slug != slug or not isinstance(nonce, str) or not nonce:
        raise ContactRefused(REFUSED)
    if (now - signed_at).total_seconds() < min_seconds:
        raise ContactRefused(TOO_QUICK)
    return nonce


def honeypot_filled(value: str | None) -> bool:
    """True when the field people never see (and leave empty) has text: a bot filled it."""
    return bool(value and value.strip())


def accept_contact(
    org_id: int,
    contact: ContactInput,
    daily_cap: int,
    now: datetime,
    form_nonce: str | None = None,
) -> DirectoryContact:
    """Store the message for the partner, within the daily cap, and hand it over.

    `form_nonce` (from check_fill_time) sends one message: a second post with the same token
    is refused. The token is bound to this partner, so the profile's row lock serialises
    both posts and the second one finds the first; the unique index backs it.
    """
    db.session.execute(
        sa.select(DirectoryProfile.organization_id)
        .where(DirectoryProfile.organization_id == org_id)
        .with_for_update()
    )
    if form_nonce is not None and db.session.scalar(
        sa.select(DirectoryContact.id).where(DirectoryContact.form_nonce == form_nonce)
    ):
        raise ContactRefused(ALREADY_SENT)
    recent = db.session.scalar(
        sa.select(sa.func.count(DirectoryContact.id)).where(
            DirectoryContact.organization_id == org_id,
            DirectoryContact.created_at > now - CAP_WINDOW,
        )
    )
    if (recent or 0) >= daily_cap:
        raise ContactRefused(REFUSED)
    record = DirectoryContact(
        organization_id=org_id,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        country=contact.country,
        message=contact.message,
        created_at=now,
        form_nonce=form_nonce,
    )
    db.session.add(record)
    db.session.flush()
    hand_over(record, now)
    return record


def hand_over(contact: DirectoryContact, now: datetime) -> None:
    """An accepted contact becomes a lead offered by name to its partner (issue 18, section 2),
    in the same transaction: the leads feature runs its channel-conflict check first, and the
    partner's admins are e-mailed about the offer (never the visitor's text). The contact
    keeps the whole message for the partner's admins (/directory/contacts); the lead's need
    holds as much of it as a lead takes.

    A contact the leads' intake refuses (a country the ISO list lacks, say) stays a contact
    without a lead, and the log says why: the visitor was already told the message was sent.
    """
    program = current_content().program
    message = " ".join(contact.message.split())
    if len(message) > leads_api.NEED_MAX:
        message = message[: leads_api.NEED_MAX - 1] + "…"
    data, problems = leads_api.clean(
        leads_api.LeadInput(
            company=contact.company,
            contact_name=contact.name,
            contact_email=contact.email,
            country=contact.country,
            need=message,
        ),
        program.leads,
        program.regions,
    )
    if problems:
        current_app.logger.warning(
            "directory contact %s made no lead: %s", contact.id, "; ".join(problems)
        )
        return
    lead = leads_api.create_lead(
        data, leads_api.LeadSource.DIRECTORY, None, now, named_partner_id=contact.organization_id
    )
    leads_api.route_lead(lead, program, now)
    contact.lead_id = lead.id


def contacts_page(org_id: int, after: int | None = None) -> Page[DirectoryContact, int]:
    """The organisation's contact messages, newest first, a page at a time (keyset on id)."""
    stmt = sa.select(DirectoryContact).where(DirectoryContact.organization_id == org_id)
    if after is not None:
        stmt = stmt.where(DirectoryContact.id < after)
    rows = list(
        db.session.scalars(stmt.order_by(DirectoryContact.id.desc()).limit(CONTACTS_PER_PAGE + 1))
    )
    return cut_page(rows, CONTACTS_PER_PAGE, lambda c: c.id, after)


def all_contacts(org_id: int) -> list[DirectoryContact]:
    """Every contact message of the organisation, newest first (the CSV)."""
    return list(
        db.session.scalars(
            sa.select(DirectoryContact)
            .where(DirectoryContact.organization_id == org_id)
            .order_by(DirectoryContact.id.desc())
        )
    )


def contact_of(org_id: int, contact_id: int) -> DirectoryContact | None:
    """One contact message, only when it belongs to the organisation (else None: a 404)."""
    return db.session.scalar(
        sa.select(DirectoryContact).where(
            DirectoryContact.id == contact_id, DirectoryContact.organization_id == org_id
        )
    )
