"""Demo data for `make run`: staff, an admin, two partner organisations people sign in to, and
fifteen months of background partners (portal/demo_history/)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.api.demo import load_demo_tokens
from portal.comarketing.demo import load_demo_comarketing
from portal.compliance.demo import load_demo_agreements
from portal.compliance.document_demo import load_demo_documents
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.demo_history import load_demo_history
from portal.directory.demo import load_demo_directory
from portal.extensions import db
from portal.leads.demo import load_demo_leads, route_demo_leads_by_rules
from portal.mdf.demo import load_demo_mdf
from portal.questions.demo import load_demo_questions
from portal.referrals.demo import load_demo_referrals
from portal.sso.demo import load_demo_sso
from portal.webhooks.demo import load_demo_webhooks


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    organization: str  # "-" for vendor staff


# Demo-only passwords, printed by `make run`; `flask demo load` refuses to run in production.
DEMO_ORGS = (
    ("Brightline Consulting", "referral", "registered", "https://brightline.example", "Europe"),
    ("Harbor Systems", "reseller", "silver", "https://harbor-systems.example", "North America"),
)
DEMO_USERS = (
    ("staff@flywheel.example", "Sam Rivera", "Partner manager", Role.STAFF, None),
    ("admin@flywheel.example", "Ada Okafor", "Head of partnerships", Role.ADMIN, None),
    ("priya@brightline.example", "Priya Shah", "Managing partner", Role.PARTNER_ADMIN, 0),
    ("tom@brightline.example", "Tom Becker", "Consultant", Role.PARTNER_USER, 0),
    ("lena@harbor-systems.example", "Lena Novak", "Alliances lead", Role.PARTNER_ADMIN, 1),
    ("marco@harbor-systems.example", "Marco Silva", "Account executive", Role.PARTNER_USER, 1),
)
DEMO_PASSWORD = "flywheel-demo-2026"  # noqa: S105 (printed for local demos only)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts, as printed by `flask demo load`."""
    return [
        DemoLogin(email, DEMO_PASSWORD, role, "-" if org is None else DEMO_ORGS[org][0])
        for email, _name, _title, role, org in DEMO_USERS
    ]


def existing_demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist in this database (none if real users were created instead)."""
    logins = demo_logins()
    existing = set(
        db.session.scalars(sa.select(User.email).where(User.email.in_([x.email for x in logins])))
    )
    return [login for login in logins if login.email in existing]


def database_is_empty() -> bool:
    """True when no user exists yet (demo data is only loaded into an empty database)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo(content: ContentIndex) -> bool:
    """Create the demo organisations and users if the database is empty; True if it loaded."""
    if not database_is_empty():
        return False
    known_types = {t.id for t in content.program.partner_types}
    known_tiers = {t.id for t in content.program.tiers}
    orgs = []
    for name, partner_type, tier, website, region in DEMO_ORGS:
        # Demo content decides the types; fall back to the first type/tier it defines.
        org = Organization(
            name=name,
            partner_type=partner_type
            if partner_type in known_types
            else content.program.partner_types[0].id,
            tier=tier if tier in known_tiers else content.program.tiers[0].id,
            status=OrgStatus.ONBOARDING,
            website=website,
            region=region if region in content.program.regions else None,
        )
        db.session.add(org)
        orgs.append(org)
    users = []
    for email, name, title, role, org_index in DEMO_USERS:
        user = User(
            email=email,
            name=name,
            job_title=title,
            role=role,
            organization=None if org_index is None else orgs[org_index],
            created_at=utcnow(),
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users.append(user)
    # Referrals in every status, worked by the partner team, with their e-mails in the outbox.
    load_demo_referrals(users, content.program)
    load_demo_questions(users, content)  # answered, waiting on us, new, one past its SLA
    load_demo_comarketing(users, content.program)
    load_demo_mdf(users, content.program)  # Harbor Systems' market development funds
    db.session.flush()
    # Harbor's tax form current, its insurance certificate expiring; Brightline's tax form missing
    load_demo_documents(users, content.program)
    load_demo_leads(users, content.program)
    load_demo_tokens(users)  # API tokens in use on /team/api-tokens and /admin/api-tokens
    load_demo_webhooks(users)  # the example receiver's endpoint on /admin/webhooks, off
    load_demo_sso(users)  # Brightline's identity provider, set up and switched off
    db.session.commit()
    return True


def load_demo_history_after_demo(content: ContentIndex) -> int:
    """Fifteen months of background partners, so every chart on /insights tells a story.

    Run by `flask demo load` right after `load_demo`; the demo staff own the history's
    referrals and meetings. Returns the organisations created.
    """
    staff = list(
        db.session.scalars(
            sa.select(User).where(User.email.in_([u[0] for u in DEMO_USERS if u[4] is None]))
        )
    )
    created = load_demo_history(content, staff)
    load_demo_agreements(content, also=(DEMO_ORGS[1][0],))  # Harbor: version 2 awaits
    route_demo_leads_by_rules(content.program, staff)
    load_demo_directory(content, staff)  # a dozen listed partners with logos on /partners
    db.session.commit()
    return created
