"""A small program built by hand, whose figures tests/insights/test_figures.py writes out.

Times are days before NOW; the 90-day period's current window holds ages 0 to 90 days and the
previous window ages 90 to 180 days. Five organisations (all types, tiers and statuses), seven
referrals through every status, certificates, attempts, activity, meetings and commissions.

    org  type      tier        status      invited  activated  referrals
    A    referral  silver      active      120 d    100 d      R1 (won 20 d), R2 (lost 10 d)
    B    reseller  gold        active       60 d     50 d      R3 (stale, proposal), R4 (EUR);
                                                               in grace (ends in 26 d)
    C    referral  registered  onboarding   30 d     —         R7 (rejected 19 d)
    D    alliance  silver      invited      10 d     —         —
    E    reseller  registered  suspended   300 d    290 d      R5 (rejected 199 d), R6 (won 100 d)

Organisation regions: A and B Europe, C and E North America, D none (referrals have their
own region, the customer's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.accounts.models import Organization, Role, User
from portal.audit.models import ActivityEvent
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    Referral,
    ReferralEvent,
)
from portal.staff.models import Meeting
from portal.tiers.models import TierStatus

NOW = utcnow().replace(microsecond=0)


def ago(days: float, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


@dataclass(frozen=True)
class World:
    orgs: dict[str, int]
    users: dict[str, int]
    referrals: dict[str, int]
    staff: dict[str, int]


def _user(key: str, role: str, org: Organization | None, name: str, **fields: Any) -> User:
    user = User(email=f"{key}@dataset.example", name=name, role=role, organization=org, **fields)
    user.set_password("dataset password 1")
    db.session.add(user)
    return user


def _referral(
    key: str,
    org: Organization,
    by: User,
    *,
    region: str,
    involvement: str,
    estimate: int,
    submitted: datetime,
    status: str,
    currency: str = "USD",
    responded: datetime | None = None,
    closed: datetime | None = None,
    next_due: datetime | None = None,
    owner: User | None = None,
    deal: int | None = None,
) -> Referral:
    referral = Referral(
        organization=org,
        submitted_by=by,
        owner=owner,
        idempotency_key=key,
        company_name=f"Company {key}",
        company_name_key=f"company {key.lower()}",
        contact_name="Dana Contact",
        contact_email=f"dana@{key.lower()}.example",
        contact_role="CFO",
        region=region,
        estimated_value_minor=estimate * 100,
        estimated_currency=currency,
        expected_timing="3-6",
        customer_need="A pipeline view.",
        involvement=involvement,
        consent_confirmed_at=submitted,
        status=status,
        submitted_at=submitted,
        first_response_due_at=submitted + timedelta(hours=48),
        first_responded_at=responded,
        last_partner_update_at=responded or submitted,
        next_due_at=next_due,
        closed_at=closed,
        deal_value_minor=None if deal is None else deal * 100,
        deal_currency=None if deal is None else "USD",
    )
    db.session.add(referral)
    return referral


def _event(referral: Referral, at: datetime, from_status: str, to_status: str) -> None:
    db.session.add(
        ReferralEvent(
            referral_id=referral.id,
            kind="stage_changed",
            partner_visible=True,
            from_status=from_status,
            to_status=to_status,
            created_at=at,
        )
    )


def build() -> World:
    """Insert the dataset and commit; ids by the keys the docstring uses."""
    orgs = {
        "A": Organization(name="Alpha", partner_type="referral", tier="silver", status="active",
                          region="Europe", created_at=ago(120), activated_at=ago(100)),
        "B": Organization(name="Bravo", partner_type="reseller", tier="gold", status="active",
                          region="Europe", created_at=ago(60), activated_at=ago(50)),
        "C": Organization(name="Charlie", partner_type="referral", tier="registered",
                          region="North America", status="onboarding", created_at=ago(30)),
        "D": Organization(name="Delta", partner_type="alliance", tier="silver", status="invited",
                          created_at=ago(10)),
        "E": Organization(name="Echo", partner_type="reseller", tier="registered",
                          region="North America", status="suspended", created_at=ago(300),
                          activated_at=ago(290)),
    }  # fmt: skip
    db.session.add_all(orgs.values())
    s1 = _user("s1", Role.STAFF, None, "Sam Staff", last_login_at=ago(1))
    s2 = _user("s2", Role.STAFF, None, "Olu Owner")
    users = {
        "a1": _user("a1", Role.PARTNER_ADMIN, orgs["A"], "Ann A", last_login_at=ago(5)),
        "a2": _user("a2", Role.PARTNER_USER, orgs["A"], "Abe A", last_login_at=ago(50)),
        "b1": _user("b1", Role.PARTNER_ADMIN, orgs["B"], "Bea B", last_login_at=ago(100)),
        "b2": _user("b2", Role.PARTNER_USER, orgs["B"], "Bob B"),
        "c1": _user("c1", Role.PARTNER_ADMIN, orgs["C"], "Cat C", last_login_at=ago(1)),
        "e1": _user("e1", Role.PARTNER_ADMIN, orgs["E"], "Eve E", last_login_at=ago(150)),
    }
    db.session.flush()
    A, B, C, E = orgs["A"], orgs["B"], orgs["C"], orgs["E"]
    u = users

    # --- referrals and their timelines ------------------------------------------------
    r1 = _referral(
        "R1",
        A,
        u["a1"],
        region="Europe",
        involvement="sourced",
        estimate=10_000,
        submitted=ago(80),
        status="won",
        responded=ago(80) + timedelta(hours=24),
        closed=ago(20),
        owner=s1,
        deal=12_000,
    )
    r2 = _referral(
        "R2",
        A,
        u["a2"],
        region="North America",
        involvement="influenced",
        estimate=5_000,
        submitted=ago(60),
        status="lost",
        responded=ago(60) + timedelta(hours=50),
        closed=ago(10),
        owner=s2,
    )
    r3 = _referral(
        "R3",
        B,
        u["b1"],
        region="Europe",
        involvement="sourced",
        estimate=20_000,
        submitted=ago(40),
        status="proposal",
        responded=ago(40) + timedelta(hours=10),
        next_due=ago(6),
        owner=s1,
        deal=25_000,
    )
    r4 = _referral(
        "R4",
        B,
        u["b2"],
        region="Europe",
        involvement="sourced",
        estimate=8_000,
        currency="EUR",
        submitted=ago(5),
        status="submitted",
        next_due=ago(3),
    )
    r5 = _referral(
        "R5",
        E,
        u["e1"],
        region="North America",
        involvement="sourced",
        estimate=7_000,
        submitted=ago(200),
        status="rejected",
        responded=ago(199),
        closed=ago(199),
    )
    r6 = _referral(
        "R6",
        E,
        u["e1"],
        region="North America",
        involvement="sourced",
        estimate=3_000,
        submitted=ago(150),
        status="won",
        responded=ago(150) + timedelta(hours=24),
        closed=ago(100),
        owner=s2,
        deal=4_000,
    )
    r7 = _referral("R7", C, u["c1"], region="North America", involvement="sourced",
                   estimate=1_000, submitted=ago(20), status="rejected",
                   responded=ago(20) + timedelta(hours=24), closed=ago(20) + timedelta(hours=24),
                   owner=s2)  # fmt: skip
    db.session.flush()
    _event(r1, ago(79), "submitted", "accepted")
    _event(r1, ago(20), "proposal", "won")
    _event(r2, ago(59), "submitted", "accepted")
    _event(r2, ago(30), "accepted", "qualified")
    _event(r2, ago(10), "qualified", "lost")
    _event(r3, ago(39), "submitted", "accepted")
    _event(r3, ago(20), "qualified", "proposal")
    _event(r5, ago(199), "submitted", "rejected")
    _event(r6, ago(149), "submitted", "accepted")
    _event(r6, ago(100), "accepted", "won")
    _event(r7, ago(19), "submitted", "rejected")

    # --- commissions: R1 approved then disputed; R6 approved and paid ---------------------
    c1 = Commission(
        referral=r1,
        organization_id=A.id,
        amount_minor=120_000,
        currency="USD",
        deal_value_minor=1_200_000,
        rate_percent="10",
        capped=False,
        partner_type="referral",
        involvement="sourced",
        explanation="10 %",
        status="disputed",
        status_before_dispute="approved",
        created_at=ago(20),
        approvable_from=ago(20),
        approved_at=ago(10),
    )
    c6 = Commission(referral=r6, organization_id=E.id, amount_minor=40_000, currency="USD",
                    deal_value_minor=400_000, rate_percent="10", capped=False,
                    partner_type="reseller", involvement="sourced", explanation="10 %",
                    status="paid", created_at=ago(100), approvable_from=ago(100),
                    approved_at=ago(80), paid_at=ago(70))  # fmt: skip
    db.session.add_all([c1, c6])
    db.session.flush()
    db.session.add(
        CommissionDispute(commission_id=c1.id, organization_id=A.id, opened_by_id=u["a1"].id,
                          reason="Wrong rate", opened_at=ago(5))
    )  # fmt: skip

    # --- learning -----------------------------------------------------------------------
    def cert(user: str, path: str, issued: float, expires: datetime | None, revoked: bool = False):
        db.session.add(
            Certification(user_id=u[user].id, organization_id=u[user].organization_id,
                          path_id=path, certificate_name=path, code=f"CODE-{user}-{path}",
                          issued_at=ago(issued), expires_at=expires,
                          revoked_at=ago(1) if revoked else None)
        )  # fmt: skip

    cert("a1", "basics", 30, NOW + timedelta(days=335))
    cert("a2", "basics", 100, NOW + timedelta(days=20))  # valid, expiring within 30 days
    cert("b1", "basics", 10, NOW + timedelta(days=355), revoked=True)
    cert("b2", "advanced", 40, None)
    cert("e1", "basics", 400, ago(35))  # expired
    for user, days in (("a1", 30), ("a1", 31), ("a2", 100), ("b1", 5)):
        db.session.add(ModuleCompletion(user_id=u[user].id, path_id="basics",
                                        module_id=f"m{days}", completed_at=ago(days)))  # fmt: skip

    def attempt(user: str, submitted: float | None, passed: bool | None, started: float):
        db.session.add(
            QuizAttempt(user_id=u[user].id, organization_id=u[user].organization_id,
                        path_id="basics", module_id="qualifying", content_version="v",
                        quiz_version="q", questions=[], started_at=ago(started),
                        submitted_at=None if submitted is None else ago(submitted),
                        passed=passed, score=None if passed is None else (100 if passed else 0))
        )  # fmt: skip
        db.session.flush()  # ids in submission order: the first attempt has the lower id

    attempt("a2", 100, True, 100)
    attempt("a1", 35, False, 35)
    attempt("a1", 32, True, 32)
    attempt("b1", 6, True, 6)
    attempt("c1", None, None, 2)

    # --- activity and meetings ------------------------------------------------------------
    for user, kind, days in (
        ("a1", "login", 5), ("a1", "login", 6), ("a2", "login", 50), ("b1", "login", 100),
        ("c1", "login", 1), ("a1", "content_view", 5), ("b2", "content_view", 20),
        ("a1", "kit_download", 10), ("b1", "template_copy", 15), ("e1", "kit_download", 150),
    ):  # fmt: skip
        db.session.add(ActivityEvent(user_id=u[user].id, organization_id=u[user].organization_id,
                                     kind=kind, subject="x", created_at=ago(days)))  # fmt: skip
    db.session.add(ActivityEvent(user_id=s1.id, organization_id=None, kind="login",
                                 created_at=ago(1)))  # fmt: skip
    for org, kind, days in (
        ("A", "qbr", 20),
        ("A", "call", 40),
        ("B", "meeting", 100),
        ("C", "joint_plan_review", 0),
    ):
        db.session.add(Meeting(organization_id=orgs[org].id, kind=kind,
                               held_on=ago(days).date(), note=f"{kind} note"))  # fmt: skip
    # B fell below gold: it keeps the tier for a grace period the evaluation started.
    grace = TierStatus(organization_id=B.id, grace_tier="gold", grace_started_on=ago(4).date())
    grace.grace_ends_on = ago(-26).date()
    db.session.add(grace)
    db.session.commit()
    return World(
        orgs={key: org.id for key, org in orgs.items()},
        users={key: user.id for key, user in users.items()},
        referrals={f"R{n}": r.id for n, r in enumerate((r1, r2, r3, r4, r5, r6, r7), start=1)},
        staff={"s1": s1.id, "s2": s2.id},
    )
