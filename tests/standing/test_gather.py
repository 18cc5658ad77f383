"""Gathering facts from the features' tables: what counts, in a constant number of statements."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.db_types import utcnow
from portal.extensions import db
from portal.onboarding.models import ChecklistProgress
from portal.standing.gather import gather_facts
from tests.conftest import new_certification, new_org, new_user, new_won_referral
from tests.standing.conftest import accept_referrals, agree, attest


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

    assert facts.acknowledged_steps == frozenset({"accept-agreement"})
    assert facts.activated_at == org.activated_at
    assert sorted((c.user_id, c.path_id) for c in facts.certificates) == sorted(
        [(admin.id, "basics"), (colleague.id, "advanced")]
    )
    assert len(facts.accepted_referrals) == 2
    assert [(d.value_minor, d.currency) for d in facts.won_deals] == [(7_500_000, "USD")]
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
