"""/insights section 9: MDF spent against the referrals paid claims link and their won value."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.accounts.models import Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.claims import ClaimInput, StoredProof, approve_claim, mark_paid, submit_claim
from portal.mdf.service import RequestInput, approve, request_funds


def _figure(html: str, figure_id: str) -> str:
    card = re.search(rf'<li class="kpi" id="figure-{figure_id}">(.*?)</li>', html, re.S)
    assert card, f"no figure {figure_id}"
    return re.search(r'class="kpi-value"[^>]*>([^<]+)', card.group(1)).group(1).strip()


def test_spent_referrals_won_value_and_return(
    client, login, make_org, make_user, staff_user, make_referral, make_won_referral
):
    rules = current_content().program.mdf
    assert rules is not None
    org = make_org(tier="silver", partner_type="reseller")
    admin = make_user(Role.PARTNER_ADMIN, org)
    won, _commission = make_won_referral(admin, staff_user, deal_value_minor=5_000_000)
    open_referral = make_referral(admin)
    day = utcnow().date() - timedelta(days=5)
    request = request_funds(
        admin, RequestInput("event", day, "Roadshow", "A roadshow.", 300_000), rules, "USD"
    )
    approve(request, staff_user, 300_000, rules=rules)
    proof = StoredProof("invoice", "a" * 32, "invoice.pdf", "application/pdf", 9)
    claim = ClaimInput(
        actual_cost_minor=400_000, referral_ids=(won.id, open_referral.id), proofs=(proof,)
    )
    submit_claim(request, admin, claim)
    approve_claim(request, staff_user, rules)
    mark_paid(request, staff_user, "PAY-1")
    db.session.commit()

    html = login(staff_user).get("/insights?period=90").get_data(as_text=True)
    assert _figure(html, "mdf-spent") == "USD 2,000"
    assert _figure(html, "mdf-referrals") == "2"
    assert _figure(html, "mdf-won-value") == "USD 50,000"
    assert _figure(html, "mdf-return") == "25.0x"
    # Another partner type's page leaves them out.
    html = client.get("/insights?period=90&type=referral").get_data(as_text=True)
    assert _figure(html, "mdf-spent") == "USD 0"
    csv_text = client.get("/insights?period=90&format=csv&table=mdf-return").get_data(as_text=True)
    assert "200000" in csv_text and "5000000" in csv_text
