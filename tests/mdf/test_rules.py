"""MDF rules as plain calls: funds held and released, states, deadlines, the tier's allocation."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf import balance
from portal.mdf.claims import ClaimInput, StoredProof, approve_claim, reject_claim, submit_claim
from portal.mdf.expiry import expire_unclaimed
from portal.mdf.models import MdfAllocation, MdfRequest
from portal.mdf.service import MdfError, RequestInput, approve, reject, request_funds
from portal.notify.models import OutboxMessage

INVOICE = StoredProof("invoice", "0" * 32, "invoice.pdf", "application/pdf", 10)


@pytest.fixture
def rules(app):
    program = current_content().program
    assert program.mdf is not None
    return program.mdf


def _input(amount: int, days: int = -1) -> RequestInput:
    return RequestInput(
        activity_type="event",
        activity_date=utcnow().date() + timedelta(days=days),
        title="Webinar",
        description="A joint webinar.",
        amount_minor=amount,
    )


def _available(org, rules) -> int:
    return balance.balance_of(org, rules, utcnow().date()).available


def test_partial_approval_and_rejection_give_funds_back(make_org, make_user, staff_user, rules):
    org = make_org(tier="silver")  # USD 5,000 a quarter
    admin = make_user(Role.PARTNER_ADMIN, org)
    first = request_funds(admin, _input(300_000), rules, "USD")
    second = request_funds(admin, _input(200_000), rules, "USD")
    assert _available(org, rules) == 0
    with pytest.raises(MdfError, match=re.escape("USD 0.00 of funds left")):
        request_funds(admin, _input(1), rules, "USD")

    approve(first, staff_user, 100_000, "Half the venue.", rules=rules)
    assert first.held_minor == 100_000 and _available(org, rules) == 200_000
    reject(second, staff_user, "Not a co-marketing activity.", rules=rules)
    assert second.held_minor == 0 and _available(org, rules) == 400_000
    with pytest.raises(MdfError, match="already rejected"):
        approve(second, staff_user, 1, rules=rules)
    with pytest.raises(MdfError, match=re.escape("at most the USD 3,000.00 requested")):
        approve(
            request_funds(admin, _input(300_000), rules, "USD"), staff_user, 300_001, rules=rules
        )


def test_only_partner_admins_of_a_tier_with_funds_may_request(make_org, make_user, rules):
    user = make_user(Role.PARTNER_USER, make_org(tier="silver"))
    with pytest.raises(MdfError, match="partner admins"):
        request_funds(user, _input(100), rules, "USD")
    registered = make_user(Role.PARTNER_ADMIN, make_org(tier="registered"))
    with pytest.raises(MdfError, match=re.escape("USD 0.00 of funds left")):
        request_funds(registered, _input(100), rules, "USD")


def test_the_allocation_follows_the_tier_at_request_time(make_org, make_user, rules):
    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    request_funds(admin, _input(500_000), rules, "USD")
    org.tier = "gold"  # USD 15,000 a quarter from the next request on
    request_funds(admin, _input(1_000_000), rules, "USD")
    allocation = db.session.scalar(sa.select(MdfAllocation))
    assert allocation is not None
    assert (allocation.tier, allocation.allocated_minor, allocation.committed_minor) == (
        "gold",
        1_500_000,
        1_500_000,
    )


def test_claim_pays_the_vendor_share_up_to_the_approval(make_org, make_user, staff_user, rules):
    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    request = request_funds(admin, _input(400_000), rules, "USD")
    approve(request, staff_user, 300_000, rules=rules)
    with pytest.raises(MdfError, match="Attach the invoice"):
        submit_claim(request, admin, ClaimInput(actual_cost_minor=100_000))
    submit_claim(request, admin, ClaimInput(actual_cost_minor=400_000, proofs=(INVOICE,)))
    with pytest.raises(MdfError, match="already waits"):
        submit_claim(request, admin, ClaimInput(actual_cost_minor=1, proofs=(INVOICE,)))
    approve_claim(request, staff_user, rules)
    assert request.payable_minor == 200_000  # 50% of 4,000, under the 3,000 approved
    assert _available(org, rules) == 300_000


def test_a_rejected_claim_may_be_claimed_again(make_org, make_user, staff_user, rules):
    admin = make_user(Role.PARTNER_ADMIN, make_org(tier="silver"))
    request = request_funds(admin, _input(100_000), rules, "USD")
    approve(request, staff_user, 100_000, rules=rules)
    submit_claim(request, admin, ClaimInput(actual_cost_minor=100_000, proofs=(INVOICE,)))
    reject_claim(request, staff_user, "The invoice is not readable.")
    assert request.status == "approved"
    submit_claim(request, admin, ClaimInput(actual_cost_minor=100_000, proofs=(INVOICE,)))
    assert request.status == "claimed"


def test_claims_wait_for_the_activity_and_stop_at_the_deadline(
    make_org, make_user, staff_user, rules
):
    admin = make_user(Role.PARTNER_ADMIN, make_org(tier="silver"))
    future = request_funds(admin, _input(100, days=10), rules, "USD")
    approve(future, staff_user, 100, rules=rules)
    with pytest.raises(MdfError, match="Claim after the activity"):
        submit_claim(future, admin, ClaimInput(actual_cost_minor=100, proofs=(INVOICE,)))
    late = request_funds(admin, _input(100, days=-20), rules, "USD")
    approve(late, staff_user, 100, rules=rules)
    after_deadline = utcnow() + timedelta(days=rules.claim_days)
    with pytest.raises(MdfError, match="was due by"):
        submit_claim(
            late, admin, ClaimInput(actual_cost_minor=100, proofs=(INVOICE,)), now=after_deadline
        )


def test_expire_releases_unclaimed_approvals_only(
    make_org, make_user, staff_user, rules, runner: FlaskCliRunner
):
    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    unclaimed = request_funds(admin, _input(100_000, days=-20), rules, "USD")
    approve(unclaimed, staff_user, 100_000, rules=rules)
    claimed = request_funds(admin, _input(50_000, days=-20), rules, "USD")
    approve(claimed, staff_user, 50_000, rules=rules)
    submit_claim(claimed, admin, ClaimInput(actual_cost_minor=100_000, proofs=(INVOICE,)))
    db.session.commit()
    assert expire_unclaimed(utcnow().date(), rules) == 0  # not due yet

    day_after_deadline = unclaimed.claim_due_on + timedelta(days=1)
    assert expire_unclaimed(day_after_deadline, rules) == 1
    assert (unclaimed.status, unclaimed.held_minor) == ("expired", 0)
    assert claimed.status == "claimed"
    assert _available(org, rules) == 450_000
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "mdf.expired"))
    assert db.session.scalar(
        sa.select(OutboxMessage.subject).where(OutboxMessage.subject.like("Funds expired%"))
    )
    result = runner.invoke(args=["mdf", "expire"])
    assert result.exit_code == 0 and "Expired 0 unclaimed approvals." in result.output


def test_periods(rules):
    assert balance.period_of(date(2026, 11, 30), rules) == "2026-Q4"
    assert balance.period_of(date(2027, 1, 1), rules) == "2027-Q1"


def test_requests_listed_for_staff_in_a_flat_number_of_statements(
    client, login, make_org, make_user, staff_user, rules, count_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            admin = make_user(Role.PARTNER_ADMIN, make_org(tier="silver"))
            request_funds(admin, _input(100), rules, "USD")
        db.session.commit()

    login(staff_user)
    add(2)
    with count_queries() as few:
        assert client.get("/staff/mdf").status_code == 200
    add(8)
    with count_queries() as many:
        assert client.get("/staff/mdf").status_code == 200
    assert many.count == few.count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MdfRequest)) == 10


def test_an_attendee_list_with_old_mac_line_endings_counts_and_an_unreadable_one_is_refused():
    from portal.mdf.proofs import ProofRefused, attendee_count

    assert attendee_count(b"name,email\rAda,ada@example.com\rBo,bo@example.com\r") == 2
    with pytest.raises(ProofRefused, match="not readable as CSV"):
        attendee_count(b'name\n"' + b"x" * 140_000 + b'"\n')
