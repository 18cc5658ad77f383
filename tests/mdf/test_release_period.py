"""Released MDF funds go to the period in progress, and the partner is told which one.

A request held in one quarter and released in the next (expired, rejected, approved in part or
claimed for less after its quarter ended) gives its funds to the new quarter: the old one is
closed and can no longer be requested from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.extensions import db
from portal.mdf import balance
from portal.mdf.claims import ClaimInput, StoredProof, approve_claim, submit_claim
from portal.mdf.expiry import expire_unclaimed
from portal.mdf.models import MdfAllocation
from portal.mdf.service import RequestInput, approve, reject, request_funds
from portal.notify.models import OutboxMessage

INVOICE = StoredProof("invoice", "1" * 32, "invoice.pdf", "application/pdf", 10)
IN_Q3 = datetime(2026, 8, 10, 9, 0, tzinfo=UTC)
IN_Q4 = datetime(2026, 10, 12, 9, 0, tzinfo=UTC)
SILVER = 500_000  # the fixture program's silver allocation per quarter, in cents


@pytest.fixture
def rules(app):
    program = current_content().program
    assert program.mdf is not None and program.mdf.period == "quarter"
    return program.mdf


@pytest.fixture
def admin(make_org, make_user):
    return make_user(Role.PARTNER_ADMIN, make_org(tier="silver"))


def _ask(admin, rules, amount: int, now: datetime = IN_Q3):
    data = RequestInput(
        activity_type="event",
        activity_date=now.date() - timedelta(days=1),
        title="Webinar",
        description="A joint webinar.",
        amount_minor=amount,
    )
    return request_funds(admin, data, rules, "USD", now=now)


def _allocations(org_id: int) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(
        sa.select(MdfAllocation.period, MdfAllocation.committed_minor, MdfAllocation.returned_minor)
        .where(MdfAllocation.organization_id == org_id)
        .execution_options(populate_existing=True)
    )
    return {period: (committed, returned) for period, committed, returned in rows}


def _latest_email() -> str:
    message = db.session.scalar(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert message is not None
    return f"{message.subject}\n{message.body_text}\n{message.body_html}"


def _available(org, rules, day: date) -> int:
    return balance.balance_of(org, rules, day).available


def test_an_approval_expiring_next_quarter_returns_its_funds_to_that_quarter(
    admin, staff_user, rules
):
    request = _ask(admin, rules, 400_000)
    approve(request, staff_user, 400_000, now=IN_Q3, rules=rules)
    assert _available(admin.organization, rules, IN_Q3.date()) == SILVER - 400_000

    day_after_deadline = request.claim_due_on + timedelta(days=1)
    assert balance.period_of(day_after_deadline, rules) == "2026-Q4"
    assert expire_unclaimed(day_after_deadline, rules) == 1

    # Q3 shows what its requests really hold; Q4 received the funds on top of its allocation.
    assert _allocations(admin.organization_id) == {"2026-Q3": (0, 0), "2026-Q4": (0, 400_000)}
    assert _available(admin.organization, rules, day_after_deadline) == SILVER + 400_000
    email = _latest_email()
    assert "USD 4,000.00 went back to your organisation's funds for 2026-Q4" in email
    after = db.session.scalar(sa.select(AuditEntry.after).where(AuditEntry.action == "mdf.expired"))
    assert after is not None and after["released_to_period"] == "2026-Q4"


def test_the_returned_funds_can_be_requested_in_the_new_quarter_and_no_more(
    admin, staff_user, rules
):
    request = _ask(admin, rules, 400_000)
    approve(request, staff_user, 400_000, now=IN_Q3, rules=rules)
    expire_unclaimed(request.claim_due_on + timedelta(days=1), rules)

    assert _ask(admin, rules, SILVER + 400_000, now=IN_Q4).held_minor == SILVER + 400_000
    with pytest.raises(Exception, match=r"USD 0\.00 of funds left"):
        _ask(admin, rules, 1, now=IN_Q4)


def test_a_release_in_the_same_quarter_stays_in_that_quarter(admin, staff_user, rules):
    first = _ask(admin, rules, 300_000)
    second = _ask(admin, rules, 200_000)
    approve(first, staff_user, 100_000, now=IN_Q3, rules=rules)
    reject(second, staff_user, "Not a co-marketing activity.", now=IN_Q3, rules=rules)

    assert _allocations(admin.organization_id) == {"2026-Q3": (100_000, 0)}
    assert "USD 2,000.00 went back to your organisation's funds for 2026-Q3" in _latest_email()


def test_rejection_and_partial_approval_after_the_quarter_ended_fund_the_new_quarter(
    admin, staff_user, rules
):
    late_decision = IN_Q4 - timedelta(days=10)  # 2 October: Q3's requests decided in Q4
    rejected = _ask(admin, rules, 200_000)
    partly = _ask(admin, rules, 300_000)
    reject(rejected, staff_user, "Outside the program.", now=late_decision, rules=rules)
    assert "USD 2,000.00 went back to your organisation's funds for 2026-Q4" in _latest_email()
    approve(partly, staff_user, 100_000, now=late_decision, rules=rules)
    assert "USD 2,000.00 went back to your organisation's funds for 2026-Q4" in _latest_email()

    assert _allocations(admin.organization_id) == {
        "2026-Q3": (100_000, 0),
        "2026-Q4": (0, 400_000),
    }


def test_a_claim_for_less_in_the_next_quarter_returns_the_rest_there(admin, staff_user, rules):
    request = _ask(admin, rules, 400_000)
    approve(request, staff_user, 400_000, now=IN_Q3, rules=rules)
    submit_claim(
        request,
        admin,
        ClaimInput(actual_cost_minor=300_000, proofs=(INVOICE,)),
        now=IN_Q3 + timedelta(days=5),
    )
    approve_claim(request, staff_user, rules, now=IN_Q4)

    assert request.payable_minor == 150_000  # 50% of 3,000.00
    assert _allocations(admin.organization_id) == {
        "2026-Q3": (150_000, 0),
        "2026-Q4": (0, 250_000),
    }
    assert "USD 2,500.00 went back to your organisation's funds for 2026-Q4" in _latest_email()


def test_a_tier_without_funds_may_still_spend_what_came_back(admin, staff_user, rules):
    request = _ask(admin, rules, 400_000)
    approve(request, staff_user, 400_000, now=IN_Q3, rules=rules)
    admin.organization.tier = "registered"  # downgraded: no allocation of its own any more
    expire_unclaimed(request.claim_due_on + timedelta(days=1), rules)

    assert _available(admin.organization, rules, IN_Q4.date()) == 400_000
    assert _ask(admin, rules, 400_000, now=IN_Q4).held_minor == 400_000
    with pytest.raises(Exception, match=r"USD 0\.00 of funds left"):
        _ask(admin, rules, 1, now=IN_Q4)


def test_the_database_refuses_committing_more_than_allocated_and_returned(admin, rules):
    _ask(admin, rules, 100_000)
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(MdfAllocation).values(committed_minor=SILVER + 1, returned_minor=0)
        )


def test_the_audit_log_says_where_the_funds_went(admin, staff_user, admin_user, login, rules):
    request = _ask(admin, rules, 400_000)
    approve(request, staff_user, 400_000, now=IN_Q3, rules=rules)
    expire_unclaimed(request.claim_due_on + timedelta(days=1), rules)
    db.session.commit()

    html = login(admin_user).get("/admin/audit").get_data(as_text=True)
    assert "Given back to the period" in html and "2026-Q4" in html
    assert "Funds given back" in html and "USD 4,000.00" in html
    assert "released_to_period" not in html
