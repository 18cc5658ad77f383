"""`User.display_name`: the one way a person is named, in Python, in SQL and on the page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
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
