"""Route table for the public partner directory (merged into tests/test_access.py ACCESS).

The public pages answer everyone (the world lists one active organisation, without a logo:
its logo is a 404 for all). Partner admins edit their own organisation's profile and read its
contact messages (another organisation's message: 404); staff review changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.access_helpers import Route, everyone, partner_admins, staff

ROUTES: dict[str, Route] = {
    "directory.index": Route("/partners?country=de", everyone(200)),
    "directory.profile": Route("/partners/{directory_slug}", everyone(200)),
    "directory.send_contact": Route(
        "/partners/{directory_slug}/contact", everyone("ok"), "POST", {"name": "Vera"}
    ),
    "directory.logo": Route("/partners/{directory_slug}/logo.png", everyone(404)),
    "directory.sitemap": Route("/sitemap.xml", everyone(200)),
    "directory_partner.edit": Route("/directory/profile", partner_admins()),
    "directory_partner.withdraw": Route(
        "/directory/profile/withdraw", partner_admins("ok"), "POST"
    ),
    "directory_partner.own_logo": Route("/directory/profile/logo", partner_admins(404)),
    "directory_partner.contacts": Route("/directory/contacts", partner_admins()),
    "directory_partner.contacts_csv": Route("/directory/contacts.csv", partner_admins()),
    "directory_partner.contact_detail": Route(
        "/directory/contacts/{contact_id}", {**partner_admins(404), "partner_admin": 200}
    ),
    "directory_staff.queue": Route("/staff/directory", staff()),
    "directory_staff.change": Route("/staff/directory/{change_id}", staff()),
    "directory_staff.approve": Route("/staff/directory/{change_id}/approve", staff("ok"), "POST"),
    "directory_staff.reject": Route(
        "/staff/directory/{change_id}/reject", staff("ok"), "POST", {"reason": "Test"}
    ),
    "directory_staff.change_logo": Route("/staff/directory/{change_id}/logo/proposed", staff(404)),
}


@dataclass(frozen=True)
class DirectoryWorld:
    slug: str  # a listed partner's profile
    contact_id: int  # a message to the world's partner organisation
    change_id: int  # the partner organisation's change waiting for staff


def build_directory_world(org_id: int, admin_id: int, staff_id: int) -> DirectoryWorld:
    """A listed partner (not the world's partner org), and the partner org's message and change."""
    from portal.accounts.models import Organization, OrgStatus, User
    from portal.content_runtime import current_content
    from portal.db_types import utcnow
    from portal.directory import contact, profiles
    from portal.extensions import db
    from tests.conftest import new_org
    from tests.directory.conftest import PROFILE

    admin, reviewer = db.session.get(User, admin_id), db.session.get(User, staff_id)
    org = db.session.get(Organization, org_id)
    assert admin is not None and reviewer is not None and org is not None
    listed_org = new_org(name="Listed Partner Co", status=OrgStatus.ACTIVE)
    proposed = profiles.propose(listed_org, admin, PROFILE)
    published = profiles.approve(proposed, reviewer, current_content().program)
    message = contact.accept_contact(
        org_id, contact.ContactInput("Vera", "Buyer", "v@b.example", "de", "Hi"), 100, utcnow()
    )
    change = profiles.propose(org, admin, PROFILE)
    db.session.commit()
    return DirectoryWorld(published.slug, message.id, change.id)
