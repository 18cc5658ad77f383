"""How pages name a person (`User.display_name`) and their role (`role_label`), one way each."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.accounts.invites import create_invite
from portal.accounts.models import Role, User
from portal.accounts.users import role_label
from portal.extensions import db


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Pat Partner", "Pat Partner"), ("", "nameless@example.com")],
)
def test_python_and_sql_name_a_person_alike(make_user, name, expected):
    user = make_user(name=name, email="nameless@example.com")
    assert user.display_name == expected
    in_sql = db.session.scalar(sa.select(User.display_name).where(User.id == user.id))
    assert in_sql == expected


def test_the_page_header_names_a_person_without_a_name_by_e_mail(login, make_user, partner_org):
    user = make_user(name="", email="quiet@example.com", org=partner_org)
    html = login(user).get("/").get_data(as_text=True)
    assert '<span class="nav-user">quiet@example.com</span>' in html


def test_the_inbox_owner_filter_names_staff_by_e_mail_when_nameless(login, make_user):
    staff = make_user(role=Role.STAFF, name="", email="nameless-staff@example.com")
    html = login(staff).get("/inbox/").get_data(as_text=True)
    assert f'<option value="{staff.id}">nameless-staff@example.com</option>' in html


@pytest.mark.parametrize(
    ("role", "words"),
    [(Role.PARTNER_ADMIN, "Partner admin"), ("partner_user", "Partner user"), ("admin", "Admin")],
)
def test_a_role_in_words(role, words):
    assert role_label(role) == words


def test_a_role_this_version_does_not_know_shows_as_stored():
    assert role_label("auditor") == "auditor"


def test_every_list_of_people_names_roles_and_offers_the_same_buttons(
    login, admin_user, make_user, partner_org
):
    """The admin's staff list and an organisation's people: same words, same buttons."""
    staff = make_user(role=Role.STAFF, name="", email="nameless-staff@example.com")
    gone = make_user(role=Role.PARTNER_ADMIN, org=partner_org, name="Gone", active=False)
    client = login(admin_user)

    staff_list = client.get("/admin/users").get_data(as_text=True)
    assert "<td>Staff</td>" in staff_list and "<td>Admin</td>" in staff_list
    assert 'aria-label="Deactivate nameless-staff@example.com"' in staff_list
    assert f'action="/admin/users/{staff.id}/deactivate"' in staff_list

    people = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert "<td>Partner admin</td>" in people
    assert 'aria-label="Reactivate Gone"' in people
    assert f'action="/admin/users/{gone.id}/reactivate"' in people
    assert '<span class="badge badge-bad">Deactivated</span>' in people


def test_the_team_page_and_the_staff_page_list_open_invitations_alike(
    login, admin_user, partner_admin, partner_org
):
    create_invite("new.colleague@example.com", Role.PARTNER_ADMIN, partner_org, partner_admin)
    db.session.commit()
    line = re.compile(r"<li>new\.colleague@example\.com · Partner admin\s+· sent .*? · expires ")
    team = login(partner_admin).get("/team").get_data(as_text=True)
    staff_page = login(admin_user).get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert line.search(team) and line.search(staff_page)
    assert team.count('<ul class="invites">') == staff_page.count('<ul class="invites">') == 1
