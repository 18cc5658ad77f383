"""Hostile input through the referral workflow: every payload, every free-text field, every view.

Each XSS payload goes in through the real forms (the referral form, the staff actions, the
dispute form, the customer form) and is then read back from the partner's pages, the inbox, the
staff pages, the e-mails and the CSV export. None may come out unescaped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals.commission_lifecycle import approve, create_commission
from portal.referrals.models import Commission, Referral
from tests.conftest import new_org, new_user, sign_in
from tests.xss_corpus import INERT_PAYLOADS, XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _referral_form(index: int, payload: str) -> dict[str, str]:
    return {
        "company_name": payload,
        "company_website": f"https://xss-{index}.co.uk",
        "contact_name": payload,
        "contact_email": f"buyer@xss-{index}.co.uk",
        "contact_phone": "",
        "contact_role": payload,
        "region": "Europe",
        "estimated_value": "12000",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": payload,
        "involvement": "sourced",
        "consent": "y",
        "idempotency_key": f"{index:032x}",
    }


def _assert_clean(html: str, where: str) -> None:
    assert find_injections(html) == [], where
    assert raw_payloads_in(html) == [], where


def _pages(client, first_url: str, next_link: re.Pattern[str]) -> list[str]:
    """Follow a paginated list by its "next" link; every page's HTML."""
    pages, url = [], first_url
    while url and len(pages) < 20:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        found = next_link.search(page)
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


@dataclass(frozen=True)
class SubmittedReferral:
    reference: str
    company_name: str


@dataclass(frozen=True)
class HostileWorld:
    partner_id: int
    staff_id: int
    referrals: list[SubmittedReferral]


def _build_hostile_world() -> HostileWorld:
    """Every payload submitted through the real forms by a partner and worked by staff."""
    app = current_app
    partner_org = new_org(name="Acme Referrals", partner_type="referral")
    partner_user = new_user(
        Role.PARTNER_USER, partner_org, email="pat@acme.example", name="Pat Lee"
    )
    staff_user = new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")
    client = app.test_client()
    sign_in(client, partner_user)
    for index, payload in enumerate(XSS_PAYLOADS):
        response = client.post("/referrals/new", data=_referral_form(index, payload))
        assert response.status_code == 302, (payload, response.get_data(as_text=True)[:2000])
    referrals = db.session.scalars(sa.select(Referral).order_by(Referral.id)).all()
    assert len(referrals) == len(XSS_PAYLOADS)
    submitted = [SubmittedReferral(r.reference, r.company_name) for r in referrals]
    staff = app.test_client()
    sign_in(staff, staff_user)
    program = current_content().program
    for referral, payload in zip(referrals, XSS_PAYLOADS, strict=True):
        ref = referral.reference
        for action, data in (
            ("update", {"message": payload}),
            ("note", {"message": payload}),
        ):
            assert staff.post(f"/inbox/{ref}/{action}", data=data).status_code == 302
        if referral.id % 2:
            assert staff.post(f"/inbox/{ref}/reject", data={"reason": payload}).status_code == 302
        else:
            assert staff.post(f"/inbox/{ref}/accept").status_code == 302
            assert staff.post(f"/inbox/{ref}/lost", data={"reason": payload}).status_code == 302
        response = staff.post(
            "/inbox/customers", data={"name": payload, "website_or_domain": f"c-{ref}.io"}
        )
        assert response.status_code in (200, 302)

    # Commissions with hostile disputes, answers and payout references.
    won = referrals[0]
    won.status, won.deal_value_minor, won.deal_currency = "won", 5_000_000, "USD"
    commission = create_commission(won, staff_user, program)
    db.session.commit()
    for payload in XSS_PAYLOADS[:8]:
        sign_in(client, partner_user)
        client.post(f"/earnings/{commission.id}/dispute", data={"reason": f"Wrong: {payload}"})
        dispute_id = db.session.execute(
            sa.text("SELECT id FROM commission_disputes WHERE resolved_at IS NULL")
        ).scalar()
        staff.post(f"/inbox/commissions/disputes/{dispute_id}/resolve", data={"answer": payload})
    commission = db.session.get(Commission, commission.id)
    commission.approvable_from = commission.created_at
    approve(commission, staff_user)
    db.session.commit()
    staff.post(
        f"/inbox/commissions/{commission.id}/pay", data={"payout_reference": XSS_PAYLOADS[2][:100]}
    )
    return HostileWorld(partner_user.id, staff_user.id, submitted)


@pytest.fixture
def hostile_world(module_world):
    """The hostile world (built once for the module) and a signed-in client for each side."""
    world = module_world("hostile_world", _build_hostile_world)
    partner, staff = current_app.test_client(), current_app.test_client()
    sign_in(partner, db.session.get(User, world.partner_id))
    sign_in(staff, db.session.get(User, world.staff_id))
    return {"partner": partner, "staff": staff, "referrals": world.referrals}


def test_partner_pages_escape_every_payload(hostile_world):
    partner = hostile_world["partner"]
    for page in _pages(partner, "/referrals", re.compile(r'href="(/referrals\?before=\d+)"')):
        _assert_clean(page, "/referrals")
    for referral in hostile_world["referrals"]:
        page = partner.get(f"/referrals/{referral.reference}").get_data(as_text=True)
        _assert_clean(page, referral.reference)
        # The internal note never reaches the partner, escaped or not.
        assert "Internal note" not in page
    _assert_clean(partner.get("/earnings").get_data(as_text=True), "/earnings")


def test_inbox_and_staff_pages_escape_every_payload(hostile_world):
    staff = hostile_world["staff"]
    pages = _pages(staff, "/inbox/?status=all", re.compile(r'href="(/inbox/\?[^"]*after=[^"]+)"'))
    assert sum(page.count("/inbox/R-") for page in pages) >= len(XSS_PAYLOADS)
    for page in pages:
        _assert_clean(page, "/inbox/")
    for referral in hostile_world["referrals"]:
        page = staff.get(f"/inbox/{referral.reference}").get_data(as_text=True)
        _assert_clean(page, f"/inbox/{referral.reference}")
    for url in ("/inbox/commissions?status=", "/inbox/customers"):
        _assert_clean(staff.get(url).get_data(as_text=True), url)


def test_inert_payloads_show_literally(hostile_world):
    """No double decoding and no template evaluation: "&lt;" stays text, "{{7*7}}" stays."""
    staff = hostile_world["staff"]
    for referral in hostile_world["referrals"]:
        if referral.company_name in INERT_PAYLOADS:
            page = staff.get(f"/inbox/{referral.reference}").get_data(as_text=True)
            escaped = str(__import__("markupsafe").escape(referral.company_name))
            assert escaped in page, referral.company_name
    assert "49" not in staff.get("/inbox/?q=%7B%7B7").get_data(as_text=True).split("<main")[-1]


def test_emails_escape_every_payload(hostile_world):
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(messages) > len(XSS_PAYLOADS)
    for message in messages:
        _assert_clean(message.body_html, f"e-mail {message.kind} to {message.to_email}")
        assert "\n" not in message.subject and "\r" not in message.subject


def test_csv_export_neutralises_formulas(hostile_world):
    response = hostile_world["staff"].get("/inbox/export.csv?status=all")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == len(XSS_PAYLOADS) + 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    companies = {row[rows[0].index("company")] for row in rows[1:]}
    assert "<script>alert(1)</script>" in companies  # text kept, only formulas guarded
