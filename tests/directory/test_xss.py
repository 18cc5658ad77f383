"""Hostile text through the directory: names, descriptions, visitors' messages, on every page
that shows them (public list and profile, the partner's messages and CSV, staff's diff)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.db_types import utcnow
from portal.directory import contact, profiles
from portal.directory.models import DirectoryContact
from portal.extensions import db
from tests.conftest import sign_in
from tests.directory.conftest import PROFILE, listed_partner, staff
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


def _clean(html: str, where: str) -> None:
    assert find_injections(html) == [], where
    assert raw_payloads_in(html) == [], where


def test_no_payload_comes_out_unescaped(app, client) -> None:
    joined = "\n\n".join(XSS_PAYLOADS)
    profile, admin = listed_partner(XSS_PAYLOADS[0][:200], description=joined)
    for payload in XSS_PAYLOADS:
        contact.accept_contact(
            profile.organization_id,
            contact.ContactInput(
                payload[:200], payload[:200], "v@x.example", payload[:50], payload
            ),
            10_000,
            utcnow(),
        )
    change = profiles.propose(
        profile.organization, admin, {**PROFILE, "description": joined + "\nmore", "website": ""}
    )
    db.session.commit()

    _clean(client.get("/partners").get_data(as_text=True), "/partners")
    _clean(client.get(f"/partners?q={XSS_PAYLOADS[0]}").get_data(as_text=True), "search")
    _clean(client.get(f"/partners/{profile.slug}").get_data(as_text=True), "profile")
    sign_in(client, admin)
    _clean(client.get("/directory/profile").get_data(as_text=True), "edit")
    first_id = db.session.scalar(sa.select(sa.func.min(DirectoryContact.id)))
    last_id = db.session.scalar(sa.select(sa.func.max(DirectoryContact.id)))
    for url in (
        "/directory/contacts",
        f"/directory/contacts/{first_id}",
        f"/directory/contacts/{last_id}",
    ):
        _clean(client.get(url).get_data(as_text=True), url)
    sign_in(client, staff())
    for url in ("/staff/directory", f"/staff/directory/{change.id}"):
        _clean(client.get(url).get_data(as_text=True), url)
