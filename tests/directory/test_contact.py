"""'Contact this partner': the checks a post passes, the stored message, the partner's pages."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.db_types import utcnow
from portal.directory import contact
from portal.directory.models import DirectoryContact
from portal.extensions import db, limiter
from portal.leads.models import Lead, LeadSource, LeadStatus
from portal.notify.models import OutboxMessage
from tests.directory.conftest import listed_partner

SECRET = "test-secret-key"


def _form(client, slug: str) -> dict[str, str]:
    page = client.get(f"/partners/{slug}").get_data(as_text=True)
    token = re.search(r'name="started" type="hidden" value="([^"]+)"', page)
    assert token is not None
    return {
        "name": "Vera Visitor",
        "company": "Buyer Ltd",
        "email": "Vera@Buyer.example",
        "country": "de",
        "message": "=SUM(A1) dashboards: we need help.",
        "nickname": "",
        "started": token.group(1),
    }


@pytest.fixture
def instant(app):
    """No minimum fill time, so tests can post at once."""
    app.config["DIRECTORY_CONTACT_MIN_SECONDS"] = 0
    yield
    app.config["DIRECTORY_CONTACT_MIN_SECONDS"] = 3


def _contacts() -> list[DirectoryContact]:
    return list(db.session.scalars(sa.select(DirectoryContact)))


def test_a_message_becomes_a_lead_for_the_partner_and_its_text_is_never_mailed(
    app, client, instant, login
):
    profile, admin = listed_partner("Contact Me")
    response = client.post(f"/partners/{profile.slug}/contact", data=_form(client, profile.slug))
    assert response.status_code == 200
    assert "on its way to Contact Me" in response.get_data(as_text=True)
    (stored,) = _contacts()
    assert (stored.organization_id, stored.email) == (profile.organization_id, "vera@buyer.example")
    # The contact is a lead offered to this partner by name (portal.leads), from the directory.
    lead = db.session.get(Lead, stored.lead_id)
    assert lead is not None and lead.source == LeadSource.DIRECTORY
    assert (lead.named_partner_id, lead.partner_id) == (profile.organization_id,) * 2
    assert lead.contact_email == "vera@buyer.example" and lead.status == LeadStatus.OFFERED
    # The partner's admins hear of the offer; no e-mail carries the visitor's words.
    mails = list(db.session.scalars(sa.select(OutboxMessage)))
    assert mails and {m.to_email for m in mails} == {admin.email}
    assert not any("we need help" in m.body_text + m.body_html + m.subject for m in mails)
    # The partner admin reads it; the CSV guards the formula.
    admin_client = login(admin)
    listing_page = admin_client.get("/directory/contacts").get_data(as_text=True)
    assert "Vera Visitor" in listing_page and "Buyer Ltd" in listing_page
    detail = admin_client.get(f"/directory/contacts/{stored.id}").get_data(as_text=True)
    assert "=SUM(A1) dashboards: we need help." in detail
    csv_text = admin_client.get("/directory/contacts.csv").get_data(as_text=True)
    assert "'=SUM(A1)" in csv_text


def test_another_organisation_cannot_read_the_message(app, client, instant, login):
    profile, _ = listed_partner("Mine")
    _, stranger = listed_partner("Theirs")
    client.post(f"/partners/{profile.slug}/contact", data=_form(client, profile.slug))
    (stored,) = _contacts()
    other = login(stranger)
    assert other.get(f"/directory/contacts/{stored.id}").status_code == 404
    assert "Vera Visitor" not in other.get("/directory/contacts").get_data(as_text=True)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"nickname": "http://spam.example"}, "could not pass your message on"),
        ({"started": "forged"}, "could not pass your message on"),
        ({"email": "not-an-address"}, "valid e-mail address"),
    ],
)
def test_refused_posts_get_a_calm_message_and_store_nothing(
    app, client, instant, change: dict[str, Any], message: str
):
    profile, _ = listed_partner("Guarded")
    response = client.post(
        f"/partners/{profile.slug}/contact", data={**_form(client, profile.slug), **change}
    )
    assert response.status_code in (422, 429)
    assert message in response.get_data(as_text=True)
    assert _contacts() == []


def test_a_post_faster_than_a_person_is_refused(app, client):
    profile, _ = listed_partner("Slow Down")
    response = client.post(f"/partners/{profile.slug}/contact", data=_form(client, profile.slug))
    assert "quicker than we expect" in response.get_data(as_text=True)
    assert _contacts() == []


def test_the_fill_token_is_bound_to_its_partner_and_age():
    now = utcnow()
    token = contact.fill_token(SECRET, "acme")
    with pytest.raises(contact.ContactRefused):
        contact.check_fill_time(SECRET, "globex", token, 0, now)
    with pytest.raises(contact.ContactRefused, match="quicker"):
        contact.check_fill_time(SECRET, "acme", token, 60, now)
    nonce = contact.check_fill_time(SECRET, "acme", token, 60, now + timedelta(seconds=61))
    assert nonce and nonce != contact.check_fill_time(
        SECRET, "acme", contact.fill_token(SECRET, "acme"), 0, now
    )


def test_a_form_token_sends_one_message_only(app, client, instant):
    """Replaying one page's token (for its 24 hours) cannot use up the partner's daily cap."""
    profile, _ = listed_partner("Replayed")
    form = _form(client, profile.slug)
    first = client.post(f"/partners/{profile.slug}/contact", data=form)
    assert first.status_code == 200
    again = client.post(f"/partners/{profile.slug}/contact", data={**form, "name": "Bot"})
    assert again.status_code == 429
    page = again.get_data(as_text=True)
    assert "This form was already sent, so your message is on its way" in page
    assert [c.name for c in _contacts()] == ["Vera Visitor"]
    # The page that answers carries a fresh token: a person writing again can send it.
    assert client.post(f"/partners/{profile.slug}/contact", data=_form(client, profile.slug))
    assert len(_contacts()) == 2


def test_a_token_without_a_nonce_is_asked_to_be_sent_again():
    """Tokens of pages shown before nonces (the slug alone) could be replayed: refused."""
    from itsdangerous import URLSafeTimedSerializer

    old = URLSafeTimedSerializer(SECRET, salt=contact.TOKEN_SALT).dumps("acme")
    with pytest.raises(contact.ContactRefused, match="open for too long"):
        contact.check_fill_time(SECRET, "acme", old, 0, utcnow())


def test_the_longest_slug_makes_a_token_the_form_accepts():
    from portal.directory.forms import TOKEN_MAX
    from portal.directory.models import SLUG_MAX

    slug = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(3))[:SLUG_MAX]
    assert len(contact.fill_token(SECRET, slug)) <= TOKEN_MAX


def test_the_daily_cap_per_partner_holds(app):
    profile, _ = listed_partner("Popular")
    visitor = contact.ContactInput("V", "C", "v@c.example", "de", "Hello")
    now = utcnow()
    for _ in range(2):
        contact.accept_contact(profile.organization_id, visitor, 2, now)
    with pytest.raises(contact.ContactRefused):
        contact.accept_contact(profile.organization_id, visitor, 2, now)
    # A day later there is room again.
    contact.accept_contact(profile.organization_id, visitor, 2, now + timedelta(hours=25))


def test_an_unlisted_partner_cannot_be_contacted(app, client):
    response = client.post("/partners/nobody/contact", data={"name": "x"})
    assert response.status_code == 404


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "DIRECTORY_CONTACT_RATE_LIMIT": "2 per hour",
        }

    def test_posts_from_one_address_are_limited(self, app, client):
        limiter.reset()
        profile, _ = listed_partner("Limited")
        statuses = [
            client.post(f"/partners/{profile.slug}/contact", data={}).status_code for _ in range(3)
        ]
        limiter.reset()
        assert statuses[-1] == 429
        assert statuses[:2] == [422, 422]
