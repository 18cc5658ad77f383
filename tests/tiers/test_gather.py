"""Gathering facts from the features' tables: what counts, in a constant number of statements."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.accounts.models import Role
from portal.db_types import utcnow
from portal.extensions import db
from portal.onboarding.models import ChecklistProgress
from portal.referrals.triage import accept
from portal.tiers.facts import WindowTotals
from portal.tiers.gather import gather_facts
from tests.conftest import new_certification, new_org, new_referral, new_user, new_won_referral
from tests.tiers.conftest import accept_referrals, agree, attest


def test_the_facts_of_an_organisation(app, program, staff_user) -> None:
    org = new_org(name="Factful", status="active", activated_at=utcnow() - timedelta(days=5))
    other = new_org(name="Elsewhere")
    admin = new_user(Role.PARTNER_ADMIN, org)
    colleague = new_user(Role.PARTNER_USER, org)
    left = new_user(Role.PARTNER_USER, org, active=False)
    agree(org)
    db.session.add(ChecklistProgress(organization_id=org.id, step_id="kickoff-call"))
    new_certification(admin, path_id="basics")
    new_certification(colleague, path_id="advanced")
    new_certification(colleague, path_id="basics", revoked=True)
    new_certification(colleague, path_id="basics", age=timedelta(days=400))  # expired
    new_certification(left)  # a person who left the organisation
    new_certification(new_user(Role.PARTNER_USER, other))
    accept_referrals(admin, 2)
    accept_referrals(admin, 1, at=utcnow() - timedelta(days=500))  # older than any window
    new_won_referral(admin, staff_user, deal_value_minor=7_500_000)
    attest(org, "qbr-attended", utcnow().date() - timedelta(days=300))
    attest(org, "qbr-attended", utcnow().date() - timedelta(days=20))

    facts = gather_facts([org], program, utcnow())[org.id]

    assert facts.agreement_current  # version 1 accepted; the fixture's version 1 binds
    assert facts.activated_at == org.activated_at
    assert sorted((c.user_id, c.path_id) for c in facts.certificates) == sorted(
        [(admin.id, "basics"), (colleague.id, "advanced")]
    )
    assert facts.windows == {365: WindowTotals(2, 1, 7_500_000)}
    assert [a.attested_on for a in facts.attestations] == [utcnow().date() - timedelta(days=20)]


def test_gathering_takes_the_same_statements_for_one_organisation_or_many(
    app, program, count_queries
) -> None:
    orgs = [new_org(name=f"Org {n}") for n in range(12)]
    for org in orgs:
        agree(org)
        new_certification(new_user(Role.PARTNER_USER, org))
    for org in orgs:
        db.session.refresh(org)  # loaded, as the evaluation loads them
    with count_queries() as one:
        gather_facts(orgs[:1], program, utcnow())
    with count_queries() as twelve:
        facts = gather_facts(orgs, program, utcnow())
    assert one.count == twelve.count == 5
    assert all(len(f.certificates) == 1 for f in facts.values())


def test_windows_count_after_their_start_up_to_now(app, program, staff_user) -> None:
    """A trailing year counts what happened after `now - 365 days`, up to `now`: the
    database counts it, per organisation and window, in the program's currency."""
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=365)
    org = new_org(name="Edgewise", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org)
    for moment in (start, start + timedelta(seconds=1), now, now + timedelta(seconds=1)):
        accept(new_referral(admin, now=moment - timedelta(hours=1)), staff_user, program, moment)
    db.session.commit()
    won_at = {
        start: ("USD", 1_000_000),  # exactly at the start: out
        start + timedelta(seconds=1): ("USD", 2_000_000),
        now - timedelta(days=3): ("EUR", 4_000_000),  # a deal, but not program currency
        now: ("USD", None),  # won, value not recorded yet: a deal worth nothing
    }
    for closed, (currency, value) in won_at.items():
        referral, _ = new_won_referral(admin, staff_user, deal_value_minor=value or 0)
        _close(referral, closed, currency, value)
    new_won_referral(new_user(Role.PARTNER_USER, new_org(name="Other")), staff_user)

    facts = gather_facts([org], program, now)[org.id]

    assert facts.windows == {365: WindowTotals(accepted_referrals=2, won_deals=3,
                                               won_value_minor=2_000_000)}  # fmt: skip


def test_accepting_a_referral_records_when(app, program, staff_user) -> None:
    admin = new_user(Role.PARTNER_ADMIN, new_org(name="Accepted"))
    referral = new_referral(admin)
    assert referral.accepted_at is None
    moment = utcnow().replace(microsecond=0) - timedelta(days=2)
    accept(referral, staff_user, program, moment)
    db.session.commit()
    db.session.expire(referral)
    assert referral.accepted_at == moment


def _close(referral, closed: datetime, currency: str, value: int | None) -> None:
    referral.closed_at, referral.deal_currency, referral.deal_value_minor = closed, currency, value
    db.session.commit()
